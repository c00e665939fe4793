# Network modes other than a bridge (docs: "Networking overview", container: networking, host, none): a
# container: mode container shares another's namespace, host mode uses the node's, none has only lo.
$ docker-machine create node1
...
node1$ docker run -d --name redis redis
[0-9a-f]{64} (re)
node1$ docker run -d --name sidecar --network container:redis alpine sleep 1d
[0-9a-f]{64} (re)
node1$ docker inspect -f '{{.HostConfig.NetworkMode}}' sidecar
container:redis
node1$ docker exec sidecar ip -4 -o addr show eth0
2: eth0    inet 172.17.0.2/16 brd 172.17.255.255 scope global eth0\       valid_lft forever preferred_lft forever
node1$ docker exec sidecar hostname
[0-9a-f]{12} (re)
node1$ test "$(docker exec sidecar hostname)" = "$(docker exec redis hostname)" && echo same
same
node1$ docker ps --format '{{.Names}} [{{.Networks}}]'
sidecar []
redis [bridge]
node1$ docker network inspect -f '{{range .Containers}}{{.Name}} {{end}}' bridge
redis

# what a container: mode container cannot have
node1$ docker network create app
[0-9a-f]{64} (re)
node1$ docker network connect app sidecar
Error response from daemon: container sharing network namespace with another container or host cannot be connected to any other network
[exit 1]
node1$ docker run --rm --network container:redis --hostname x alpine true
docker: Error response from daemon: conflicting options: hostname and the network mode

Run 'docker run --help' for more information
[exit 125]
node1$ docker run --rm --network container:redis -p 80:80 alpine true
docker: Error response from daemon: conflicting options: port publishing and the container type network mode

Run 'docker run --help' for more information
[exit 125]
node1$ docker run --rm --network container:redis --link redis alpine true
docker: Error response from daemon: conflicting options: container type network can't be used with links. This would result in undefined behavior

Run 'docker run --help' for more information
[exit 125]

# host networking: the node's interfaces and name; published ports are discarded with a warning
node1$ docker run --rm --network host alpine ip -4 -o addr show eth0
2: eth0    inet 192.168.99.100/24 brd 192.168.99.255 scope global eth0\       valid_lft forever preferred_lft forever
node1$ docker run --rm --network host -p 80:80 alpine hostname
WARNING: Published ports are discarded when using host network mode
node1
node1$ docker run -d --name hostweb --network host nginx
[0-9a-f]{64} (re)
$ curl -s 192.168.99.100 | grep title
<title>Welcome to nginx!</title>
node1$ docker network connect bridge hostweb
Error response from daemon: container sharing network namespace with another container or host cannot be connected to any other network
[exit 1]
node1$ docker network connect host redis
Error response from daemon: cannot connect container to host network - container must be created in host network mode
[exit 1]
node1$ docker network disconnect host hostweb
Error response from daemon: cannot disconnect container from host network - container was created in host network mode
[exit 1]

# none: a loopback and nothing else
node1$ docker run --rm --network none alpine ip addr
1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN qlen 1000
    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00
    inet 127.0.0.1/8 scope host lo
       valid_lft forever preferred_lft forever
    inet6 ::1/128 scope host
       valid_lft forever preferred_lft forever
node1$ docker run --rm --network none alpine ip route
node1$ docker run -d --name lone --network none alpine sleep 1d
[0-9a-f]{64} (re)
node1$ docker network connect app lone
Error response from daemon: container cannot be connected to multiple networks with one of the networks in private (none) mode
[exit 1]
node1$ docker run --rm --network none --network app alpine true
docker: conflicting options: cannot attach both user-defined and non-user-defined network-modes

Run 'docker run --help' for more information
[exit 125]
