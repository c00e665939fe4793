# A node failure and what the swarm does about it: three nodes, a service with three replicas published on the
# routing mesh. Pulling node3's cable loses its heartbeats (every 5 s to the leader on 2377): after three missed
# periods the leader marks it Down and reschedules its task on a node that is Ready; the old task stays in the
# history, desired Shutdown, still Running as last reported. Plugged back, the node is Ready again and its agent
# shuts the old task down. Powering a node off (flotilla node stop, docker-machine stop) does the same from the
# outside; powered on, its daemon starts and it rejoins as the same node.
$ docker-machine create node1
...
$ docker-machine create node2
...
$ docker-machine create node3
...
node1$ docker swarm init --advertise-addr 192.168.99.100
...
$ for n in node2 node3; do docker-machine ssh $n docker swarm join --token $(docker-machine ssh node1 docker swarm join-token -q worker) 192.168.99.100:2377; done
This node joined a swarm as a worker.
This node joined a swarm as a worker.
node1$ docker service create --name web --replicas 3 -p 8080:80 nginx
[0-9a-z]{25} (re)
...
node1$ docker node ls
ID                            HOSTNAME   STATUS    AVAILABILITY   MANAGER STATUS   ENGINE VERSION
[0-9a-z]{25} \*   node1      Ready     Active         Leader           28\.5\.2 (re)
[0-9a-z]{25}     node2      Ready     Active                          28\.5\.2 (re)
[0-9a-z]{25}     node3      Ready     Active                          28\.5\.2 (re)
node1$ docker service ps web
ID             NAME      IMAGE          NODE      DESIRED STATE   CURRENT STATE           ERROR     PORTS
[0-9a-z]{12}   web\.1     nginx:latest   node1     Running         Running 9 seconds ago (re)
[0-9a-z]{12}   web\.2     nginx:latest   node2     Running         Running 9 seconds ago (re)
[0-9a-z]{12}   web\.3     nginx:latest   node3     Running         Running 9 seconds ago (re)

# pull node3's cable: its heartbeats stop reaching the leader
$ flotilla link down node3
link node3: down
# wait 30s
node1$ docker node ls
ID                            HOSTNAME   STATUS    AVAILABILITY   MANAGER STATUS   ENGINE VERSION
[0-9a-z]{25} \*   node1      Ready     Active         Leader           28\.5\.2 (re)
[0-9a-z]{25}     node2      Ready     Active                          28\.5\.2 (re)
[0-9a-z]{25}     node3      Down      Active                          28\.5\.2 (re)
node1$ docker service ps web
ID             NAME        IMAGE          NODE      DESIRED STATE   CURRENT STATE            ERROR     PORTS
[0-9a-z]{12}   web\.1       nginx:latest   node1     Running         Running 45 seconds ago (re)
[0-9a-z]{12}   web\.2       nginx:latest   node2     Running         Running 45 seconds ago (re)
[0-9a-z]{12}   web\.3       nginx:latest   node1     Running         Running 23 seconds ago (re)
[0-9a-z]{12}    \\_ web\.3   nginx:latest   node3     Shutdown        Running 45 seconds ago (re)
# the routing mesh answers on every node that is still reachable
$ curl -s http://192.168.99.101:8080/ | grep title
<title>Welcome to nginx!</title>

# plug it back: Ready again, and its agent shuts the replaced task down
$ flotilla link up node3
link node3: up
# wait 30s
node1$ docker node ls
ID                            HOSTNAME   STATUS    AVAILABILITY   MANAGER STATUS   ENGINE VERSION
[0-9a-z]{25} \*   node1      Ready     Active         Leader           28\.5\.2 (re)
[0-9a-z]{25}     node2      Ready     Active                          28\.5\.2 (re)
[0-9a-z]{25}     node3      Ready     Active                          28\.5\.2 (re)
node1$ docker service ps web
ID             NAME        IMAGE          NODE      DESIRED STATE   CURRENT STATE                ERROR     PORTS
[0-9a-z]{12}   web\.1       nginx:latest   node1     Running         Running about a minute ago (re)
[0-9a-z]{12}   web\.2       nginx:latest   node2     Running         Running about a minute ago (re)
[0-9a-z]{12}   web\.3       nginx:latest   node1     Running         Running about a minute ago (re)
[0-9a-z]{12}    \\_ web\.3   nginx:latest   node3     Shutdown        Shutdown 20 seconds ago (re)

