# The embedded DNS server (docs: "Networking overview", DNS services; network-scoped aliases): names, aliases,
# a shared alias answered with every address, name.network, short IDs, PTR, --alias on connect, and forwarding.
$ docker-machine create node1
...
node1$ docker network create shop
[0-9a-f]{64} (re)
node1$ docker network create admin
[0-9a-f]{64} (re)
node1$ docker run -d --name search1 --network shop --network-alias search nginx
[0-9a-f]{64} (re)
node1$ docker run -d --name search2 --network shop --network-alias search nginx
[0-9a-f]{64} (re)
node1$ docker run -d --name tools --network shop nicolaka/netshoot sleep 1d
[0-9a-f]{64} (re)

# a shared alias: every address in one answer (their order is shuffled per query)
node1$ docker exec tools dig +short search | sort
172.18.0.2
172.18.0.3
node1$ docker exec tools dig +short search1
172.18.0.2
node1$ docker exec tools dig search1 | grep -E 'ANSWER SECTION|^search1'
;; ANSWER SECTION:
search1.		600	IN	A	172.18.0.2
node1$ docker exec tools dig +short search1.shop
172.18.0.2
node1$ docker exec tools dig +short -x 172.18.0.3
search2.shop.
node1$ docker exec tools dig +short $(docker inspect -f '{{slice .Id 0 12}}' search2)
172.18.0.3
node1$ docker inspect -f '{{json .NetworkSettings.Networks.shop.Aliases}} {{json .NetworkSettings.Networks.shop.DNSNames}}' search1
\["search"\] \["search1","search","[0-9a-f]{12}"\] (re)

# names are scoped per network: admin does not see shop's names, and the node's resolver (the offline lab's
# workstation) has no answer either
node1$ docker run --rm --network admin alpine nslookup search1
Server:		127.0.0.11
Address:	127.0.0.11:53

** server can't find search1: SERVFAIL

** server can't find search1: SERVFAIL

[exit 1]

# an alias given at connect time is known on that network only
node1$ docker network connect --alias dashboard admin search1
node1$ docker run --rm --network admin alpine ping -c 1 dashboard | head -1
PING dashboard (172.19.0.2): 56 data bytes
node1$ docker exec tools dig +short dashboard
node1$ docker inspect -f '{{json .NetworkSettings.Networks.admin.Aliases}}' search1
["dashboard"]

# a stopped container leaves the answers; a started one comes back
node1$ docker stop search2
search2
node1$ docker exec tools dig +short search
172.18.0.2
node1$ docker start search2
search2
node1$ docker exec tools dig +short search | wc -l
2

# the client sees an ordinary recursive answer from 127.0.0.11:53
node1$ docker exec tools dig search1 | grep -E '^;; (SERVER|flags)'
;; flags: qr rd ra; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 0
;; SERVER: 127.0.0.11#53(127.0.0.11) (UDP)
