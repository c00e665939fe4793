# Snapshots you can return to: build a lab (containers on a user network, a published port, a ping that fills the
# ARP tables, a file written in a container, a shell variable), save a snapshot, look at it, change it (remove a
# container, disconnect a network, overwrite the file), restore, and the same commands print the same thing again
# -- times, conntrack timers and ARP states included, as the clock goes back to the snapshot's instant.
# Without a library (flotilla test) snapshots are kept in memory; in the window they go to the lab's library.

$ docker-machine create node1
...
node1$ docker network create dev
74d3a4da985ceadd6c7563c6d7bacc7dd24558a5111c4409d29b768430020db6
node1$ docker run -d --name web --net dev -p 8080:80 nginx
2a93708bca6aa9c21b9c0f5cf8cdb87da6aa8b63cc9aab7d0d124560d47a2d77
node1$ docker run -d --name box --net dev alpine sleep 3600
34316cc6dc6e26527272d9bd05c22399d294d7a51c278f93e144170c65c1746e
node1$ docker exec box ping -c 1 web
PING web (172.18.0.2): 56 data bytes
64 bytes from 172.18.0.2: seq=0 ttl=64 time=0.008 ms

--- web ping statistics ---
1 packets transmitted, 1 packets received, 0% packet loss
round-trip min/avg/max = 0.008/0.008/0.008 ms
node1$ docker exec box sh -c 'echo before > /tmp/note'
$ curl -s -o /dev/null -w '%{http_code}\n' http://192.168.99.100:8080/
200
node1$ STAGE=built

# The snapshot: every prompt goes on as it is.
$ flotilla snapshot save base
Saved snapshot base (16.002 s of virtual time).

# What the lab looks like from here on.
node1$ echo $STAGE
built
node1$ docker ps -a
CONTAINER ID   IMAGE     COMMAND                  CREATED          STATUS          PORTS                                     NAMES
34316cc6dc6e   alpine    "sleep 3600"             14 seconds ago   Up 14 seconds                                             box
2a93708bca6a   nginx     "/docker-entrypoint.…"   16 seconds ago   Up 16 seconds   0.0.0.0:8080->80/tcp, [::]:8080->80/tcp   web
node1$ docker network ls
NETWORK ID     NAME      DRIVER    SCOPE
4202cb40a4fd   bridge    bridge    local
74d3a4da985c   dev       bridge    local
6030987c7ff1   host      host      local
abe4d83d1457   none      null      local
node1$ docker network inspect -f '{{range .Containers}}{{.Name}} {{.IPv4Address}} {{.MacAddress}} {{end}}' dev
web 172.18.0.2/16 e2:c1:8d:07:41:cc box 172.18.0.3/16 fe:49:96:4a:37:3b
node1$ docker exec box ip neigh
172.18.0.2 dev eth0 lladdr e2:c1:8d:07:41:cc ref 1 used 0/0/0 probes 0 REACHABLE
node1$ ip neigh
192.168.99.1 dev eth0 lladdr 08:00:27:5e:63:0b REACHABLE
172.18.0.2 dev br-74d3a4da985c lladdr e2:c1:8d:07:41:cc REACHABLE
node1$ docker exec box cat /tmp/note
before
node1$ iptables -t nat -S
-P PREROUTING ACCEPT
-P INPUT ACCEPT
-P OUTPUT ACCEPT
-P POSTROUTING ACCEPT
-N DOCKER
-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER
-A OUTPUT ! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j DOCKER
-A POSTROUTING -s 172.18.0.0/16 ! -o br-74d3a4da985c -j MASQUERADE
-A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE
-A DOCKER -i br-74d3a4da985c -j RETURN
-A DOCKER -i docker0 -j RETURN
-A DOCKER ! -i br-74d3a4da985c -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.18.0.2:80
node1$ conntrack -L
unknown  2 566 src=172.17.0.1 dst=224.0.0.22 [UNREPLIED] src=224.0.0.22 dst=172.17.0.1 mark=0 use=1
unknown  2 568 src=172.18.0.1 dst=224.0.0.22 [UNREPLIED] src=224.0.0.22 dst=172.18.0.1 mark=0 use=1
icmp     1 3 src=172.18.0.3 dst=172.18.0.2 type=8 code=0 id=35730 src=172.18.0.2 dst=172.18.0.3 type=0 code=0 id=35730 mark=0 use=1
tcp      6 98 TIME_WAIT src=192.168.99.1 dst=192.168.99.100 sport=58818 dport=8080 src=172.18.0.2 dst=192.168.99.1 sport=80 dport=58818 [ASSURED] mark=0 use=1
conntrack v1.4.6 (conntrack-tools): 4 flow entries have been shown.
node1$ bridge fdb show br br-74d3a4da985c
ba:83:49:c9:95:c2 dev br-74d3a4da985c master br-74d3a4da985c permanent
16:b7:21:de:db:8c dev veth19c0f1f master br-74d3a4da985c permanent
ae:45:94:1f:79:2c dev veth5e4eb51 master br-74d3a4da985c permanent
fe:49:96:4a:37:3b dev veth5e4eb51 master br-74d3a4da985c
e2:c1:8d:07:41:cc dev veth19c0f1f master br-74d3a4da985c
$ flotilla snapshot ls
NAME   VIRTUAL TIME
base   16.002 s

