# Captures taken while Docker traffic flows (tcpdump -w on the node's bridge and NIC, and on a container's lo),
# read back with tcpdump -r: a ping across a user bridge, a published port reached through DNAT, a query to the
# embedded DNS server. `flotilla run captures.t --save-captures DIR` writes the three pcaps for Wireshark.
$ docker-machine create node1
...
node1$ docker network create dev
[0-9a-f]{64} (re)
node1$ docker run -d --name web --network dev -p 8080:80 nginx
[0-9a-f]{64} (re)
node1$ docker run -dit --name probe --network dev alpine ash
[0-9a-f]{64} (re)
node1$ BR=br-$(docker network inspect -f '{{.Id}}' dev | cut -c1-12); echo $BR
br-[0-9a-f]{12} (re)
node1$ tcpdump -i $BR -w /tmp/bridge.pcap -c 6 icmp 2>/dev/null &
node1$ tcpdump -i eth0 -w /tmp/dnat.pcap -c 6 tcp port 8080 2>/dev/null &
node1$ docker exec probe ping -c 3 web | tail -2
3 packets transmitted, 3 packets received, 0% packet loss
round-trip min/avg/max = [\d.]+/[\d.]+/[\d.]+ ms (re)
$ curl -s -o /dev/null -w '%{http_code}\n' 192.168.99.100:8080
200
node1$ wait
node1$ tcpdump -r /tmp/bridge.pcap -nn 2>/dev/null | cut -d' ' -f2-
IP 172.18.0.3 > 172.18.0.2: ICMP echo request, id \d+, seq 0, length 64 (re)
IP 172.18.0.2 > 172.18.0.3: ICMP echo reply, id \d+, seq 0, length 64 (re)
IP 172.18.0.3 > 172.18.0.2: ICMP echo request, id \d+, seq 1, length 64 (re)
IP 172.18.0.2 > 172.18.0.3: ICMP echo reply, id \d+, seq 1, length 64 (re)
IP 172.18.0.3 > 172.18.0.2: ICMP echo request, id \d+, seq 2, length 64 (re)
IP 172.18.0.2 > 172.18.0.3: ICMP echo reply, id \d+, seq 2, length 64 (re)
# on the NIC the client talks to the node's address; behind DNAT the container answers as it
node1$ tcpdump -r /tmp/dnat.pcap -nn 2>/dev/null | cut -d" " -f2-5
IP 192.168.99.1.\d+ > 192.168.99.100.8080: (re)
IP 192.168.99.100.8080 > 192.168.99.1.\d+: (re)
IP 192.168.99.1.\d+ > 192.168.99.100.8080: (re)
IP 192.168.99.1.\d+ > 192.168.99.100.8080: (re)
IP 192.168.99.100.8080 > 192.168.99.1.\d+: (re)
IP 192.168.99.100.8080 > 192.168.99.1.\d+: (re)
node1$ conntrack -L 2>/dev/null | grep -c 'dport=8080 src=172.18.0.2 dst=192.168.99.1 sport=80'
1

# DNS on the container's loopback: the query leaves DNAT'ed to the resolver's port, the answer comes from :53
node1$ docker run -d --name tools --network dev nicolaka/netshoot sleep 1d
[0-9a-f]{64} (re)
node1$ docker exec -d tools tcpdump -i lo -w /tmp/dns.pcap -c 2 udp
node1$ docker exec tools dig +short web
172.18.0.2
node1$ docker exec tools tcpdump -r /tmp/dns.pcap -nn 2>/dev/null | cut -d' ' -f2-
IP 127.0.0.1.\d+ > 127.0.0.11.\d+: UDP, length \d+ (re)
IP 127.0.0.11.53 > 127.0.0.1.\d+: \d+ 1/0/0 A 172.18.0.2 \(\d+\) (re)
