# IPAM options of docker network create (docs: network create reference, "Specify advanced options"): --subnet,
# --ip-range, --gateway, --aux-address; static --ip; the pool running out; the default pools running out.
$ docker-machine create node1
...
node1$ docker network create --driver=bridge --subnet=172.28.0.0/16 --ip-range=172.28.5.0/24 --gateway=172.28.5.254 --aux-address="my-router=172.28.1.5" --aux-address="my-switch=172.28.1.6" br0net
[0-9a-f]{64} (re)
node1$ docker network inspect -f '{{json .IPAM}}' br0net
{"Driver":"default","Options":{},"Config":[{"Subnet":"172.28.0.0/16","IPRange":"172.28.5.0/24","Gateway":"172.28.5.254","AuxiliaryAddresses":{"my-router":"172.28.1.5","my-switch":"172.28.1.6"}}]}
node1$ ip -4 -o addr show | grep -c 'inet 172.28.5.254/16'
1

# dynamic addresses come from the range (its first address included), the gateway is the given one
node1$ docker run -d --name a1 --network br0net alpine sleep 1d
[0-9a-f]{64} (re)
node1$ docker inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}/{{.IPPrefixLen}} via {{.Gateway}}{{end}}' a1
172.28.5.0/16 via 172.28.5.254
node1$ docker exec a1 ip route
default via 172.28.5.254 dev eth0
172.28.0.0/16 dev eth0 scope link  src 172.28.5.0

# a static address may lie outside the range but not on an aux address, nor twice
node1$ docker run -d --name a2 --network br0net --ip 172.28.1.7 alpine sleep 1d
[0-9a-f]{64} (re)
node1$ docker inspect -f '{{.NetworkSettings.Networks.br0net.IPAddress}} {{.NetworkSettings.Networks.br0net.IPAMConfig.IPv4Address}}' a2
172.28.1.7 172.28.1.7
node1$ docker run -d --name a3 --network br0net --ip 172.28.1.5 alpine sleep 1d
docker: Error response from daemon: failed to set up container networking: Address already in use

Run 'docker run --help' for more information
[exit 125]
node1$ docker run -d --name a4 --network br0net --ip 172.28.1.7 alpine sleep 1d
docker: Error response from daemon: failed to set up container networking: Address already in use

Run 'docker run --help' for more information
[exit 125]
node1$ docker run --rm --network br0net --ip 10.1.2.3 alpine true
docker: Error response from daemon: invalid config for network br0net: invalid endpoint settings:
no configured subnet or ip-range contain the IP address 10.1.2.3

Run 'docker run --help' for more information
[exit 125]
node1$ docker network create nosubnet
[0-9a-f]{64} (re)
node1$ docker run --rm --network nosubnet --ip 172.18.0.9 alpine true
docker: Error response from daemon: invalid config for network nosubnet: invalid endpoint settings:
user specified IP address is supported only when connecting to networks with user configured subnets

Run 'docker run --help' for more information
[exit 125]

# released addresses are reused lowest first
node1$ docker network create --subnet 10.10.0.0/24 small
[0-9a-f]{64} (re)
node1$ for n in s1 s2 s3; do docker run -d --name $n --network small alpine sleep 1d >/dev/null; done
node1$ docker rm -f s2
s2
node1$ docker run -d --name s4 --network small alpine sleep 1d >/dev/null
node1$ docker network inspect -f '{{range .Containers}}{{.Name}}={{.IPv4Address}} {{end}}' small | tr ' ' '\n' | sort
s1=10.10.0.2/24
s3=10.10.0.4/24
s4=10.10.0.3/24

# a /30 has room for the gateway and one container
node1$ docker network create --subnet 10.9.0.0/30 tiny
[0-9a-f]{64} (re)
node1$ docker run -d --network tiny --name t1 alpine sleep 1d
[0-9a-f]{64} (re)
node1$ docker run -d --network tiny --name t2 alpine sleep 1d
docker: Error response from daemon: failed to set up container networking: no available IPv4 addresses on this network's address pools: tiny \([0-9a-f]{64}\) (re)

Run 'docker run --help' for more information
[exit 125]

# the default pools: 172.17-31/16 (172.28 is br0net's), then 192.168.x.0/20 (skipping 192.168.96.0/20, where the
# node's own 192.168.99.0/24 is); then nothing
node1$ for i in $(seq 1 40); do docker network create n$i >/dev/null 2>&1 || break; done; echo $i
28
node1$ docker network inspect -f '{{range .IPAM.Config}}{{.Subnet}}{{end}}' n1 n9 n10 n12 n13 n19 n27 n28
172.19.0.0/16
172.27.0.0/16
172.29.0.0/16
172.31.0.0/16
192.168.0.0/20
192.168.112.0/20
192.168.240.0/20
Error response from daemon: network n28 not found
[exit 1]
node1$ docker network create toomany
Error response from daemon: all predefined address pools have been fully subnetted
[exit 1]
