# The routing mesh from the workstation: a published port answers on every node, also where no task runs (the
# request goes over VXLAN to a node with one); then a node is drained and its tasks move.
$ docker-machine create sw1
...
$ docker-machine create sw2
...
$ docker-machine create sw3
...
sw1$ docker swarm init --advertise-addr 192.168.99.100
...
$ for n in sw2 sw3; do docker-machine ssh $n docker swarm join --token $(docker-machine ssh sw1 docker swarm join-token -q worker) 192.168.99.100:2377; done
This node joined a swarm as a worker.
This node joined a swarm as a worker.
sw1$ docker service create --name who --replicas 2 --constraint node.role==worker -p 8080:80 traefik/whoami
[0-9a-z]{25} (re)
...
sw1$ docker service ps who --format '{{.Name}} {{.Node}}' | sort
who.1 sw2
who.2 sw3
sw1$ docker service ls --format '{{.Name}} {{.Replicas}} {{.Ports}}'
who 2/2 *:8080->80/tcp

# sw1 runs no task, yet answers; the task sees sw1's ingress sandbox as the client
$ curl -s 192.168.99.100:8080 | grep -c '^Hostname: '
1
$ curl -s 192.168.99.100:8080 | grep '^RemoteAddr: '
RemoteAddr: 10\.0\.0\.2:\d+ (re)
$ for i in 1 2 3 4; do curl -s 192.168.99.100:8080 | grep '^Hostname: '; done | sort -u | wc -l
2
sw1$ iptables -t nat -S DOCKER-INGRESS
-N DOCKER-INGRESS
-A DOCKER-INGRESS -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.18.0.2:8080
-A DOCKER-INGRESS -j RETURN
sw1$ docker network inspect -f '{{range .IPAM.Config}}{{.Subnet}}{{end}} {{index .Options "com.docker.network.driver.overlay.vxlanid_list"}}' ingress
10.0.0.0/24 4096
sw1$ docker service create --name clash -p 8080:80 -d traefik/whoami
Error response from daemon: port '8080' is already in use by service 'who' \(\w{25}\) as an ingress port (re)
[exit 1]

# drain sw3: its task is shut down and replaced on sw2
sw1$ docker node update --availability drain sw3
sw3
# wait 20s
sw1$ docker node ls --format '{{.Hostname}} {{.Availability}}'
sw1 Active
sw2 Active
sw3 Drain
sw1$ docker service ps who --filter desired-state=running --format '{{.Name}} {{.Node}} {{.DesiredState}}' | sort
who.1 sw2 Running
who.2 sw2 Running
sw1$ docker service ps who --format '{{.Name}} {{.Node}} {{.DesiredState}}' | grep Shutdown
 \_ who.2 sw3 Shutdown
$ for i in 1 2 3 4; do curl -s 192.168.99.102:8080 | grep '^Hostname: '; done | sort -u | wc -l
2
sw1$ docker node update --availability active sw3
sw3
sw1$ docker service update --force who
who
...
verify: Service converged
sw1$ docker service ps who --filter desired-state=running --format '{{.Node}}' | sort
sw2
sw3
