# An encrypted overlay (--opt encrypted): the manager knows it at once, a worker only once a task lands there;
# the tasks' MTU is 1424 (VXLAN and ESP overhead), and between the nodes the data plane is ESP only, no VXLAN
# in clear on UDP 4789.
$ docker-machine create node1
...
$ docker-machine create node2
...
node1$ docker swarm init --advertise-addr 192.168.99.100
Swarm initialized: current node \(\w{25}\) is now a manager\. (re)
...
$ docker-machine ssh node2 docker swarm join --token $(docker-machine ssh node1 docker swarm join-token -q worker) 192.168.99.100:2377
This node joined a swarm as a worker.
node1$ docker network create -d overlay --opt encrypted secure
[0-9a-z]{25} (re)
node1$ docker network ls --filter driver=overlay --format '{{.Name}} {{.Scope}}'
ingress swarm
secure swarm
node2$ docker network ls --filter driver=overlay --format '{{.Name}}'
ingress

# a task on node1 only: node2 still has no use for the network
node1$ docker service create --name front --constraint node.hostname==node1 --network secure alpine sleep 1d
[0-9a-z]{25} (re)
overall progress: 1 out of 1 tasks
...
verify: Service converged
node2$ docker network ls --filter driver=overlay --format '{{.Name}}'
ingress
# a service pinned to node2 with no replicas yet: still nothing there
node1$ docker service create --name back --replicas 0 --constraint node.hostname==node2 --network secure alpine sleep 1d
[0-9a-z]{25} (re)
overall progress: 0 out of 0 tasks
verify: Service converged
node2$ docker network ls --filter driver=overlay --format '{{.Name}}'
ingress
node1$ docker service scale back=1
back scaled to 1
overall progress: 1 out of 1 tasks
...
verify: Service converged
node1$ docker service ps front back --format '{{.Name}} {{.Node}} {{.DesiredState}}'
back.1 node2 Running
front.1 node1 Running

# the task brought the network to node2, with the manager's ID, subnet, VNI and the encrypted option, and with it
# node2's load-balancer sandbox lb-secure (18.06+), listed after the task (Go ranges over the map's sorted keys)
node2$ docker network ls --filter driver=overlay --format '{{.Name}}'
ingress
secure
node2$ docker network inspect -f '{{json .Options}}' secure
{"com.docker.network.driver.overlay.vxlanid_list":"4097","encrypted":""}
node2$ docker network inspect -f '{{.Scope}} {{range .IPAM.Config}}{{.Subnet}}{{end}} {{range .Containers}}{{.Name}} {{.IPv4Address}}{{end}}' secure
swarm 10\.0\.1\.0/24 back\.1\.\w{25} 10\.0\.1\.\d+/24secure-endpoint 10\.0\.1\.\d+/24 (re)
$ test "$(docker-machine ssh node1 docker network inspect -f '{{.Id}}' secure)" = "$(docker-machine ssh node2 docker network inspect -f '{{.Id}}' secure)" && echo same id
same id
node2$ B=$(docker ps -q -f name=back); docker exec $B ip -o link show eth0 | grep -o 'mtu [0-9]*'
mtu 1424

# a ping from the task on node1 to the task on node2 while node2's underlay NIC is captured (swarm control and
# gossip traffic left out): four ESP packets, one SA each way, sequence numbers counting up
node2$ tcpdump -n -i eth0 -w /tmp/underlay.pcap -c 4 not port 7946 and not port 2377 2>/dev/null &
node1$ docker exec $(docker ps -q -f name=front) ping -c 2 tasks.back
PING tasks.back \(10\.0\.1\.\d+\): 56 data bytes (re)
64 bytes from 10\.0\.1\.\d+: seq=0 ttl=64 time=\d+\.\d+ ms (re)
64 bytes from 10\.0\.1\.\d+: seq=1 ttl=64 time=\d+\.\d+ ms (re)

--- tasks.back ping statistics ---
2 packets transmitted, 2 packets received, 0% packet loss
round-trip min/avg/max = .* (re)
node2$ wait
node2$ tcpdump -n -r /tmp/underlay.pcap 2>/dev/null | cut -d' ' -f2-
IP 192.168.99.100 > 192.168.99.101: ESP\(spi=0x[0-9a-f]{8},seq=0x1\), length 140 (re)
IP 192.168.99.101 > 192.168.99.100: ESP\(spi=0x[0-9a-f]{8},seq=0x1\), length 140 (re)
IP 192.168.99.100 > 192.168.99.101: ESP\(spi=0x[0-9a-f]{8},seq=0x2\), length 140 (re)
IP 192.168.99.101 > 192.168.99.100: ESP\(spi=0x[0-9a-f]{8},seq=0x2\), length 140 (re)
node2$ tcpdump -n -r /tmp/underlay.pcap esp 2>/dev/null | grep -o 'spi=0x[0-9a-f]*' | sort -u | wc -l
2
node2$ tcpdump -n -r /tmp/underlay.pcap udp port 4789 2>/dev/null | wc -l
0

# the worker drops the network with its last task
node1$ docker service rm back
back
node2$ docker network ls --filter driver=overlay --format '{{.Name}}'
ingress
node1$ docker network ls --filter driver=overlay --format '{{.Name}}'
ingress
secure
