# The key-value-store overlay of Docker before swarm mode ("Get started with multi-host networking", Docker 1.9
# to 22.x): a consul server on one machine, every other engine pointed at it with cluster-store and
# cluster-advertise in /etc/docker/daemon.json, then `docker network create -d overlay` on any of them makes a
# global-scope network that every engine of the store sees, and containers on different hosts talk over VXLAN
# (VNIs from 256). Engines older than 23.0 only: 23.0 removed the options and refuses to start with them.
$ flotilla node add mh-keystore --engine 20.10.24
node mh-keystore: 192.168.99.100/24, Docker Engine 20.10.24
$ flotilla node add mhs-demo0 --engine 20.10.24
node mhs-demo0: 192.168.99.101/24, Docker Engine 20.10.24
$ flotilla node add mhs-demo1 --engine 20.10.24
node mhs-demo1: 192.168.99.102/24, Docker Engine 20.10.24
$ flotilla node add mhs-demo2 --engine 20.10.24
node mhs-demo2: 192.168.99.103/24, Docker Engine 20.10.24

# the key-value store: consul in a container, its HTTP API published on 8500
mh-keystore$ docker run -d -p 8500:8500 -h consul --name consul progrium/consul -server -bootstrap
[0-9a-f]{64} (re)
$ curl -s http://192.168.99.100:8500/v1/status/leader
"172.17.0.2:8300"

# without a store (and without swarm mode) there is no overlay
mhs-demo0$ docker network create -d overlay my-net
Error response from daemon: This node is not a swarm manager. Use "docker swarm init" or "docker swarm join" to connect this node to swarm and try again.
[exit 1]

# each engine gets the store and the address to advertise, and restarts
mhs-demo0$ cat > /etc/docker/daemon.json <<EOF
{
  "cluster-store": "consul://192.168.99.100:8500",
  "cluster-advertise": "eth0:2376"
}
EOF
mhs-demo0$ systemctl restart docker
mhs-demo0$ journalctl -u docker | grep -o 'msg=.*deprecated.*'
msg="The \"cluster-advertise\" option is deprecated. To be removed soon."
msg="The \"cluster-store\" option is deprecated. To be removed soon."
mhs-demo1$ cat > /etc/docker/daemon.json <<EOF
{
  "cluster-store": "consul://192.168.99.100:8500",
  "cluster-advertise": "eth0:2376"
}
EOF
mhs-demo1$ systemctl restart docker
mhs-demo2$ cat > /etc/docker/daemon.json <<EOF
{
  "cluster-store": "consul://192.168.99.100:8500",
  "cluster-advertise": "eth0:2376"
}
EOF
mhs-demo2$ systemctl restart docker
mhs-demo2$ docker swarm init
Error response from daemon: --cluster-store and --cluster-advertise daemon configurations are incompatible with swarm mode
[exit 1]
$ curl -s 'http://192.168.99.100:8500/v1/kv/docker/nodes/?keys'
["docker/nodes/192.168.99.101:2376","docker/nodes/192.168.99.102:2376","docker/nodes/192.168.99.103:2376"]

# an overlay created on one engine is a global network on all of them
mhs-demo0$ docker network create --driver overlay --subnet=10.0.9.0/24 my-net
[0-9a-f]{64} (re)
mhs-demo0$ docker network ls
NETWORK ID     NAME      DRIVER    SCOPE
[0-9a-f]{12}   bridge    bridge    local (re)
[0-9a-f]{12}   host      host      local (re)
[0-9a-f]{12}   my-net    overlay   global (re)
[0-9a-f]{12}   none      null      local (re)
mhs-demo1$ docker network ls --filter driver=overlay --format '{{.Name}} {{.Driver}} {{.Scope}}'
my-net overlay global
mhs-demo2$ docker network inspect -f '{{.Scope}} {{range .IPAM.Config}}{{.Subnet}} {{.Gateway}}{{end}}' my-net
global 10.0.9.0/24 10.0.9.1
mhs-demo2$ docker network create -d overlay my-net
Error response from daemon: network with name my-net already exists
[exit 1]
$ curl -s 'http://192.168.99.100:8500/v1/kv/docker/network/v1.0/network/?keys' | grep -c 'docker/network/v1.0/network/[0-9a-f]\{64\}'
1

