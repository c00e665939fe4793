# Macvlan networks, after Docker's "Networking using a macvlan network" tutorial: containers become hosts of the
# node's own LAN (the lab's host-only network 192.168.99.0/24, where the workstation is 192.168.99.1), each with
# its own MAC address, reached without NAT or published ports. Then an 802.1Q trunk (-o parent=eth0.50), the
# Linux rule that a host cannot talk to its own macvlan containers through the parent, and the driver's errors.
$ docker-machine create node1
...
$ docker-machine create node2
...
node1$ ip -4 -o addr show eth0
2: eth0    inet 192.168.99.100/24 brd 192.168.99.255 scope global eth0\       valid_lft forever preferred_lft forever

# a macvlan network on the LAN the node's eth0 is on, with the LAN's subnet and gateway
node1$ docker network create -d macvlan --subnet 192.168.99.0/24 --gateway 192.168.99.1 -o parent=eth0 pub
[0-9a-f]{64} (re)
node1$ docker network ls --filter driver=macvlan
NETWORK ID     NAME      DRIVER    SCOPE
[0-9a-f]{12}   pub       macvlan   local (re)
node1$ docker network inspect -f '{{.Driver}} {{.Options.parent}} {{range .IPAM.Config}}{{.Subnet}} {{.Gateway}}{{end}}' pub
macvlan eth0 192.168.99.0/24 192.168.99.1

# two containers with addresses of the LAN; no port is published
node1$ docker run -d --name web1 --network pub --ip 192.168.99.10 alpine sleep 3600
[0-9a-f]{64} (re)
node1$ docker run -d --name web2 --network pub --ip 192.168.99.11 nginx
[0-9a-f]{64} (re)
node1$ docker inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}} {{.Gateway}}{{end}}' web1
192.168.99.10 192.168.99.1

# inside, eth0 is a macvlan of the node's eth0 (ifindex 2 in the node's namespace): its own MAC, the default
# route through the LAN's gateway
node1$ docker exec web1 ip addr show eth0
\d+: eth0@if2: <BROADCAST,MULTICAST,UP,LOWER_UP,M-DOWN> mtu 1500 qdisc noqueue state UP (re)
    link/ether [0-9a-f]([26ae]):([0-9a-f]{2}:){4}[0-9a-f]{2} brd ff:ff:ff:ff:ff:ff (re)
    inet 192.168.99.10/24 brd 192.168.99.255 scope global eth0
       valid_lft forever preferred_lft forever
node1$ docker exec web1 ip -d link show eth0 | tail -1
    macvlan mode bridge bcqueuelen 1000 usedbcqueuelen 1000
node1$ docker exec web1 ip route
default via 192.168.99.1 dev eth0
192.168.99.0/24 dev eth0 scope link  src 192.168.99.10
node1$ MAC=$(docker inspect -f '{{.NetworkSettings.Networks.pub.MacAddress}}' web1); docker exec web1 ip link show eth0 | grep -c "link/ether $MAC"
1

# the containers reach each other (by name: the embedded DNS serves macvlan networks too) and the LAN
node1$ docker exec web1 ping -c 2 web2
PING web2 (192.168.99.11): 56 data bytes
64 bytes from 192.168.99.11: seq=0 ttl=64 time=\d+\.\d{3} ms (re)
64 bytes from 192.168.99.11: seq=1 ttl=64 time=\d+\.\d{3} ms (re)

--- web2 ping statistics ---
2 packets transmitted, 2 packets received, 0% packet loss
round-trip min/avg/max = [\d.]+/[\d.]+/[\d.]+ ms (re)
node1$ docker exec web1 wget -qO- web2 | grep title
<title>Welcome to nginx!</title>
node1$ docker exec web1 ping -c 1 192.168.99.1
PING 192.168.99.1 (192.168.99.1): 56 data bytes
64 bytes from 192.168.99.1: seq=0 ttl=64 time=\d+\.\d{3} ms (re)

