# Bad input, answered with Docker 28's own words and exit statuses, and nothing changed.
$ docker-machine create node1
...
node1$ docker network create dev
[0-9a-f]{64} (re)
node1$ docker network create dev
Error response from daemon: network with name dev already exists
[exit 1]
node1$ docker network create bridge
Error response from daemon: operation is not permitted on predefined bridge network
[exit 1]
node1$ docker network create --subnet 172.18.5.0/24 overlapping
Error response from daemon: invalid pool request: Pool overlaps with other one on this address space
[exit 1]
node1$ docker network create --subnet 10.1.0.1/16 hostbits
Error response from daemon: invalid network config:
invalid subnet 10.1.0.1/16: it should be 10.1.0.0/16
[exit 1]
node1$ docker network create --subnet banana x
Error response from daemon: invalid network config:
invalid subnet banana: invalid CIDR block notation
[exit 1]
node1$ docker network create --subnet 10.1.0.0/16 --gateway 10.2.0.1 badgw
no matching subnet for gateway 10.2.0.1
[exit 1]
node1$ docker network create --ip-range 10.1.0.0/24 norange
every ip-range or gateway must have a corresponding subnet
[exit 1]
node1$ docker network ls --format '{{.Name}}'
bridge
dev
host
none

# flags and argument counts (cobra's wording, status 125 for flags, 1 for arguments)
node1$ docker network create --foo x
unknown flag: --foo

Usage:  docker network create [OPTIONS] NETWORK

Run 'docker network create --help' for more information
[exit 125]
node1$ docker network create a b
docker: 'docker network create' requires 1 argument

Usage:  docker network create [OPTIONS] NETWORK

Run 'docker network create --help' for more information
[exit 1]
node1$ docker network connect dev
docker: 'docker network connect' requires 2 arguments

Usage:  docker network connect [OPTIONS] NETWORK CONTAINER

Run 'docker network connect --help' for more information
[exit 1]
node1$ docker network inspect
docker: 'docker network inspect' requires at least 1 argument

Usage:  docker network inspect [OPTIONS] NETWORK [NETWORK...]

See 'docker network inspect --help' for more information
[exit 1]
node1$ docker network ls extra
docker: 'docker network ls' accepts no arguments

Usage:  docker network ls [OPTIONS]

Run 'docker network ls --help' for more information
[exit 1]
node1$ docker run -d -p 99999:80 nginx
docker: invalid hostPort: 99999

Run 'docker run --help' for more information
[exit 125]

# unknown objects
node1$ docker network inspect dev nosuch --format '{{.Name}}'
dev
Error response from daemon: network nosuch not found
[exit 1]
node1$ docker network rm nosuch
Error response from daemon: network nosuch not found
[exit 1]
node1$ docker network connect nosuch x
Error response from daemon: network nosuch not found
[exit 1]
node1$ docker network connect dev nosuch
Error response from daemon: No such container: nosuch
[exit 1]
node1$ docker inspect nosuch
[]
Error: No such object: nosuch
[exit 1]

# removing what is in use or predefined
node1$ docker run -d --name web --network dev nginx
[0-9a-f]{64} (re)
node1$ docker network rm dev
Error response from daemon: error while removing network: network dev has active endpoints \(name:"web" id:"[0-9a-f]{12}"\) (re)
[exit 1]
node1$ docker network rm bridge
Error response from daemon: bridge is a pre-defined network and cannot be removed
[exit 1]
node1$ docker network connect dev web
Error response from daemon: endpoint with name web already exists in network dev
[exit 1]
node1$ docker network disconnect bridge web
Error response from daemon: container [0-9a-f]{64} is not connected to network bridge (re)
[exit 1]
node1$ docker rm web
Error response from daemon: cannot remove container "/web": container is running: stop the container before removing or force remove
[exit 1]
node1$ docker run -d --name web nginx
docker: Error response from daemon: Conflict. The container name "/web" is already in use by container "[0-9a-f]{64}". You have to remove \(or rename\) that container to be able to reuse that name. (re)

Run 'docker run --help' for more information
[exit 125]

# what only user-defined networks allow
node1$ docker run --rm --ip 172.17.0.50 alpine true
docker: Error response from daemon: invalid config for network bridge: invalid endpoint settings:
user specified IP address is supported on user defined networks only

Run 'docker run --help' for more information
[exit 125]
node1$ docker run --rm --network-alias foo alpine true
docker: Error response from daemon: invalid config for network bridge: invalid endpoint settings:
network-scoped alias is supported only for containers in user defined networks

Run 'docker run --help' for more information
[exit 125]
node1$ docker run --rm --link nosuch:x alpine true
docker: Error response from daemon: could not get container for nosuch: No such container: nosuch

Run 'docker run --help' for more information
[exit 125]
node1$ docker ps -a --format '{{.Names}}'
web