# a web server on one host, a client on another: the name resolves across hosts, the request crosses VXLAN
mhs-demo0$ docker run -itd --name=web --network=my-net nginx
[0-9a-f]{64} (re)
mhs-demo1$ docker run -it --rm --network=my-net busybox wget -q -O- http://web | grep title
<title>Welcome to nginx!</title>
mhs-demo2$ docker run -d --name c2 --network my-net alpine sleep 1d
[0-9a-f]{64} (re)
mhs-demo2$ docker exec c2 ip route
default via 172.18.0.1 dev eth1
10.0.9.0/24 dev eth0 scope link  src 10.0.9.3
172.18.0.0/16 dev eth1 scope link  src 172.18.0.2
mhs-demo2$ docker exec c2 ip -o link show eth0 | grep -o 'mtu [0-9]*'
mtu 1450
mhs-demo1$ tcpdump -c 2 -n -i eth0 udp port 4789 > vxlan.txt 2>/dev/null &
mhs-demo1$ docker run --rm --network my-net alpine ping -c 1 c2
PING c2 (10.0.9.3): 56 data bytes
64 bytes from 10.0.9.3: seq=0 ttl=64 time=\d+\.\d+ ms (re)

--- c2 ping statistics ---
1 packets transmitted, 1 packets received, 0% packet loss
round-trip min/avg/max = .* (re)
mhs-demo1$ wait; cat vxlan.txt
\d\d:\d\d:\d\d\.\d{6} IP 192\.168\.99\.102\.\d+ > 192\.168\.99\.103\.4789: VXLAN, flags \[I\] \(0x08\), vni 256 (re)
IP 10\.0\.9\.4 > 10\.0\.9\.3: ICMP echo request, id \d+, seq 0, length 64 (re)
\d\d:\d\d:\d\d\.\d{6} IP 192\.168\.99\.103\.\d+ > 192\.168\.99\.102\.4789: VXLAN, flags \[I\] \(0x08\), vni 256 (re)
IP 10\.0\.9\.3 > 10\.0\.9\.4: ICMP echo reply, id \d+, seq 0, length 64 (re)
mhs-demo2$ docker exec c2 ping -c 1 web.my-net | head -2
PING web.my-net (10.0.9.2): 56 data bytes
64 bytes from 10.0.9.2: seq=0 ttl=64 time=\d+\.\d+ ms (re)

# the network goes only once no host has an endpoint on it
mhs-demo1$ docker network rm my-net
Error response from daemon: error while removing network: network my-net id [0-9a-f]{64} has active endpoints (re)
[exit 1]
mhs-demo2$ docker rm -f c2
c2
mhs-demo0$ docker rm -f web
web
mhs-demo1$ docker network rm my-net
my-net
mhs-demo2$ docker network ls --filter driver=overlay
NETWORK ID   NAME      DRIVER    SCOPE

# Docker 23.0 removed the key-value store: a newer engine does not start with these options
$ flotilla node add mhs-new --engine 24.0.7
node mhs-new: 192.168.99.104/24, Docker Engine 24.0.7
mhs-new$ cat > /etc/docker/daemon.json <<EOF
{
  "cluster-store": "consul://192.168.99.100:8500",
  "cluster-advertise": "eth0:2376"
}
EOF
mhs-new$ systemctl restart docker
Job for docker.service failed because the control process exited with error code.
See "systemctl status docker.service" and "journalctl -xeu docker.service" for details.
[exit 1]
mhs-new$ journalctl -u docker -n 4
\w{3} \d\d \d\d:\d\d:\d\d mhs-new dockerd\[\d+\]: unable to configure the Docker daemon with file /etc/docker/daemon.json: the following directives don't match any configuration option: cluster-advertise, cluster-store (re)
\w{3} \d\d \d\d:\d\d:\d\d mhs-new systemd\[1\]: docker.service: Main process exited, code=exited, status=1/FAILURE (re)
\w{3} \d\d \d\d:\d\d:\d\d mhs-new systemd\[1\]: docker.service: Failed with result 'exit-code'. (re)
\w{3} \d\d \d\d:\d\d:\d\d mhs-new systemd\[1\]: Failed to start Docker Application Container Engine. (re)
mhs-new$ docker network ls
Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?
[exit 1]
$ docker-machine ls --format '{{.Name}} {{.State}} {{.DockerVersion}}'
mh-keystore Running v20.10.24
mhs-demo0 Running v20.10.24
mhs-demo1 Running v20.10.24
mhs-demo2 Running v20.10.24
mhs-new Running Unknown
mhs-new$ echo '{}' > /etc/docker/daemon.json
mhs-new$ systemctl restart docker
mhs-new$ systemctl is-active docker
active
