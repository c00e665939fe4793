# busybox nc (netcat) in alpine containers on a user-defined network: a TCP server that is a container's main
# process (what it receives goes to `docker logs`), a client that pipes a line to it, both ends closing as busybox
# 1.36 does (stdin's end is a shutdown(SHUT_WR), nc exits when both directions have ended), a zero-I/O scan of an
# open and a closed port, a persistent echo server (-lk -e cat), a UDP exchange both ways, and SIGTERM ("punt!").
$ docker-machine create node1
...
node1$ docker network create dev
[0-9a-f]{64} (re)
node1$ docker run -d --name srv --net dev alpine nc -lv -p 9000
[0-9a-f]{64} (re)
node1$ BR=br-$(docker network inspect -f '{{.Id}}' dev | cut -c1-12)
node1$ tcpdump -i $BR -w /tmp/nc.pcap -c 8 tcp port 9000 2>/dev/null &
node1$ docker run --rm --name cli --net dev alpine sh -c 'echo hello | nc srv 9000'
# -v: the socket is AF_INET6 (no -s, no peer given), so addresses are v4-mapped; the peer's name comes from a PTR
node1$ docker logs srv
listening on [::]:9000 ...
connect to \[::ffff:172.18.0.2\]:9000 from cli.dev:\d+ \(\[::ffff:172.18.0.3\]:\d+\) (re)
hello
node1$ docker ps -a --filter name=srv --format '{{.Names}} {{.Status}}'
srv Exited (0) 4 seconds ago
# on the wire: the handshake, the line and the client's FIN together (stdin ended), then the server's FIN once its
# verbose line is out (its stdin, /dev/null, ended too)
node1$ wait
node1$ tcpdump -r /tmp/nc.pcap -nn 2>/dev/null | cut -d' ' -f2-9
IP 172.18.0.3.\d+ > 172.18.0.2.9000: Flags \[S\], seq \d+, (re)
IP 172.18.0.2.9000 > 172.18.0.3.\d+: Flags \[S.\], seq \d+, (re)
IP 172.18.0.3.\d+ > 172.18.0.2.9000: Flags \[.\], ack 1, (re)
IP 172.18.0.3.\d+ > 172.18.0.2.9000: Flags \[P.\], seq 1:7, (re)
IP 172.18.0.3.\d+ > 172.18.0.2.9000: Flags \[F.\], seq 7, (re)
IP 172.18.0.2.9000 > 172.18.0.3.\d+: Flags \[.\], ack 7, (re)
IP 172.18.0.2.9000 > 172.18.0.3.\d+: Flags \[F.\], seq 1, (re)
IP 172.18.0.3.\d+ > 172.18.0.2.9000: Flags \[.\], ack 2, (re)

# an echo server that serves every connection; -z connects and closes, -v says which port is open (a refusal only
# shows with -vv, as nc 1.10 did for scans)
node1$ docker run -d --name echo --net dev alpine nc -lk -p 7 -e cat
[0-9a-f]{64} (re)
node1$ docker run --rm --net dev alpine nc -zv echo 7
echo (172.18.0.2:7) open
node1$ docker run --rm --net dev alpine nc -zv echo 8
[exit 1]
node1$ docker run --rm --net dev alpine nc -zvv echo 8
nc: echo (172.18.0.2:8): Connection refused
sent 0, rcvd 0
[exit 1]
node1$ docker run --rm --net dev alpine sh -c 'echo hi there | nc echo 7'
hi there
node1$ docker run --rm --net dev alpine sh -c 'printf "one\ntwo\n" | nc -vv echo 7'
echo (172.18.0.2:7) open
one
two
sent 8, rcvd 8
node1$ docker run --rm --net dev alpine nc -v nosuch 7
nc: bad address 'nosuch'
[exit 1]

# UDP: the listener learns its peer from the first datagram and answers it; the client ends two -w periods after
# the last thing it heard
node1$ docker run -d --name usrv --net dev alpine sh -c 'echo pong | nc -u -l -p 9002'
[0-9a-f]{64} (re)
node1$ docker run --rm --net dev alpine sh -c 'echo ping | nc -u -w1 usrv 9002'
pong
node1$ docker logs usrv
ping

# nc catches SIGTERM: "punt!", and it dies of it (143) at once instead of waiting for the SIGKILL
node1$ docker stop echo
echo
node1$ docker logs echo
punt!
node1$ docker ps -a --filter name=echo --format '{{.Names}} {{.Status}}'
echo Exited (143) 4 seconds ago