--- 192.168.99.1 ping statistics ---
1 packets transmitted, 1 packets received, 0% packet loss
round-trip min/avg/max = [\d.]+/[\d.]+/[\d.]+ ms (re)

# the workstation reaches them directly: the node's capture of its eth0 shows web2 answering ARP with its own MAC,
# the one the workstation then keeps in its neighbour table
node1$ tcpdump -i eth0 -e -n -c 4 > lan.txt 2>/dev/null &
$ ping -c 1 192.168.99.11
PING 192.168.99.11 (192.168.99.11) 56(84) bytes of data.
64 bytes from 192.168.99.11: icmp_seq=1 ttl=64 time=\d+\.\d+ ms (re)

--- 192.168.99.11 ping statistics ---
1 packets transmitted, 1 received, 0% packet loss, time \d+ms (re)
rtt min/avg/max/mdev = [\d.]+/[\d.]+/[\d.]+/[\d.]+ ms (re)
node1$ wait; cat lan.txt
[\d:.]+ [0-9a-f:]{17} > ff:ff:ff:ff:ff:ff, ethertype ARP \(0x0806\), length 42: Request who-has 192\.168\.99\.11 tell 192\.168\.99\.1, length 28 (re)
[\d:.]+ [0-9a-f:]{17} > [0-9a-f:]{17}, ethertype ARP \(0x0806\), length 42: Reply 192\.168\.99\.11 is-at [0-9a-f:]{17}, length 28 (re)
[\d:.]+ [0-9a-f:]{17} > [0-9a-f:]{17}, ethertype IPv4 \(0x0800\), length 98: 192\.168\.99\.1 > 192\.168\.99\.11: ICMP echo request, .* (re)
[\d:.]+ [0-9a-f:]{17} > [0-9a-f:]{17}, ethertype IPv4 \(0x0800\), length 98: 192\.168\.99\.11 > 192\.168\.99\.1: ICMP echo reply, .* (re)
node1$ MAC2=$(docker inspect -f '{{.NetworkSettings.Networks.pub.MacAddress}}' web2); grep -c "is-at $MAC2" lan.txt; grep -c "^[0-9:.]* $MAC2 > .*echo reply" lan.txt
1
1
$ M=$(docker-machine ssh node1 docker inspect -f '{{.NetworkSettings.Networks.pub.MacAddress}}' web2); ip neigh show 192.168.99.11 | grep -c "lladdr $M"
1
$ curl -s 192.168.99.11 | grep title
<title>Welcome to nginx!</title>
node2$ ping -c 1 192.168.99.10 | grep -c 'bytes from'
1

# but the node itself cannot reach its macvlan containers, nor they the node: the parent's own traffic never
# passes through its macvlan port, and the switch does not send a frame back where it came from
node1$ ping -c 1 -W 1 192.168.99.10
PING 192.168.99.10 (192.168.99.10) 56(84) bytes of data.
...
1 packets transmitted, 0 received, 100% packet loss, time 0ms
[exit 1]
node1$ docker exec web1 ping -c 1 -W 1 192.168.99.100
PING 192.168.99.100 (192.168.99.100): 56 data bytes

--- 192.168.99.100 ping statistics ---
1 packets transmitted, 0 packets received, 100% packet loss
[exit 1]

# 802.1Q trunk: -o parent=eth0.50 makes the driver create the VLAN sub-interface eth0.50 on each node
node1$ docker network create -d macvlan --subnet 192.168.50.0/24 --gateway 192.168.50.1 -o parent=eth0.50 vlan50
[0-9a-f]{64} (re)
node2$ docker network create -d macvlan --subnet 192.168.50.0/24 --gateway 192.168.50.1 -o parent=eth0.50 vlan50
[0-9a-f]{64} (re)
node1$ ip -d link show eth0.50
\d+: eth0\.50@eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP mode DEFAULT group default (re)
    link/ether ([0-9a-f:]{17}) brd ff:ff:ff:ff:ff:ff promiscuity 0  allmulti 0 minmtu 68 maxmtu 65535 (re)
    vlan protocol 802.1Q id 50 <REORDER_HDR>
