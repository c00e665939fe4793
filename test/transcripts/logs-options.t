# docker logs options (docs: "docker container logs"; moby api/types/time GetTimestamp, write_log_stream.go):
# -t puts each line's time in front in RFC3339NanoFixed (nine fraction digits), --details a space for the extra
# attributes (none here), --since/--until take a Go duration back from now, an RFC 3339 time or date (UTC when it
# has no zone) or a Unix time; --tail is taken before since/until filter. The lab's clock starts at
# 2025-01-01T00:00:00Z and each typed command comes 2 s after the one before.
$ docker-machine create node1
...
node1$ docker run -d --name ticker alpine sh -c 'echo one; sleep 10; echo two >&2; sleep 10; echo three'
[0-9a-f]{64} (re)
node1$ sleep 30
node1$ docker logs -t ticker
2025-01-01T00:00:02.000000000Z one
2025-01-01T00:00:12.000000000Z two
2025-01-01T00:00:22.000000000Z three
node1$ docker logs --details ticker
 one
 two
 three
node1$ docker logs -t --details --tail 1 ticker
2025-01-01T00:00:22.000000000Z  three

# Typed at 00:00:40: 25 s back is 00:00:15.
node1$ docker logs --since 25s ticker
three
node1$ docker logs --until 2025-01-01T00:00:05Z ticker
one
node1$ docker logs --since 2025-01-01T00:00:05Z --until 2025-01-01T00:00:15 ticker
two
node1$ docker logs --since 1735689605.5 -t ticker
2025-01-01T00:00:12.000000000Z two
2025-01-01T00:00:22.000000000Z three

# The last 2 lines, then those since 00:00:35: none (tail comes first). A negative tail is all of it.
node1$ docker logs --tail 2 --since 15s ticker 2>&1 | wc -l
0
node1$ docker logs --tail -1 ticker
one
two
three

# Values the client refuses, in Go's words (exit 1).
node1$ docker logs --since x ticker
invalid value for "since": failed to parse value as time or duration: "x"
[exit 1]
node1$ docker logs --until 2013-13-01 ticker
invalid value for "until": parsing time "2013-13-01": month out of range
[exit 1]
node1$ docker logs --since 2013-1-01 ticker
invalid value for "since": parsing time "2013-1-01" as "2006-01-02": cannot parse "1-01" as "01"
[exit 1]

# -f -t: the lines that come while it follows carry their times too.
node1$ docker run -d --name counter alpine sh -c 'for i in 1 2; do echo tick $i; sleep 3; done'
[0-9a-f]{64} (re)
node1$ docker logs -f -t counter
2025-01-01T00:01:00.000000000Z tick 1
2025-01-01T00:01:03.000000000Z tick 2
