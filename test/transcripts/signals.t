# Signals to a container's main process, as Linux delivers them to PID 1 of a PID namespace: one whose action would
# be the default (terminate) is dropped, so only what the process handles reaches it, and SIGKILL always does.
# --init makes docker-init (tini) PID 1; it hands each signal to the command, which dies of one it does not handle
# and tini exits 128 + the signal. (docs: "docker run --init", "docker kill", "docker stop"; the nginx image's
# STOPSIGNAL is SIGQUIT, its graceful shutdown.)
$ docker-machine create node1
...
node1$ docker run -d --name s1 alpine sleep 1000
[0-9a-f]{64} (re)
node1$ docker run -d --name s2 --init alpine sleep 1000
[0-9a-f]{64} (re)

# sleep as PID 1 has no handler: SIGINT and SIGTERM do nothing. Under tini it dies of SIGINT (130).
node1$ docker kill -s INT s1
s1
node1$ docker kill --signal SIGTERM s1
s1
node1$ docker kill -s int s2
s2
node1$ docker ps -a --format '{{.Names}} {{.Status}}'
s2 Exited (130) 2 seconds ago
s1 Up 10 seconds

# docker stop with --init: SIGTERM ends sleep at once (143), not after the 10 s timeout and SIGKILL (137).
node1$ docker run -d --name s3 --init alpine sleep 1000
[0-9a-f]{64} (re)
node1$ docker stop s3
s3
node1$ docker ps -a --filter name=s3 --format '{{.Names}} {{.Status}}'
s3 Exited (143) 2 seconds ago

# ping handles SIGINT (its statistics, then exit 0 with replies) and not SIGTERM.
node1$ docker run -d --name pinger alpine ping 172.17.0.1
[0-9a-f]{64} (re)
node1$ docker kill -s TERM pinger
pinger
node1$ sleep 0.5
node1$ docker kill -s INT pinger
pinger
node1$ docker logs pinger | tail -3
--- 172.17.0.1 ping statistics ---
7 packets transmitted, 7 packets received, 0% packet loss
round-trip min/avg/max = \d+\.\d+/\d+\.\d+/\d+\.\d+ ms (re)
node1$ docker ps -a --filter name=pinger --format '{{.Names}} {{.Status}}'
pinger Exited (0) 4 seconds ago

# nginx: an unknown signal is refused by the daemon; SIGHUP (reload) leaves it running; docker stop sends the
# image's SIGQUIT and nginx shuts down gracefully, exit 0, without waiting for the timeout.
node1$ docker run -d --name web nginx
[0-9a-f]{64} (re)
node1$ docker kill -s FOO web
Error response from daemon: Invalid signal: FOO
[exit 1]
node1$ docker kill -s HUP web
web
node1$ docker stop web
web
node1$ docker logs web 2>&1 | tail -7
2025/01/01 00:00:38 [notice] 1#1: signal 3 (SIGQUIT) received, shutting down
2025/01/01 00:00:38 [notice] 29#29: gracefully shutting down
2025/01/01 00:00:38 [notice] 29#29: exiting
2025/01/01 00:00:38 [notice] 29#29: exit
2025/01/01 00:00:38 [notice] 1#1: signal 17 (SIGCHLD) received from 29
2025/01/01 00:00:38 [notice] 1#1: worker process 29 exited with code 0
2025/01/01 00:00:38 [notice] 1#1: exit
node1$ docker ps -a --filter name=web --format '{{.Names}} {{.Status}}'
web Exited (0) 4 seconds ago

# SIGKILL is never dropped.
node1$ docker kill s1
s1
node1$ docker ps -a --filter name=s1 --format '{{.Names}} {{.Status}}'
s1 Exited (137) 2 seconds ago

# docker inspect shows them: HostConfig.Init with --init, Config.StopSignal (the image's, or --stop-signal); both
# are omitempty, so a container without them has no such key.
node1$ docker inspect -f '{{.HostConfig.Init}}' s2
true
node1$ docker inspect -f '{{.Config.StopSignal}}' web
SIGQUIT
node1$ docker inspect -f '{{json .HostConfig.Init}}' s1
template parsing error: template: :1:7: executing "" at <.HostConfig.Init>: map has no entry for key "Init"
[exit 1]
node1$ docker run -d --name s4 --stop-signal SIGINT alpine ping 172.17.0.1
[0-9a-f]{64} (re)
node1$ docker inspect -f '{{.Config.StopSignal}}' s4
SIGINT
node1$ docker stop s4
s4
node1$ docker ps -a --filter name=s4 --format '{{.Status}}'
Exited (0) 2 seconds ago
