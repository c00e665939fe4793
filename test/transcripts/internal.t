# An --internal network (docs: "docker network create --internal"): no gateway route in its containers, no
# masquerade, nothing in or out except within the subnet, no port publishing; names still resolve inside.
$ docker-machine create node1
...
node1$ docker network create --internal backend
[0-9a-f]{64} (re)
node1$ docker network inspect -f '{{.Internal}} {{range .IPAM.Config}}{{.Subnet}} {{.Gateway}}{{end}}' backend
true 172.18.0.0/16 172.18.0.1
node1$ docker network ls --filter name=backend --format '{{.Name}} {{.Internal}}'
backend true
node1$ docker run -d --name db --network backend redis
[0-9a-f]{64} (re)
node1$ docker run -dit --name app --network backend alpine ash
[0-9a-f]{64} (re)
node1$ docker exec app ip route
172.18.0.0/16 dev eth0 scope link  src 172.18.0.3
node1$ docker exec app ping -c 1 db | head -2
PING db (172.18.0.2): 56 data bytes
64 bytes from 172.18.0.2: seq=0 ttl=64 time=\d+\.\d{3} ms (re)
node1$ docker exec app ping -c 1 -W 1 192.168.99.1
PING 192.168.99.1 (192.168.99.1): 56 data bytes
ping: sendto: Network unreachable
[exit 1]
# the node reaches the bridge's address, and the containers through it
node1$ ping -c 1 -W 1 172.18.0.2 | grep -c ' 0% packet loss'
1

# publishing is not programmed for an internal network
node1$ docker run -d --network backend -p 8088:80 --name intweb nginx
[0-9a-f]{64} (re)
node1$ docker port intweb
node1$ iptables -t nat -S | grep -c 8088
0
[exit 1]

# the rules: drops at the top of STAGE-1 for traffic leaving or entering the subnet, no MASQUERADE
node1$ iptables -S DOCKER-ISOLATION-STAGE-1
-N DOCKER-ISOLATION-STAGE-1
-A DOCKER-ISOLATION-STAGE-1 ! -s 172.18.0.0/16 -o br-[0-9a-f]{12} -j DROP (re)
-A DOCKER-ISOLATION-STAGE-1 ! -d 172.18.0.0/16 -i br-[0-9a-f]{12} -j DROP (re)
-A DOCKER-ISOLATION-STAGE-1 -i docker0 ! -o docker0 -j DOCKER-ISOLATION-STAGE-2
node1$ iptables -S DOCKER-FORWARD
-N DOCKER-FORWARD
-A DOCKER-FORWARD -j DOCKER-CT
-A DOCKER-FORWARD -j DOCKER-ISOLATION-STAGE-1
-A DOCKER-FORWARD -j DOCKER-BRIDGE
-A DOCKER-FORWARD -i docker0 -j ACCEPT
-A DOCKER-FORWARD -i br-[0-9a-f]{12} -o br-[0-9a-f]{12} -j ACCEPT (re)
node1$ iptables -t nat -S POSTROUTING
-P POSTROUTING ACCEPT
-A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE

# connecting a second, external network gives the container a way out
node1$ docker network create front
[0-9a-f]{64} (re)
node1$ docker network connect front app
node1$ docker exec app ip route
default via 172.19.0.1 dev eth1
172.18.0.0/16 dev eth0 scope link  src 172.18.0.3
172.19.0.0/16 dev eth1 scope link  src 172.19.0.2
node1$ docker exec app ping -c 1 -W 1 192.168.99.1 | grep -c ' 0% packet loss'
1
