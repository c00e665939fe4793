# docs.docker.com "Networking with standalone containers", part 2: a user-defined bridge. Containers on it resolve
# each other by name through the embedded DNS server; alpine4 is on both networks; bridges are isolated.
$ docker-machine create node1
...
node1$ docker network create --driver bridge alpine-net
[0-9a-f]{64} (re)
node1$ docker network ls --format 'table {{.Name}}\t{{.Driver}}\t{{.Scope}}'
NAME         DRIVER    SCOPE
alpine-net   bridge    local
bridge       bridge    local
host         host      local
none         null      local
node1$ docker network inspect -f '{{json .IPAM}} {{json .Containers}} {{json .Options}}' alpine-net
{"Driver":"default","Options":{},"Config":[{"Subnet":"172.18.0.0/16","Gateway":"172.18.0.1"}]} {} {}
node1$ docker run -dit --name alpine1 --network alpine-net alpine ash
[0-9a-f]{64} (re)
node1$ docker run -dit --name alpine2 --network alpine-net alpine ash
[0-9a-f]{64} (re)
node1$ docker run -dit --name alpine3 alpine ash
[0-9a-f]{64} (re)
node1$ docker run -dit --name alpine4 --network alpine-net alpine ash
[0-9a-f]{64} (re)
node1$ docker network connect bridge alpine4
node1$ docker network inspect -f '{{range .Containers}}{{.Name}} {{.IPv4Address}}{{println}}{{end}}' bridge | sort
alpine3 172.17.0.2/16
alpine4 172.17.0.3/16
node1$ docker network inspect -f '{{range .Containers}}{{.Name}} {{.IPv4Address}}{{println}}{{end}}' alpine-net | sort
alpine1 172.18.0.2/16
alpine2 172.18.0.3/16
alpine4 172.18.0.4/16

# names resolve on the user-defined network, not across to the default bridge
node1$ docker exec alpine1 ping -c 2 alpine2
PING alpine2 (172.18.0.3): 56 data bytes
64 bytes from 172.18.0.3: seq=0 ttl=64 time=\d+\.\d{3} ms (re)
64 bytes from 172.18.0.3: seq=1 ttl=64 time=\d+\.\d{3} ms (re)

--- alpine2 ping statistics ---
2 packets transmitted, 2 packets received, 0% packet loss
round-trip min/avg/max = [\d.]+/[\d.]+/[\d.]+ ms (re)
node1$ docker exec alpine1 ping -c 1 alpine4 | head -2
PING alpine4 (172.18.0.4): 56 data bytes
64 bytes from 172.18.0.4: seq=0 ttl=64 time=\d+\.\d{3} ms (re)
node1$ docker exec alpine1 ping -c 2 alpine3
ping: bad address 'alpine3'
[exit 1]
node1$ docker exec alpine1 ping -c 2 -W 1 172.17.0.2
PING 172.17.0.2 (172.17.0.2): 56 data bytes

--- 172.17.0.2 ping statistics ---
2 packets transmitted, 0 packets received, 100% packet loss
[exit 1]

# alpine4 is on both: eth0 on alpine-net (where it was created), eth1 on bridge, the default route on the first
node1$ docker exec alpine4 ip -4 -o addr show
1: lo    inet 127.0.0.1/8 scope host lo\       valid_lft forever preferred_lft forever
2: eth0    inet 172.18.0.4/16 brd 172.18.255.255 scope global eth0\       valid_lft forever preferred_lft forever
3: eth1    inet 172.17.0.3/16 brd 172.17.255.255 scope global eth1\       valid_lft forever preferred_lft forever
node1$ docker exec alpine4 ip route
default via 172.18.0.1 dev eth0
172.17.0.0/16 dev eth1 scope link  src 172.17.0.3
172.18.0.0/16 dev eth0 scope link  src 172.18.0.4
node1$ docker exec alpine4 ping -c 1 alpine1 | head -1
PING alpine1 (172.18.0.2): 56 data bytes
node1$ docker exec alpine4 ping -c 1 alpine3
ping: bad address 'alpine3'
[exit 1]
node1$ docker exec alpine4 ping -c 1 172.17.0.2 | tail -2
1 packets transmitted, 1 packets received, 0% packet loss
round-trip min/avg/max = [\d.]+/[\d.]+/[\d.]+ ms (re)
node1$ docker exec alpine4 grep -v : /etc/hosts
127.0.0.1	localhost
172.18.0.4	[0-9a-f]{12} (re)
172.17.0.3	[0-9a-f]{12} (re)

# the embedded resolver: resolv.conf points at 127.0.0.11, which forwards what it does not know to the node's server
node1$ docker exec alpine1 grep -v '^#' /etc/resolv.conf
nameserver 127.0.0.11
options ndots:0
node1$ docker exec alpine1 grep ExtServers /etc/resolv.conf
# ExtServers: [192.168.99.1]
node1$ docker exec alpine1 nslookup alpine2 | head -6
Server:		127.0.0.11
Address:	127.0.0.11:53

Non-authoritative answer:
Name:	alpine2
Address: 172.18.0.3
node1$ docker exec alpine1 nslookup 172.18.0.3 | grep 'name ='
3.0.18.172.in-addr.arpa	name = alpine2.alpine-net

# the node keeps the bridges apart: each one's traffic to another bridge is dropped in DOCKER-ISOLATION-STAGE-2
node1$ iptables -S DOCKER-ISOLATION-STAGE-2
-N DOCKER-ISOLATION-STAGE-2
-A DOCKER-ISOLATION-STAGE-2 -o br-[0-9a-f]{12} -j DROP (re)
-A DOCKER-ISOLATION-STAGE-2 -o docker0 -j DROP
node1$ iptables -t nat -S POSTROUTING
-P POSTROUTING ACCEPT
-A POSTROUTING -s 172.18.0.0/16 ! -o br-[0-9a-f]{12} -j MASQUERADE (re)
-A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE

node1$ docker rm -f alpine1 alpine2 alpine3 alpine4
alpine1
alpine2
alpine3
alpine4
node1$ docker network rm alpine-net
alpine-net
node1$ docker network ls -q | wc -l
3
