# date on a node (GNU coreutils) and in an alpine container (busybox): the lab's wall clock in UTC, which starts
# at 2025-01-01T00:00:00Z, each typed command 2 s after the one before.
$ docker-machine create node1
...
node1$ date
Wed Jan  1 00:00:02 UTC 2025
node1$ date -u +%s
1735689604
node1$ date -R
Wed, 01 Jan 2025 00:00:06 +0000
node1$ date -Iseconds
2025-01-01T00:00:08+00:00
node1$ date -d @0
Thu Jan  1 00:00:00 UTC 1970
node1$ date +"%Y-%m-%d %H:%M:%S.%N %j %A %B"
2025-01-01 00:00:12.000000000 001 Wednesday January
# a container may not set the clock; GNU prints the time it was given all the same
node1$ date -s "2020-01-01 00:00"
date: cannot set date: Operation not permitted
Wed Jan  1 00:00:00 UTC 2020
[exit 1]
node1$ date --nope
date: unrecognized option '--nope'
Try 'date --help' for more information.
[exit 1]
# busybox writes -I's offset without a colon
node1$ docker run --rm alpine date -Iseconds
2025-01-01T00:00:18+0000
node1$ docker run --rm alpine date -s 2020-01-01
date: can't set date: Operation not permitted
[exit 1]
