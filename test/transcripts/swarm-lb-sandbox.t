# The per-node load-balancer sandbox of Docker 18.06 and newer (this lab's default engine is 28.x). Each node that
# joins an overlay gets a sandbox lb-<net> with one endpoint <net>-endpoint at the node's LB address, a node
# attachment the manager allocates from the network's IPAM. Every VIP of the network sits on that endpoint as a /32;
# a mangle INPUT rule marks traffic to the VIP for an IPVS fwmark service (rr) over all the service's tasks, and
# `nat POSTROUTING -m ipvs --ipvs -d <subnet> -j SNAT --to-source <LB IP>` rewrites the source (libnetwork
# c47239d1, service_linux.go). What a user sees: a client's ARP for the VIP is answered by its own node's lb-<net>,
# which also answers `ping <service>`; the tasks see the client node's LB address as the peer, not the client's.
# Before 18.06 each client container balanced in its own IPVS (swarm-vip-ping.t shows those engines).
$ docker-machine create sw1
...
$ docker-machine create sw2
...
sw1$ docker swarm init --advertise-addr 192.168.99.100
...
$ docker-machine ssh sw2 docker swarm join --token $(docker-machine ssh sw1 docker swarm join-token -q worker) 192.168.99.100:2377
This node joined a swarm as a worker.
sw1$ docker network create -d overlay --attachable app
[0-9a-z]{25} (re)

# the manager has the network, but nothing on it uses it yet: no lb-app (it comes with the first endpoint)
sw1$ docker network inspect -f '{{len .Containers}}' app
0
sw1$ docker service create --name web --replicas 2 --constraint node.hostname==sw1 --network app traefik/whoami
[0-9a-z]{25} (re)
...
verify: Service converged
sw1$ docker service inspect -f '{{range .Endpoint.VirtualIPs}}{{.Addr}}{{end}}' web
10.0.1.2/24

# the VIP is .2 and the tasks .3 and .4, allocated with the service; sw1's LB address comes after them, when the
# tasks bring the network into use there (as in docker-networking.md's sample: a task at .3, lb-app_net at .5).
# Go ranges over the map's keys in order, so lb-app comes after the container IDs.
sw1$ docker network inspect -f '{{range $k, $v := .Containers}}{{$k}} {{$v.Name}} {{$v.IPv4Address}} {{$v.MacAddress}}{{println}}{{end}}' app
[0-9a-f]{64} web\.\d\.[0-9a-z]{25} 10\.0\.1\.[34]/24 02:42:0a:00:01:0[34] (re)
[0-9a-f]{64} web\.\d\.[0-9a-z]{25} 10\.0\.1\.[34]/24 02:42:0a:00:01:0[34] (re)
lb-app app-endpoint 10.0.1.5/24 02:42:0a:00:01:05

# sw2 has no use for the network until a container there joins it; then it gets its own lb-app, with the next
# address after the container's
sw2$ docker network ls --filter driver=overlay --format '{{.Name}}'
ingress
sw2$ docker run -d --name client --network app alpine sleep 1d
[0-9a-f]{64} (re)
sw2$ docker network inspect -f '{{range $k, $v := .Containers}}{{$k}} {{$v.Name}} {{$v.IPv4Address}} {{$v.MacAddress}}{{println}}{{end}}' app
[0-9a-f]{64} client 10.0.1.6/24 02:42:0a:00:01:06 (re)
lb-app app-endpoint 10.0.1.7/24 02:42:0a:00:01:07
sw2$ docker network inspect -f '{{json (index .Containers "lb-app")}}' app
\{"Name":"app-endpoint","EndpointID":"[0-9a-f]{64}","MacAddress":"02:42:0a:00:01:07","IPv4Address":"10\.0\.1\.7/24","IPv6Address":""\} (re)

# ping the service: the client has no rule of its own for the VIP, so it ARPs for it on the overlay; the local
# lb-app holds the VIP and answers, ARP and echo alike (no task of web runs on sw2)
sw2$ docker exec client ping -c 1 web
PING web (10.0.1.2): 56 data bytes
64 bytes from 10.0.1.2: seq=0 ttl=64 time=\d+\.\d+ ms (re)

--- web ping statistics ---
1 packets transmitted, 1 packets received, 0% packet loss
round-trip min/avg/max = .* (re)
sw2$ docker exec client ip neigh
10.0.1.2 dev eth0 lladdr 02:42:0a:00:01:07 ref 1 used 0/0/0 probes 0 REACHABLE

# TCP to the VIP: balanced round robin over both tasks on sw1, and whoami's RemoteAddr is sw2's LB address
# (10.0.1.7), not the client's 10.0.1.6: lb-app SNATs what IPVS sends to a task
sw2$ for i in 1 2 3 4; do docker exec client wget -q -O - http://web/ | grep '^Hostname: '; done | sort -u | wc -l
2
sw2$ for i in 1 2 3 4; do docker exec client wget -q -O - http://web/ | grep '^RemoteAddr: ' | cut -d: -f2; done | sort -u
 10.0.1.7

# the lb sandbox leaves with the node's last container on the network: the worker drops the network, and on the
# manager, once the service is gone, nothing is left on it
sw2$ docker rm -f client
client
sw2$ docker network ls --filter driver=overlay --format '{{.Name}}'
ingress
sw1$ docker service rm web
web
sw1$ docker network inspect -f '{{len .Containers}}' app
0
