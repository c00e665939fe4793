# Overlay networks: a swarm of three, an attachable overlay that appears on a worker only once a container there
# needs it, VXLAN between the nodes (VNI 4097, MTU 1450), eth1 on docker_gwbridge, and Docker's refusals.
$ docker-machine create sw1
...
$ docker-machine create sw2
...
$ docker-machine create sw3
...
sw1$ docker swarm init --advertise-addr 192.168.99.100
Swarm initialized: current node \(\w{25}\) is now a manager\. (re)
...
sw1$ docker swarm init
Error response from daemon: This node is already part of a swarm. Use "docker swarm leave" to leave this swarm and join another one.
[exit 1]
sw3$ docker swarm join --token SWMTKN-1-00000000000000000000000000000000000000000000000000-0000000000000000000000000 192.168.99.100:2377
Error response from daemon: rpc error: code = InvalidArgument desc = A valid join token is necessary to join this cluster
[exit 1]
sw3$ docker swarm join --token nonsense 192.168.99.100:2377
Error response from daemon: invalid join token
[exit 1]
$ docker-machine ssh sw2 docker swarm join --token $(docker-machine ssh sw1 docker swarm join-token -q worker) 192.168.99.100:2377
This node joined a swarm as a worker.
sw2$ docker network create -d overlay nope
Error response from daemon: Cannot create a multi-host network from a worker node. Please create the network from a manager node.
[exit 1]
sw3$ docker network create -d overlay nope
Error response from daemon: This node is not a swarm manager. Use "docker swarm init" or "docker swarm join" to connect this node to swarm and try again.
[exit 1]

# the manager knows the network at once; the worker only once something there uses it
sw1$ docker network create -d overlay --attachable --subnet 10.20.0.0/24 lab
[0-9a-z]{25} (re)
sw1$ docker network ls --filter driver=overlay --format '{{.Name}} {{.Scope}}'
ingress swarm
lab swarm
sw2$ docker network ls --filter driver=overlay --format '{{.Name}}'
ingress
sw2$ docker run -d --name alpha --network lab alpine sleep 1d
[0-9a-f]{64} (re)
sw2$ docker network ls --filter driver=overlay --format '{{.Name}}'
ingress
lab
sw1$ docker run -d --name beta --network lab alpine sleep 1d
[0-9a-f]{64} (re)
# (10.20.0.3 went to sw2's load-balancer endpoint lb-lab, allocated by the manager when alpha brought the network
# there, 18.06+; beta gets the next address)
sw2$ docker exec alpha ping -c 2 beta
PING beta (10.20.0.4): 56 data bytes
64 bytes from 10.20.0.4: seq=0 ttl=64 time=0\.\d+ ms (re)
64 bytes from 10.20.0.4: seq=1 ttl=64 time=0\.\d+ ms (re)

--- beta ping statistics ---
2 packets transmitted, 2 packets received, 0% packet loss
round-trip min/avg/max = .* (re)
sw2$ docker network inspect -f '{{index .Options "com.docker.network.driver.overlay.vxlanid_list"}}' lab
4097
sw2$ docker exec alpha ip -o link show eth0 | grep -o 'mtu [0-9]*'
mtu 1450
sw2$ docker exec alpha ip route
default via 172.18.0.1 dev eth1
10.20.0.0/24 dev eth0 scope link  src 10.20.0.2
172.18.0.0/16 dev eth1 scope link  src 172.18.0.3
sw2$ docker network inspect -f '{{range .IPAM.Config}}{{.Subnet}}{{end}}' docker_gwbridge
172.18.0.0/16

# a network only services may use, and one still in use
sw1$ docker network create -d overlay private
[0-9a-z]{25} (re)
sw2$ docker run --rm --network private alpine true
docker: Error response from daemon: Could not attach to network private: rpc error: code = PermissionDenied desc = network private not manually attachable
Run 'docker run --help' for more information
[exit 125]
sw1$ docker network rm lab
Error response from daemon: rpc error: code = FailedPrecondition desc = network \w{25} is in use by task \w+ (re)
[exit 1]

# the worker drops the network with its last container; a worker that leaves is Down after the heartbeat timeout
sw2$ docker rm -f alpha
alpha
sw2$ docker network ls --filter driver=overlay --format '{{.Name}}'
ingress
sw2$ docker swarm leave
Node left the swarm.
# wait 20s
sw1$ docker node ls --format '{{.Hostname}} {{.Status}}'
sw1 Ready
sw2 Down
sw1$ docker swarm leave
Error response from daemon: You are attempting to leave the swarm on a node that is participating as a manager. Removing the last manager erases all current state of the swarm. Use `--force` to ignore this message.
[exit 1]