# power node2 off: the same from the outside, and docker-machine sees it stopped
$ flotilla node stop node2
node node2: powered off
# wait 30s
node1$ docker node ls
ID                            HOSTNAME   STATUS    AVAILABILITY   MANAGER STATUS   ENGINE VERSION
[0-9a-z]{25} \*   node1      Ready     Active         Leader           28\.5\.2 (re)
[0-9a-z]{25}     node2      Down      Active                          28\.5\.2 (re)
[0-9a-z]{25}     node3      Ready     Active                          28\.5\.2 (re)
node1$ docker service ps web
ID             NAME        IMAGE          NODE      DESIRED STATE   CURRENT STATE                ERROR     PORTS
[0-9a-z]{12}   web\.1       nginx:latest   node1     Running         Running about a minute ago (re)
[0-9a-z]{12}   web\.2       nginx:latest   node3     Running         Running 22 seconds ago (re)
[0-9a-z]{12}    \\_ web\.2   nginx:latest   node2     Shutdown        Running about a minute ago (re)
[0-9a-z]{12}   web\.3       nginx:latest   node1     Running         Running about a minute ago (re)
[0-9a-z]{12}    \\_ web\.3   nginx:latest   node3     Shutdown        Shutdown 56 seconds ago (re)
$ docker-machine ls
NAME    ACTIVE   DRIVER       STATE     URL                         SWARM   DOCKER    ERRORS
node1   -        virtualbox   Running   tcp://192.168.99.100:2376           v28.5.2
node2   -        virtualbox   Stopped                                       Unknown
node3   -        virtualbox   Running   tcp://192.168.99.102:2376           v28.5.2

# powered on, the daemon starts and the node rejoins as itself; its old task ended with the machine
$ flotilla node start node2
node node2: powered on
# wait 20s
node1$ docker node ls
ID                            HOSTNAME   STATUS    AVAILABILITY   MANAGER STATUS   ENGINE VERSION
[0-9a-z]{25} \*   node1      Ready     Active         Leader           28\.5\.2 (re)
[0-9a-z]{25}     node2      Ready     Active                          28\.5\.2 (re)
[0-9a-z]{25}     node3      Ready     Active                          28\.5\.2 (re)
node1$ docker service ps web
ID             NAME        IMAGE          NODE      DESIRED STATE   CURRENT STATE                 ERROR     PORTS
[0-9a-z]{12}   web\.1       nginx:latest   node1     Running         Running 2 minutes ago (re)
[0-9a-z]{12}   web\.2       nginx:latest   node3     Running         Running 50 seconds ago (re)
[0-9a-z]{12}    \\_ web\.2   nginx:latest   node2     Shutdown        Shutdown 23 seconds ago (re)
[0-9a-z]{12}   web\.3       nginx:latest   node1     Running         Running 2 minutes ago (re)
[0-9a-z]{12}    \\_ web\.3   nginx:latest   node3     Shutdown        Shutdown about a minute ago (re)
node2$ docker ps -a
CONTAINER ID   IMAGE     COMMAND                  CREATED         STATUS                            PORTS     NAMES
[0-9a-z]{12}   nginx     "/docker\-entrypoint\.…"   2 minutes ago   Exited \(143\) About a minute ago             web\.2\.[0-9a-z]{25} (re)

# docker-machine stop and start do the same to a VirtualBox machine
$ docker-machine stop node3
Stopping "node3"...
Machine "node3" was stopped.
# wait 30s
node1$ docker node ls
ID                            HOSTNAME   STATUS    AVAILABILITY   MANAGER STATUS   ENGINE VERSION
[0-9a-z]{25} \*   node1      Ready     Active         Leader           28\.5\.2 (re)
[0-9a-z]{25}     node2      Ready     Active                          28\.5\.2 (re)
[0-9a-z]{25}     node3      Down      Active                          28\.5\.2 (re)
$ docker-machine start node3
Starting "node3"...
(node3) Check network to re-create if needed...
(node3) Waiting for an IP...
Machine "node3" was started.
Waiting for SSH to be available...
Detecting the provisioner...
Started machines may have new IP addresses. You may need to re-run the `docker-machine env` command.
# wait 20s
node1$ docker node ls
ID                            HOSTNAME   STATUS    AVAILABILITY   MANAGER STATUS   ENGINE VERSION
[0-9a-z]{25} \*   node1      Ready     Active         Leader           28\.5\.2 (re)
[0-9a-z]{25}     node2      Ready     Active                          28\.5\.2 (re)
[0-9a-z]{25}     node3      Ready     Active                          28\.5\.2 (re)
node1$ docker service ps web
ID             NAME        IMAGE          NODE      DESIRED STATE   CURRENT STATE                 ERROR     PORTS
[0-9a-z]{12}   web\.1       nginx:latest   node1     Running         Running 3 minutes ago (re)
[0-9a-z]{12}   web\.2       nginx:latest   node2     Running         Running 47 seconds ago (re)
[0-9a-z]{12}    \\_ web\.2   nginx:latest   node3     Shutdown        Shutdown 23 seconds ago (re)
[0-9a-z]{12}    \\_ web\.2   nginx:latest   node2     Shutdown        Shutdown about a minute ago (re)
[0-9a-z]{12}   web\.3       nginx:latest   node1     Running         Running 3 minutes ago (re)
[0-9a-z]{12}    \\_ web\.3   nginx:latest   node3     Shutdown        Shutdown 2 minutes ago (re)
$ docker-machine ls
NAME    ACTIVE   DRIVER       STATE     URL                         SWARM   DOCKER    ERRORS
node1   -        virtualbox   Running   tcp://192.168.99.100:2376           v28.5.2
node2   -        virtualbox   Running   tcp://192.168.99.101:2376           v28.5.2
node3   -        virtualbox   Running   tcp://192.168.99.102:2376           v28.5.2
