# Services on an overlay: the service name is one virtual IP that balances over the tasks, tasks.<name> lists
# them, dnsrr answers with the tasks themselves; scaling, placement that no node satisfies, and Docker's refusals.
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
sw1$ docker service create --name web --replicas 2 --network app traefik/whoami
[0-9a-z]{25} (re)
overall progress: 2 out of 2 tasks
...
verify: Service converged
sw1$ docker service create --name db --endpoint-mode dnsrr --replicas 2 --network app redis
[0-9a-z]{25} (re)
...
sw1$ docker service ls --format '{{.Name}} {{.Mode}} {{.Replicas}} {{.Image}}'
db replicated 2/2 redis:latest
web replicated 2/2 traefik/whoami:latest
sw1$ docker service ps web --format '{{.Name}} {{.Node}} {{.DesiredState}}'
web.1 sw1 Running
web.2 sw2 Running
sw1$ docker service inspect -f '{{.Spec.EndpointSpec.Mode}} {{range .Endpoint.VirtualIPs}}{{.Addr}}{{end}}' web
vip 10.0.1.2/24
sw1$ docker service inspect -f '{{.Spec.EndpointSpec.Mode}} {{len .Endpoint.VirtualIPs}}' db
dnsrr 0

# names from a container on the overlay
sw2$ docker run -d --name client --network app alpine sleep 1d
[0-9a-f]{64} (re)
sw2$ docker exec client nslookup web | grep 'Address: 10'
Address: 10.0.1.2
sw2$ docker exec client nslookup tasks.web | grep -c 'Address: 10\.0\.1\.'
2
sw2$ docker exec client nslookup db | grep -c 'Address: 10\.0\.1\.'
2
sw2$ for i in 1 2 3 4; do docker exec client wget -q -O - http://web/ | grep Hostname; done | sort -u | wc -l
2

# scaling
sw1$ docker service scale web=-1
Invalid scale specifier 'web=-1'.
See 'docker service scale --help'.

Usage:  docker service scale SERVICE=REPLICAS [SERVICE=REPLICAS...]

Scale one or multiple replicated services
[exit 1]
sw1$ docker service scale web=4
web scaled to 4
overall progress: 4 out of 4 tasks
...
verify: Service converged
sw1$ docker service ps web --format '{{.Name}} {{.Node}}' | sort
web.1 sw1
web.2 sw2
web.3 sw1
web.4 sw2
sw2$ docker exec client nslookup tasks.web | grep -c 'Address: 10\.0\.1\.'
4

# refusals and a constraint nobody meets
sw1$ docker service create --name bad --endpoint-mode dnsrr -p 9000:80 traefik/whoami
Error response from daemon: rpc error: code = InvalidArgument desc = EndpointSpec: port published with ingress mode can't be used with dnsrr mode
[exit 1]
sw1$ docker service create --name pinned --constraint node.hostname==nowhere -d traefik/whoami
[0-9a-z]{25} (re)
# wait 5s
sw1$ docker service ps pinned --format '{{.Name}} {{.DesiredState}} {{.Error}}' --no-trunc
pinned.1 Running "no suitable node (scheduling constraints not satisfied on 2 nodes)"
sw1$ docker service rm web db pinned
web
db
pinned
sw2$ docker service ls
Error response from daemon: This node is not a swarm manager. Worker nodes can't be used to view or modify cluster state. Please run this command on a manager node or promote the current node to a manager.
[exit 1]
