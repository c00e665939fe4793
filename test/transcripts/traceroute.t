# busybox traceroute in alpine containers: UDP probes to port 33434+seq (the first one 33435), TTL 1, 2, ... three
# probes a hop; each router on the way answers with ICMP time exceeded, the destination with port unreachable,
# which ends the run. Names come from PTR queries (numeric when there is none), -n skips them.
$ docker-machine create node1
...
$ docker-machine create node2
...
node1$ docker run -dit --name a1 alpine ash
[0-9a-f]{64} (re)
node1$ docker run -dit --name a2 alpine ash
[0-9a-f]{64} (re)

# from the default bridge to another node: docker0's address is the first hop (node1 forwards, the TTL runs out
# there), node2 the second; node1 masquerades the probes and hands node2's port unreachable back (conntrack RELATED)
node1$ docker exec a1 traceroute 192.168.99.101
traceroute to 192.168.99.101 (192.168.99.101), 30 hops max, 46 byte packets
 1  172\.17\.0\.1 \(172\.17\.0\.1\)  \d+\.\d{3} ms  \d+\.\d{3} ms  \d+\.\d{3} ms (re)
 2  192\.168\.99\.101 \(192\.168\.99\.101\)  \d+\.\d{3} ms  \d+\.\d{3} ms  \d+\.\d{3} ms (re)

# on the wire: docker0 sees every probe and its answer; eth0 only the second hop's, masqueraded to node1's address
node1$ tcpdump -i docker0 -n -c 8 'udp portrange 33434-33534 or icmp' > docker0.txt 2>/dev/null &
node1$ tcpdump -i eth0 -n -c 4 'udp portrange 33434-33534 or icmp' > eth0.txt 2>/dev/null &
node1$ docker exec a1 traceroute -n -q 2 192.168.99.101
traceroute to 192.168.99.101 (192.168.99.101), 30 hops max, 46 byte packets
 1  172.17.0.1  \d+\.\d{3} ms  \d+\.\d{3} ms (re)
 2  192.168.99.101  \d+\.\d{3} ms  \d+\.\d{3} ms (re)
node1$ wait; cut -d' ' -f2- docker0.txt
IP 172.17.0.2.\d+ > 192.168.99.101.33435: UDP, length 18 (re)
IP 172.17.0.1 > 172.17.0.2: ICMP time exceeded in-transit, length 54
IP 172.17.0.2.\d+ > 192.168.99.101.33436: UDP, length 18 (re)
IP 172.17.0.1 > 172.17.0.2: ICMP time exceeded in-transit, length 54
IP 172.17.0.2.\d+ > 192.168.99.101.33437: UDP, length 18 (re)
IP 192.168.99.101 > 172.17.0.2: ICMP 192.168.99.101 udp port 33437 unreachable, length 54
IP 172.17.0.2.\d+ > 192.168.99.101.33438: UDP, length 18 (re)
IP 192.168.99.101 > 172.17.0.2: ICMP 192.168.99.101 udp port 33438 unreachable, length 54
node1$ cut -d' ' -f2- eth0.txt
IP 192.168.99.100.\d+ > 192.168.99.101.33437: UDP, length 18 (re)
IP 192.168.99.101 > 192.168.99.100: ICMP 192.168.99.101 udp port 33437 unreachable, length 54
IP 192.168.99.100.\d+ > 192.168.99.101.33438: UDP, length 18 (re)
IP 192.168.99.101 > 192.168.99.100: ICMP 192.168.99.101 udp port 33438 unreachable, length 54

# a container on the same bridge is one hop away; -I sends ICMP echo requests instead, and the echo reply ends it
node1$ docker exec a1 traceroute -n 172.17.0.3
traceroute to 172.17.0.3 (172.17.0.3), 30 hops max, 46 byte packets
 1  172.17.0.3  \d+\.\d{3} ms  \d+\.\d{3} ms  \d+\.\d{3} ms (re)
node1$ docker exec a1 traceroute -I -n -q 1 192.168.99.101
traceroute to 192.168.99.101 (192.168.99.101), 30 hops max, 46 byte packets
 1  172.17.0.1  \d+\.\d{3} ms (re)
 2  192.168.99.101  \d+\.\d{3} ms (re)

