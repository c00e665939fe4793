# Publishing ports (docs.docker.com "Port publishing and mapping"): -p HOST:CONTAINER, -P with the ephemeral range,
# a port bound to 127.0.0.1, UDP; docker port, the PORTS column, the DNAT rules, reachability from the workstation.
$ docker-machine create node1
...
node1$ docker run -d --name web -p 8080:80 nginx
[0-9a-f]{64} (re)
node1$ docker run -d --name web2 -P nginx
[0-9a-f]{64} (re)
node1$ docker run -d --name web3 -p 127.0.0.1:8081:80 -p 9000:9000/udp nginx
[0-9a-f]{64} (re)
node1$ docker ps
CONTAINER ID   IMAGE     COMMAND                  CREATED         STATUS         PORTS                                                                 NAMES
[0-9a-f]{12}   nginx     "/docker-entrypoint\.…"   2 seconds ago   Up 2 seconds   0\.0\.0\.0:9000->9000/udp, \[::\]:9000->9000/udp, 127\.0\.0\.1:8081->80/tcp   web3 (re)
[0-9a-f]{12}   nginx     "/docker-entrypoint\.…"   4 seconds ago   Up 4 seconds   0\.0\.0\.0:32768->80/tcp, \[::\]:32768->80/tcp                             web2 (re)
[0-9a-f]{12}   nginx     "/docker-entrypoint\.…"   6 seconds ago   Up 6 seconds   0\.0\.0\.0:8080->80/tcp, \[::\]:8080->80/tcp                               web (re)
node1$ docker port web
80/tcp -> 0.0.0.0:8080
80/tcp -> [::]:8080
node1$ docker port web2
80/tcp -> 0.0.0.0:32768
80/tcp -> [::]:32768
node1$ docker port web3
80/tcp -> 127.0.0.1:8081
9000/udp -> 0.0.0.0:9000
9000/udp -> [::]:9000
node1$ docker port web3 80/tcp
127.0.0.1:8081
node1$ docker port web 443
Error: No public port '443/tcp' published for web
[exit 1]
node1$ docker inspect -f '{{json .NetworkSettings.Ports}}' web
{"80/tcp":[{"HostIp":"0.0.0.0","HostPort":"8080"},{"HostIp":"::","HostPort":"8080"}]}
node1$ docker inspect -f '{{.HostConfig.PortBindings}}' web3
map[80/tcp:[{127.0.0.1 8081}] 9000/udp:[{ 9000}]]

# from the node itself (docker-proxy on localhost) and from the workstation (DNAT on the node's address)
node1$ curl -sI localhost:8080 | head -2
HTTP/1.1 200 OK
Server: nginx/[\d.]+ (re)
node1$ curl -s localhost:8081 | grep title
<title>Welcome to nginx!</title>
$ curl -s 192.168.99.100:8080 | grep title
<title>Welcome to nginx!</title>
$ curl -s -o /dev/null -w '%{http_code}\n' http://192.168.99.100:32768/
200
$ curl -sS 192.168.99.100:8081
curl: \(7\) Failed to connect to 192\.168\.99\.100 port 8081 after \d+ ms: Couldn't connect to server (re)
[exit 7]

# what Docker programmed: DNAT per published port (after the bridge's RETURN), ACCEPT per container port
node1$ iptables -t nat -L DOCKER -n
Chain DOCKER (2 references)
target     prot opt source               destination
RETURN     all  --  0.0.0.0/0            0.0.0.0/0
DNAT       tcp  --  0.0.0.0/0            0.0.0.0/0            tcp dpt:8080 to:172.17.0.2:80
DNAT       tcp  --  0.0.0.0/0            0.0.0.0/0            tcp dpt:32768 to:172.17.0.3:80
DNAT       tcp  --  0.0.0.0/0            127.0.0.1            tcp dpt:8081 to:172.17.0.4:80
DNAT       udp  --  0.0.0.0/0            0.0.0.0/0            udp dpt:9000 to:172.17.0.4:9000
node1$ iptables -L DOCKER -n
Chain DOCKER (1 references)
target     prot opt source               destination
ACCEPT     udp  --  0.0.0.0/0            172.17.0.4           udp dpt:9000
ACCEPT     tcp  --  0.0.0.0/0            172.17.0.4           tcp dpt:80
ACCEPT     tcp  --  0.0.0.0/0            172.17.0.3           tcp dpt:80
ACCEPT     tcp  --  0.0.0.0/0            172.17.0.2           tcp dpt:80
DROP       all  --  0.0.0.0/0            0.0.0.0/0
node1$ iptables -t nat -S DOCKER
-N DOCKER
-A DOCKER -i docker0 -j RETURN
-A DOCKER ! -i docker0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80
-A DOCKER ! -i docker0 -p tcp -m tcp --dport 32768 -j DNAT --to-destination 172.17.0.3:80
-A DOCKER -d 127.0.0.1/32 ! -i docker0 -p tcp -m tcp --dport 8081 -j DNAT --to-destination 172.17.0.4:80
-A DOCKER ! -i docker0 -p udp -m udp --dport 9000 -j DNAT --to-destination 172.17.0.4:9000
node1$ iptables -t raw -S PREROUTING
-P PREROUTING ACCEPT
-A PREROUTING -d 172.17.0.2/32 ! -i docker0 -j DROP
-A PREROUTING -d 172.17.0.3/32 ! -i docker0 -j DROP
-A PREROUTING -d 172.17.0.4/32 ! -i docker0 -j DROP
-A PREROUTING -d 127.0.0.1/32 ! -i lo -p tcp -m tcp --dport 8081 -j DROP

# a host port can be taken once; the failed container stays behind, created
node1$ docker run -d --name web4 -p 8080:80 nginx
docker: Error response from daemon: failed to set up container networking: driver failed programming external connectivity on endpoint web4 \([0-9a-f]{64}\): Bind for 0.0.0.0:8080 failed: port is already allocated (re)

Run 'docker run --help' for more information
[exit 125]
node1$ docker ps -a --format 'table {{.Names}}\t{{.Status}}\t{{.Ports}}' --filter name=web4
NAMES     STATUS    PORTS
web4      Created
node1$ docker run -d -p 8080 --name web5 nginx
[0-9a-f]{64} (re)
node1$ docker port web5 8080
0.0.0.0:32769
[::]:32769

# stopping releases the ports (and the rules)
node1$ docker stop web web5
web
web5
node1$ docker port web
node1$ docker ps -a --format '{{.Names}} [{{.Ports}}]' --filter name=web$
web []
node1$ iptables -t nat -S DOCKER | grep -c 8080
0
[exit 1]
node1$ docker run -d --name web6 -p 8080:80 nginx
[0-9a-f]{64} (re)
$ curl -s -o /dev/null -w '%{http_code}\n' 192.168.99.100:8080
200
