# A client container that exits right after its last read: the kernel sends the FIN of each socket the process
# still held as it exits, before Docker takes the sandbox's veth away, so the connection ends cleanly on the wire
# (the client's ACK of the server's FIN and its own FIN, then the server's last ACK) and nginx does not retransmit
# into a namespace that is gone.
$ docker-machine create node1
...
node1$ docker network create dev
[0-9a-f]{64} (re)
node1$ docker run -d --name web --net dev nginx
[0-9a-f]{64} (re)
node1$ BR=br-$(docker network inspect -f '{{.Id}}' dev | cut -c1-12)
node1$ tcpdump -i $BR -w /tmp/f.pcap -c 10 tcp port 80 2>/dev/null &
node1$ docker run --rm --net dev alpine wget -qO /dev/null http://web/
node1$ wait
node1$ tcpdump -r /tmp/f.pcap -nn 2>/dev/null | cut -d' ' -f2-7
IP 172.18.0.3.\d+ > 172.18.0.2.80: Flags \[S\], (re)
IP 172.18.0.2.80 > 172.18.0.3.\d+: Flags \[S.\], (re)
IP 172.18.0.3.\d+ > 172.18.0.2.80: Flags \[.\], (re)
IP 172.18.0.3.\d+ > 172.18.0.2.80: Flags \[P.\], (re)
IP 172.18.0.2.80 > 172.18.0.3.\d+: Flags \[.\], (re)
IP 172.18.0.2.80 > 172.18.0.3.\d+: Flags \[P.\], (re)
IP 172.18.0.2.80 > 172.18.0.3.\d+: Flags \[F.\], (re)
IP 172.18.0.3.\d+ > 172.18.0.2.80: Flags \[.\], (re)
IP 172.18.0.3.\d+ > 172.18.0.2.80: Flags \[F.\], (re)
IP 172.18.0.2.80 > 172.18.0.3.\d+: Flags \[.\], (re)