# user-defined networks: the embedded DNS names containers in PTR answers (NAME.NETWORK)
node1$ docker network create net1
[0-9a-f]{64} (re)
node1$ docker network create net2
[0-9a-f]{64} (re)
node1$ docker run -dit --name b1 --network net1 alpine ash
[0-9a-f]{64} (re)
node1$ docker run -dit --name b2 --network net1 alpine ash
[0-9a-f]{64} (re)
node1$ docker run -dit --name c1 --network net2 alpine ash
[0-9a-f]{64} (re)
node1$ docker exec b1 traceroute b2
traceroute to b2 (172.18.0.3), 30 hops max, 46 byte packets
 1  b2\.net1 \(172\.18\.0\.3\)  \d+\.\d{3} ms  \d+\.\d{3} ms  \d+\.\d{3} ms (re)
node1$ docker exec b1 traceroute -q 1 192.168.99.101
traceroute to 192.168.99.101 (192.168.99.101), 30 hops max, 46 byte packets
 1  172\.18\.0\.1 \(172\.18\.0\.1\)  \d+\.\d{3} ms (re)
 2  192\.168\.99\.101 \(192\.168\.99\.101\)  \d+\.\d{3} ms (re)

# across two user networks: node1 joins them, but Docker 28 drops what reaches a container of net2 from anywhere but
# its own bridge (raw PREROUTING, before the TTL is even looked at), so every hop is silent; net2's gateway address
# is node1's own and answers from one hop away
node1$ docker exec b1 traceroute -n -w 1 -m 3 172.19.0.2
traceroute to 172.19.0.2 (172.19.0.2), 3 hops max, 46 byte packets
 1  *  *  *
 2  *  *  *
 3  *  *  *
node1$ docker exec b1 traceroute -n 172.19.0.1
traceroute to 172.19.0.1 (172.19.0.1), 30 hops max, 46 byte packets
 1  172.19.0.1  \d+\.\d{3} ms  \d+\.\d{3} ms  \d+\.\d{3} ms (re)
node1$ docker network connect net2 b1
node1$ docker exec b1 traceroute c1
traceroute to c1 (172.19.0.2), 30 hops max, 46 byte packets
 1  c1\.net2 \(172\.19\.0\.2\)  \d+\.\d{3} ms  \d+\.\d{3} ms  \d+\.\d{3} ms (re)

# an address nobody answers ARP for: the container sends itself host unreachable (!H) after ARP gives up
node1$ docker exec b1 traceroute -n -q 1 -m 3 172.18.0.99
traceroute to 172.18.0.99 (172.18.0.99), 3 hops max, 46 byte packets
 1  172.18.0.2  3\d{3}\.\d{3} ms !H (re)

# errors
node1$ docker exec b1 traceroute nosuch
traceroute: bad address 'nosuch'
[exit 1]
node1$ docker exec b1 traceroute -m 0 b2
traceroute: number 0 is not in 1..255 range
[exit 1]
node1$ docker exec b1 traceroute b2 20
traceroute: number 20 is not in 46..32768 range
[exit 1]
node1$ docker exec b1 traceroute -x b2 2>&1 | head -4
traceroute: unrecognized option: x
BusyBox v1.36.1 (2023-07-27 17:12:24 UTC) multi-call binary.

Usage: traceroute [-46IFlnrv] [-f 1ST_TTL] [-m MAXTTL] [-q PROBES] [-p PORT]
node1$ docker exec b1 traceroute
BusyBox v1.36.1 (2023-07-27 17:12:24 UTC) multi-call binary.

Usage: traceroute [-46IFlnrv] [-f 1ST_TTL] [-m MAXTTL] [-q PROBES] [-p PORT]
	[-t TOS] [-w WAIT_SEC] [-s SRC_IP] [-i IFACE]
	[-z PAUSE_MSEC] HOST [BYTES]

Trace the route to HOST

	-4,-6	Force IP or IPv6 name resolution
	-F	Set don't fragment bit
	-I	Use ICMP ECHO instead of UDP datagrams
	-l	Display TTL value of the returned packet
	-n	Print numeric addresses
	-r	Bypass routing tables, send directly to HOST
	-v	Verbose
	-f N	First number of hops (default 1)
	-m N	Max number of hops
	-q N	Number of probes per hop (default 3)
	-p N	Base UDP port number used in probes
		(default 33434)
	-s IP	Source address
	-i IFACE Source interface
	-t N	Type-of-service in probe packets (default 0)
	-w SEC	Wait for a response (default 3)
	-z MSEC	Wait before each send
[exit 1]
