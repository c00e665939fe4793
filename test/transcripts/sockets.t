# Who listens where: iproute2's ss on a node, busybox netstat in alpine-based containers.
# A published port is docker-proxy's listener on the node, on 0.0.0.0 and on [::] for `docker port`'s IPv6 twin
# (one docker-proxy process each; since Engine 28 dockerd opens the socket and docker-proxy serves it from fd 7),
# with the somaxconn backlog as Send-Q. Inside a container only its own processes have names.
$ docker-machine create node1
...
node1$ docker run -d --name web -p 8080:80 nginx
[0-9a-f]{64} (re)
node1$ ss -tlnp
State  Recv-Q Send-Q Local Address:Port Peer Address:PortProcess
LISTEN 0      4096         0.0.0.0:8080      0.0.0.0:\*    users:\(\("docker-proxy",pid=\d+,fd=7\)\) (re)
LISTEN 0      4096            \[::\]:8080         \[::\]:\*    users:\(\("docker-proxy",pid=\d+,fd=7\)\) (re)
node1$ docker port web
80/tcp -> 0.0.0.0:8080
80/tcp -> [::]:8080
node1$ ss -tlnp 'sport = :8080' | grep -c docker-proxy
2

# without -n ss names ports from /etc/services (8080 is http-alt); the consoles are no terminal of known width,
# so ss prints its compact columns
node1$ ss -tl
State  Recv-Q Send-Q Local Address:Port     Peer Address:PortProcess
LISTEN 0      4096         0.0.0.0:http-alt      0.0.0.0:*
LISTEN 0      4096            [::]:http-alt         [::]:*

# nginx's own sockets live in its namespace: another container joining it sees them (backlog 511, IPv4 and IPv6),
# but not nginx's processes, which are in web's PID namespace
node1$ docker run --rm --network container:web nicolaka/netshoot ss -tlnp
State  Recv-Q Send-Q Local Address:Port Peer Address:PortProcess
LISTEN 0      511          0.0.0.0:80        0.0.0.0:*
LISTEN 0      511             [::]:80           [::]:*
node1$ docker run --rm --network container:web alpine netstat -tlnp
Active Internet connections (only servers)
Proto Recv-Q Send-Q Local Address           Foreign Address         State       PID/Program name
tcp        0      0 0.0.0.0:80              0.0.0.0:*               LISTEN      -
tcp        0      0 :::80                   :::*                    LISTEN      -

# consul's image has busybox: its netstat names PID 1
node1$ docker run -d --name kv -p 8500:8500 progrium/consul -server -bootstrap
[0-9a-f]{64} (re)
node1$ docker exec kv netstat -tlnp
Active Internet connections (only servers)
Proto Recv-Q Send-Q Local Address           Foreign Address         State       PID/Program name
tcp        0      0 0.0.0.0:8500            0.0.0.0:*               LISTEN      1/consul
tcp        0      0 0.0.0.0:8300            0.0.0.0:*               LISTEN      1/consul
tcp        0      0 0.0.0.0:8301            0.0.0.0:*               LISTEN      1/consul
tcp        0      0 0.0.0.0:8302            0.0.0.0:*               LISTEN      1/consul
tcp        0      0 0.0.0.0:8400            0.0.0.0:*               LISTEN      1/consul

# a blocking query keeps a connection open through docker-proxy: the client's, docker-proxy's accepted one (at its
# lowest free descriptor, 3) and docker-proxy's own connection to the container (4), seen from the node and from
# the container
node1$ curl -s 'localhost:8500/v1/kv/k?index=100&wait=20s' > /dev/null &
node1$ ss -tn
State Recv-Q Send-Q Local Address:Port  Peer Address:Port Process
ESTAB 0      0          127.0.0.1:\d{5}    127.0.0.1:8500 (re)
ESTAB 0      0          127.0.0.1:8500     127.0.0.1:\d{5} (re)
ESTAB 0      0         172.17.0.1:\d{5}   172.17.0.3:8500 (re)
node1$ ss -tnp state established | grep docker-proxy
0      0          127.0.0.1:8500     127.0.0.1:\d{5} users:\(\("docker-proxy",pid=\d+,fd=3\)\) (re)
0      0         172.17.0.1:\d{5}   172.17.0.3:8500  users:\(\("docker-proxy",pid=\d+,fd=4\)\) (re)
node1$ docker exec kv netstat -tn
Active Internet connections (w/o servers)
Proto Recv-Q Send-Q Local Address           Foreign Address         State
tcp        0      0 172.17.0.3:8500         172.17.0.1:\d+        ESTABLISHED (re)
node1$ wait

# a container on a user-defined network: the embedded DNS server's sockets on 127.0.0.11 belong to dockerd,
# outside the container's PID namespace
node1$ docker network create dev
[0-9a-f]{64} (re)
node1$ docker run -d --name box --network dev alpine sleep 1d
[0-9a-f]{64} (re)
node1$ docker exec box netstat -tulpn
Active Internet connections (only servers)
Proto Recv-Q Send-Q Local Address           Foreign Address         State       PID/Program name
tcp        0      0 127.0.0.11:\d+ +0.0.0.0:\* +LISTEN      - (re)
udp        0      0 127.0.0.11:\d+ +0.0.0.0:\* +- (re)

# stopping a container ends its docker-proxy processes
node1$ docker stop web
web
node1$ ss -tln
State  Recv-Q Send-Q Local Address:Port Peer Address:PortProcess
LISTEN 0      4096         0.0.0.0:8500      0.0.0.0:*
LISTEN 0      4096            [::]:8500         [::]:*

# before Engine 28 docker-proxy opened the port itself: its listener is its fd 4
$ flotilla node add old --ip 192.168.99.50/24 --engine 27.5.1
...
old$ docker run -d -p 80:80 nginx
[0-9a-f]{64} (re)
old$ ss -tlnp
State  Recv-Q Send-Q Local Address:Port Peer Address:PortProcess
LISTEN 0      4096         0.0.0.0:80        0.0.0.0:\*    users:\(\("docker-proxy",pid=\d+,fd=4\)\) (re)
LISTEN 0      4096            \[::\]:80           \[::\]:\*    users:\(\("docker-proxy",pid=\d+,fd=4\)\) (re)