# Break it: a container gone, a network disconnected, the file overwritten, the variable changed.
node1$ docker rm -f web
web
node1$ docker network disconnect dev box
node1$ docker exec box sh -c 'echo after > /tmp/note'
node1$ STAGE=changed
node1$ docker ps -a
CONTAINER ID   IMAGE     COMMAND        CREATED          STATUS          PORTS     NAMES
34316cc6dc6e   alpine    "sleep 3600"   42 seconds ago   Up 42 seconds             box
node1$ docker exec box cat /tmp/note
after
node1$ docker exec box ip neigh
node1$ conntrack -L
unknown  2 546 src=172.17.0.1 dst=224.0.0.22 [UNREPLIED] src=224.0.0.22 dst=172.17.0.1 mark=0 use=1
unknown  2 548 src=172.18.0.1 dst=224.0.0.22 [UNREPLIED] src=224.0.0.22 dst=172.18.0.1 mark=0 use=1
tcp      6 78 TIME_WAIT src=192.168.99.1 dst=192.168.99.100 sport=58818 dport=8080 src=172.18.0.2 dst=192.168.99.1 sport=80 dport=58818 [ASSURED] mark=0 use=1
conntrack v1.4.6 (conntrack-tools): 3 flow entries have been shown.

# Only saved snapshots restore.
$ flotilla snapshot restore nosuch
flotilla: no snapshot named nosuch (flotilla snapshot ls lists them)
[exit 1]

# Back: the lab is rebuilt from the snapshot and swapped under the open prompts; node1's session goes on.
$ flotilla snapshot restore base
Restored snapshot base (16.002 s of virtual time).

# The same commands, the same output, line for line.
node1$ echo $STAGE
built
node1$ docker ps -a
CONTAINER ID   IMAGE     COMMAND                  CREATED          STATUS          PORTS                                     NAMES
34316cc6dc6e   alpine    "sleep 3600"             14 seconds ago   Up 14 seconds                                             box
2a93708bca6a   nginx     "/docker-entrypoint.…"   16 seconds ago   Up 16 seconds   0.0.0.0:8080->80/tcp, [::]:8080->80/tcp   web
node1$ docker network ls
NETWORK ID     NAME      DRIVER    SCOPE
4202cb40a4fd   bridge    bridge    local
74d3a4da985c   dev       bridge    local
6030987c7ff1   host      host      local
abe4d83d1457   none      null      local
node1$ docker network inspect -f '{{range .Containers}}{{.Name}} {{.IPv4Address}} {{.MacAddress}} {{end}}' dev
web 172.18.0.2/16 e2:c1:8d:07:41:cc box 172.18.0.3/16 fe:49:96:4a:37:3b
node1$ docker exec box ip neigh
172.18.0.2 dev eth0 lladdr e2:c1:8d:07:41:cc ref 1 used 0/0/0 probes 0 REACHABLE
node1$ ip neigh
192.168.99.1 dev eth0 lladdr 08:00:27:5e:63:0b REACHABLE
172.18.0.2 dev br-74d3a4da985c lladdr e2:c1:8d:07:41:cc REACHABLE
node1$ docker exec box cat /tmp/note
before
node1$ iptables -t nat -S
-P PREROUTING ACCEPT
-P INPUT ACCEPT
-P OUTPUT ACCEPT
-P POSTROUTING ACCEPT
-N DOCKER
-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER
-A OUTPUT ! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j DOCKER
-A POSTROUTING -s 172.18.0.0/16 ! -o br-74d3a4da985c -j MASQUERADE
-A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE
-A DOCKER -i br-74d3a4da985c -j RETURN
-A DOCKER -i docker0 -j RETURN
-A DOCKER ! -i br-74d3a4da985c -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.18.0.2:80
node1$ conntrack -L
unknown  2 566 src=172.17.0.1 dst=224.0.0.22 [UNREPLIED] src=224.0.0.22 dst=172.17.0.1 mark=0 use=1
unknown  2 568 src=172.18.0.1 dst=224.0.0.22 [UNREPLIED] src=224.0.0.22 dst=172.18.0.1 mark=0 use=1
icmp     1 3 src=172.18.0.3 dst=172.18.0.2 type=8 code=0 id=35730 src=172.18.0.2 dst=172.18.0.3 type=0 code=0 id=35730 mark=0 use=1
tcp      6 98 TIME_WAIT src=192.168.99.1 dst=192.168.99.100 sport=58818 dport=8080 src=172.18.0.2 dst=192.168.99.1 sport=80 dport=58818 [ASSURED] mark=0 use=1
conntrack v1.4.6 (conntrack-tools): 4 flow entries have been shown.
node1$ bridge fdb show br br-74d3a4da985c
ba:83:49:c9:95:c2 dev br-74d3a4da985c master br-74d3a4da985c permanent
16:b7:21:de:db:8c dev veth19c0f1f master br-74d3a4da985c permanent
ae:45:94:1f:79:2c dev veth5e4eb51 master br-74d3a4da985c permanent
fe:49:96:4a:37:3b dev veth5e4eb51 master br-74d3a4da985c
e2:c1:8d:07:41:cc dev veth19c0f1f master br-74d3a4da985c
$ flotilla snapshot ls
NAME   VIRTUAL TIME
base   16.002 s

# The restored lab is live: the container is back on the network, the published port answers.
node1$ docker exec box ping -c 1 web
PING web (172.18.0.2): 56 data bytes
64 bytes from 172.18.0.2: seq=0 ttl=64 time=0.004 ms

--- web ping statistics ---
1 packets transmitted, 1 packets received, 0% packet loss
round-trip min/avg/max = 0.004/0.004/0.004 ms
$ curl -s http://192.168.99.100:8080/ | grep title
<title>Welcome to nginx!</title>

$ flotilla snapshot
usage: flotilla snapshot save NAME | flotilla snapshot restore NAME | flotilla snapshot ls
[exit 2]
