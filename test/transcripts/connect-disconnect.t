# docker network connect / disconnect on running containers (docs: network connect reference), and legacy
# --link on the default bridge (docs: "Legacy container links"): interfaces, /etc/hosts, routes and names follow.
$ docker-machine create node1
...
node1$ docker network create front
[0-9a-f]{64} (re)
node1$ docker network create --subnet 172.19.0.0/16 back
[0-9a-f]{64} (re)
node1$ docker network connect --ip 172.18.0.42 front nosuch
Error response from daemon: No such container: nosuch
[exit 1]
node1$ docker run -d --name db --network back redis
[0-9a-f]{64} (re)
node1$ docker run -dit --name app --network front alpine ash
[0-9a-f]{64} (re)
node1$ docker exec app ping -c 1 db
ping: bad address 'db'
[exit 1]
node1$ docker network connect --ip 172.19.0.42 --alias api back app
node1$ docker exec app ip -4 -o addr show | cut -d' ' -f2,7
lo 127.0.0.1/8
eth0 172.18.0.2/16
eth1 172.19.0.42/16
node1$ docker exec app ping -c 1 db | head -1
PING db (172.19.0.2): 56 data bytes
node1$ docker run --rm --network back alpine ping -c 1 api | head -1
PING api (172.19.0.42): 56 data bytes
node1$ docker exec app grep -v : /etc/hosts
127.0.0.1	localhost
172.18.0.2	[0-9a-f]{12} (re)
172.19.0.42	[0-9a-f]{12} (re)
node1$ docker inspect -f '{{range $k, $v := .NetworkSettings.Networks}}{{$k}}={{$v.IPAddress}} {{end}}' app
back=172.19.0.42 front=172.18.0.2
node1$ docker exec app ip route show default
default via 172.19.0.1 dev eth1

# disconnecting removes the interface, its hosts line and its names; the default route falls back
node1$ docker network disconnect front app
node1$ docker exec app ip -4 -o addr show | cut -d' ' -f2,7
lo 127.0.0.1/8
eth1 172.19.0.42/16
node1$ docker exec app grep -c 172.18. /etc/hosts
0
[exit 1]
node1$ docker network connect front app
node1$ docker exec app ip -4 -o addr show | cut -d' ' -f2,7
lo 127.0.0.1/8
eth1 172.19.0.42/16
eth0 172.18.0.2/16
node1$ docker network disconnect back app
node1$ docker exec app ping -c 1 db
ping: bad address 'db'
[exit 1]
node1$ docker network disconnect back app
Error response from daemon: container [0-9a-f]{64} is not connected to network back (re)
[exit 1]

# a stopped container can be connected too; it joins when it starts
node1$ docker create --name later --network front alpine sleep 1d
[0-9a-f]{64} (re)
node1$ docker network connect back later
node1$ docker start later
later
node1$ docker exec later ip -4 -o addr show | cut -d' ' -f2 | sort
eth0
eth1
lo

# legacy links on the default bridge: the alias in /etc/hosts, no DNS
node1$ docker run -d --name cache redis
[0-9a-f]{64} (re)
node1$ docker run --rm --link cache:kv alpine grep kv /etc/hosts
172.17.0.2	kv [0-9a-f]{12} cache (re)
node1$ docker run --rm --link cache:kv alpine ping -c 1 kv | head -1
PING kv (172.17.0.2): 56 data bytes
node1$ docker run --rm --link cache alpine grep cache /etc/hosts
172.17.0.2	cache [0-9a-f]{12} (re)
node1$ docker run --rm alpine ping -c 1 cache
ping: bad address 'cache'
[exit 1]
