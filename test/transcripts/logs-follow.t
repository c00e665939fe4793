# docker logs -f (docs: "docker container logs", --follow): the log so far, then what the container prints while it
# runs, until its process ends; the command then returns 0 whatever the container's status. A transcript cannot
# press Ctrl-C, so here the containers end by themselves.
$ docker-machine create node1
...
node1$ docker run -d --name ticker alpine sh -c 'echo one; sleep 10; echo two >&2; sleep 10; echo three; exit 3'
[0-9a-f]{64} (re)
# Typed 2 s later: "one" is in the log, the rest comes while the command follows.
node1$ docker logs -f ticker
one
two
three
node1$ docker ps -a --filter name=ticker --format '{{.Status}}'
Exited (3) 2 seconds ago

# On a stopped container -f prints the log and returns at once; --tail N keeps the last N lines.
node1$ docker logs -f --tail 2 ticker
two
three
node1$ docker logs --tail 0 -f ticker | wc -l
0

# --tail 0 -f on a running container: only the lines printed after the command started ("tick 1" was before).
node1$ docker run -d --name counter alpine sh -c 'for i in 1 2 3; do echo tick $i; sleep 3; done'
[0-9a-f]{64} (re)
node1$ docker logs -f --tail 0 counter
tick 2
tick 3
