# The workstation's shell as it works today: variables, $(...), pipes, loops, here-documents into files, the
# text tools, exit statuses and error wording (bash's). Each prompt is one session: what a command sets, the
# next one sees. docker-machine and the lab's nodes are not there yet.

$ NAME=flotilla; echo "hello from $NAME on $(hostname)"
hello from flotilla on workstation
$ echo "$NAME has ${#NAME} letters"
flotilla has 8 letters
$ export NETWORK=dev; env | grep ^NETWORK=
NETWORK=dev

# $(...) and arithmetic
$ COUNT=$(seq 5 | wc -l); echo $((COUNT * 2))
10

# pipes and the text tools
$ printf 'web 3\nredis 1\nweb 3\ndb 2\n' | sort -u | cut -d' ' -f1 | tr a-z A-Z
DB
REDIS
WEB
$ seq 10 | grep -c 1
2

# loops
$ for n in 1 2 3; do echo "node$n"; done
node1
node2
node3
$ i=0; while [ $i -lt 3 ]; do i=$((i + 1)); done; echo $i
3

# a here-document into a file, then reading it back
$ mkdir -p /tmp/app && cd /tmp/app
$ cat > docker-compose.yml <<EOF
version: "3"
services:
  $NAME:
    image: alpine
EOF
$ cat docker-compose.yml
version: "3"
services:
  flotilla:
    image: alpine
$ grep -c image docker-compose.yml
1
$ pwd
/tmp/app

# exit statuses and errors, stdout and stderr in the order printed
$ grep -q nginx docker-compose.yml
[exit 1]
$ cat /nope
cat: /nope: No such file or directory
[exit 1]
$ false || echo recovered
recovered
$ frobnicate --now
bash: frobnicate: command not found
[exit 127]
$ echo before; cat /nope 2>&1; echo after
before
cat: /nope: No such file or directory
after

# background jobs and wait, in virtual time
$ (sleep 5; echo slow) & echo fast; wait
fast
slow
