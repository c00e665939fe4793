# Pinging a service VIP, as each engine generation answers it. IPVS balances TCP and UDP, not ICMP, so libnetwork
# makes the VIP answer pings another way (moby#24201, moby#25497):
#   1.12        a task holds its own service's VIP as a /32 on its interface on that network; a ping is answered
#               only when a task of the service runs on the pinging node (it answers the ARP for the VIP);
#   1.13-17.07  the same /32, plus `nat OUTPUT -p icmp --icmp-type echo-request -d VIP -j DNAT --to 127.0.0.1` in
#               every sandbox with the service's load balancer: the pinging container answers itself, no ARP;
#   17.09-18.05 the task's VIP moves to lo (`inet VIP/32 scope global lo`), the DNAT stays.
# TCP to the VIP still goes through IPVS, balanced over the tasks.
$ flotilla node add sw1 --engine 17.06.2
node sw1: 192.168.99.100/24, Docker Engine 17.06.2-ce
$ flotilla node add sw2 --engine 17.06.2
node sw2: 192.168.99.101/24, Docker Engine 17.06.2-ce
$ flotilla node add sw3 --engine 17.12.1
node sw3: 192.168.99.102/24, Docker Engine 17.12.1-ce
$ flotilla node add sw4 --engine 1.12.6
node sw4: 192.168.99.103/24, Docker Engine 1.12.6
sw1$ docker swarm init --advertise-addr 192.168.99.100
...
$ for n in sw2 sw3 sw4; do docker-machine ssh $n docker swarm join --token $(docker-machine ssh sw1 docker swarm join-token -q worker) 192.168.99.100:2377; done
This node joined a swarm as a worker.
This node joined a swarm as a worker.
This node joined a swarm as a worker.
sw1$ docker network create -d overlay --attachable app
[0-9a-z]{25} (re)
sw1$ docker service create --name web --replicas 2 --constraint node.hostname!=sw3 --constraint node.hostname!=sw4 --network app traefik/whoami
[0-9a-z]{25} (re)
...
verify: Service converged
sw1$ docker service create --name pinger --mode global --network app -p 8080:80 alpine sleep 1d
[0-9a-z]{25} (re)
...
verify: Service converged
sw1$ docker service inspect -f '{{range .Endpoint.VirtualIPs}}{{.Addr}} {{end}}' web pinger
10.0.1.2/24
10.0.0.6/24 10.0.1.5/24

# 17.06: the task's VIPs sit on its interfaces (ingress eth0, app eth1); a client on the overlay pings the VIP and
# answers itself (the DNAT), without asking anyone for the VIP's MAC
sw1$ docker exec $(docker ps -q -f name=pinger) ip addr
1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN qlen 1000
    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00
    inet 127.0.0.1/8 scope host lo
       valid_lft forever preferred_lft forever
    inet6 ::1/128 scope host
       valid_lft forever preferred_lft forever
2: eth0@if5: <BROADCAST,MULTICAST,UP,LOWER_UP,M-DOWN> mtu 1450 qdisc noqueue state UP
    link/ether 02:42:0a:00:00:07 brd ff:ff:ff:ff:ff:ff
    inet 10.0.0.7/24 brd 10.0.0.255 scope global eth0
       valid_lft forever preferred_lft forever
    inet 10.0.0.6/32 scope global eth0
       valid_lft forever preferred_lft forever
3: eth1@if5: <BROADCAST,MULTICAST,UP,LOWER_UP,M-DOWN> mtu 1450 qdisc noqueue state UP
    link/ether 02:42:0a:00:01:06 brd ff:ff:ff:ff:ff:ff
    inet 10.0.1.6/24 brd 10.0.1.255 scope global eth1
       valid_lft forever preferred_lft forever
    inet 10.0.1.5/32 scope global eth1
       valid_lft forever preferred_lft forever