node1$ docker run -d --name v1 --network vlan50 --ip 192.168.50.10 alpine sleep 3600
[0-9a-f]{64} (re)
node2$ docker run -d --name v2 --network vlan50 --ip 192.168.50.20 alpine sleep 3600
[0-9a-f]{64} (re)
node1$ docker exec v1 ip addr show eth0 | head -1
\d+: eth0@if\d+: <BROADCAST,MULTICAST,UP,LOWER_UP,M-DOWN> mtu 1500 qdisc noqueue state UP (re)

# the frames leave the node's eth0 tagged with VLAN 50
node1$ tcpdump -i eth0 -e -n -c 4 > vlan.txt 2>/dev/null &
node1$ docker exec v1 ping -c 1 192.168.50.20 | grep -c 'bytes from'
1
node1$ wait; cat vlan.txt
[\d:.]+ [0-9a-f:]{17} > ff:ff:ff:ff:ff:ff, ethertype 802\.1Q \(0x8100\), length 46: vlan 50, p 0, ethertype ARP \(0x0806\), Request who-has 192\.168\.50\.20 tell 192\.168\.50\.10, length 28 (re)
[\d:.]+ [0-9a-f:]{17} > [0-9a-f:]{17}, ethertype 802\.1Q \(0x8100\), length 46: vlan 50, p 0, ethertype ARP \(0x0806\), Reply 192\.168\.50\.20 is-at [0-9a-f:]{17}, length 28 (re)
[\d:.]+ [0-9a-f:]{17} > [0-9a-f:]{17}, ethertype 802\.1Q \(0x8100\), length 102: vlan 50, p 0, ethertype IPv4 \(0x0800\), 192\.168\.50\.10 > 192\.168\.50\.20: ICMP echo request, .* (re)
[\d:.]+ [0-9a-f:]{17} > [0-9a-f:]{17}, ethertype 802\.1Q \(0x8100\), length 102: vlan 50, p 0, ethertype IPv4 \(0x0800\), 192\.168\.50\.20 > 192\.168\.50\.10: ICMP echo reply, .* (re)

# VLAN 50 is not the untagged LAN: the workstation is not on it
node1$ docker exec v1 ping -c 1 -W 1 192.168.99.1 | tail -1
1 packets transmitted, 0 packets received, 100% packet loss

# the sub-interface goes with the network
node1$ docker rm -f v1
v1
node1$ docker network rm vlan50
vlan50
node1$ ip link show eth0.50
Device "eth0.50" does not exist.
[exit 1]

# the driver's errors
node1$ docker network create -d macvlan -o parent=eth9 bad
Error response from daemon: invalid subinterface vlan name eth9, example formatting is eth0.10
[exit 1]
node1$ docker network create -d macvlan -o parent=eth9.10 bad
Error response from daemon: -o parent interface was not found on the host: eth9
[exit 1]
node1$ docker network create -d macvlan -o parent=eth0.5000 bad
Error response from daemon: vlan id must be between 1-4094, received: 5000
[exit 1]
node1$ docker network create -d macvlan -o parent=eth0 -o macvlan_mode=bridged bad
Error response from daemon: requested macvlan mode 'bridged' is not valid, 'bridge' mode is the macvlan driver default
[exit 1]
node1$ docker network create -d macvlan -o parent=lo bad
Error response from daemon: loopback interface is not a valid macvlan parent link
[exit 1]
node1$ docker network create -d macvlan -o parent=eth0 -o macvlan_mode=passthru bad
Error response from daemon: cannot use mode passthru, macvlan network [0-9a-f]{64} is already using parent interface eth0 (re)
[exit 1]
node1$ docker network ls --filter driver=macvlan --format '{{.Name}}'
pub
node1$ docker network rm pub
Error response from daemon: error while removing network: network pub has active endpoints \(name:"web[12]" id:"[0-9a-f]{12}", name:"web[12]" id:"[0-9a-f]{12}"\) (re)
[exit 1]
node1$ docker rm -f web1 web2
web1
web2
node1$ docker network rm pub
pub