4: eth2@if7: <BROADCAST,MULTICAST,UP,LOWER_UP,M-DOWN> mtu 1500 qdisc noqueue state UP
    link/ether 02:42:ac:12:00:04 brd ff:ff:ff:ff:ff:ff
    inet 172.18.0.4/16 brd 172.18.255.255 scope global eth2
       valid_lft forever preferred_lft forever
sw2$ docker run -d --name client --network app alpine sleep 1d
[0-9a-f]{64} (re)
sw2$ docker exec client ping -c 2 web
PING web (10.0.1.2): 56 data bytes
64 bytes from 10.0.1.2: seq=0 ttl=64 time=0.000 ms
64 bytes from 10.0.1.2: seq=1 ttl=64 time=0.000 ms

--- web ping statistics ---
2 packets transmitted, 2 packets received, 0% packet loss
round-trip min/avg/max = 0.000/0.000/0.000 ms
sw2$ docker exec client ip neigh | wc -l
0
sw1$ docker exec $(docker ps -q -f name=pinger) ping -c 1 pinger
PING pinger (10.0.1.5): 56 data bytes
64 bytes from 10.0.1.5: seq=0 ttl=64 time=0.000 ms

--- pinger ping statistics ---
1 packets transmitted, 1 packets received, 0% packet loss
round-trip min/avg/max = 0.000/0.000/0.000 ms

# 17.12: the VIP on lo, the ping answered the same way
sw3$ docker exec $(docker ps -q -f name=pinger) ip addr show lo
1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN qlen 1000
    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00
    inet 127.0.0.1/8 scope host lo
       valid_lft forever preferred_lft forever
    inet 10.0.0.6/32 scope global lo
       valid_lft forever preferred_lft forever
    inet 10.0.1.5/32 scope global lo
       valid_lft forever preferred_lft forever
    inet6 ::1/128 scope host
       valid_lft forever preferred_lft forever
sw3$ docker exec $(docker ps -q -f name=pinger) ping -c 1 web
PING web (10.0.1.2): 56 data bytes
64 bytes from 10.0.1.2: seq=0 ttl=64 time=0.000 ms

--- web ping statistics ---
1 packets transmitted, 1 packets received, 0% packet loss
round-trip min/avg/max = 0.000/0.000/0.000 ms

# 1.12: no DNAT; the VIP answers only where a task of its service runs on the same node, by ARP
sw4$ docker run -d --name old --network app alpine sleep 1d
[0-9a-f]{64} (re)
sw4$ docker exec old ping -c 1 web
PING web (10.0.1.2): 56 data bytes

--- web ping statistics ---
1 packets transmitted, 0 packets received, 100% packet loss
[exit 1]
sw4$ docker exec old ping -c 1 pinger
PING pinger (10.0.1.5): 56 data bytes
64 bytes from 10.0.1.5: seq=0 ttl=64 time=0.008 ms

--- pinger ping statistics ---
1 packets transmitted, 1 packets received, 0% packet loss
round-trip min/avg/max = 0.008/0.008/0.008 ms
# the MAC that answered the ARP for pinger's VIP is the local pinger task's own (its eth1 holds 10.0.1.9 and the VIP)
sw4$ docker exec old ip neigh
10.0.1.2 dev eth0 ref 1 used 0/0/0 probes 3 FAILED
10.0.1.5 dev eth0 lladdr 02:42:0a:00:01:09 ref 1 used 0/0/0 probes 0 REACHABLE
sw4$ docker exec $(docker ps -q -f name=pinger) ip -4 addr show eth1
3: eth1@if4: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1450 qdisc noqueue state UP
    inet 10.0.1.9/24 brd 10.0.1.255 scope global eth1
       valid_lft forever preferred_lft forever
    inet 10.0.1.5/32 scope global eth1
       valid_lft forever preferred_lft forever

# TCP to the VIP is balanced by IPVS as before, from every generation
sw2$ for i in 1 2 3 4; do docker exec client wget -q -O - http://web/ | grep Hostname; done | sort -u | wc -l
2
sw4$ for i in 1 2 3 4; do docker exec old wget -q -O - http://web/ | grep Hostname; done | sort -u | wc -l
2
