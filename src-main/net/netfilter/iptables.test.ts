// iptables as Docker programs it and as a user reads it back. Rule sets from docker-networking.md §4.3
// ("Firewall semantics": the ≥28.0.1 chains DOCKER-FORWARD, DOCKER-BRIDGE, DOCKER-CT, DOCKER-ISOLATION-STAGE-1/2,
// DOCKER; nat PREROUTING/OUTPUT -m addrtype --dst-type LOCAL -j DOCKER; POSTROUTING MASQUERADE; DNAT for
// published ports) and moby's golden file it cites.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tcp from '../../common/wire/tcp.ts';
import { saveTables } from './format.ts';
import { iptables, iptablesLine, splitWords } from './iptables.ts';
import { readIp } from './ipbytes.ts';
import { buildRejectReply } from './reject.ts';
import { checksumsValid, dockerRules, forward, input, tcpPacket, testHost, udpPacket } from './testing.ts';

/** `iptables ...` that must succeed; returns stdout. */
function ok(h: ReturnType<typeof testHost>, line: string): string {
  const r = iptablesLine(h.nf, line);
  assert.equal(r.stderr, '', line);
  assert.equal(r.exitCode, 0, line);
  return r.stdout;
}

test('iptables-save reproduces moby v28 golden TestIptabler_hairpin=false,internal=false,icc=true,masq=true,snat=false,gwm=nat,bindlh=false', () => {
  // The rules libnetwork's iptabler programs for bridge br-dummy, subnet 192.168.0.0/24, container 192.168.0.2
  // publishing 8080->80/tcp (moby libnetwork/drivers/bridge/internal/iptabler/testdata/…__iptables.golden).
  const h = testHost();
  for (const line of [
    '-t raw -A PREROUTING -d 192.168.0.2/32 ! -i br-dummy -j DROP',
    '-N DOCKER',
    '-N DOCKER-BRIDGE',
    '-N DOCKER-CT',
    '-N DOCKER-FORWARD',
    '-N DOCKER-ISOLATION-STAGE-1',
    '-N DOCKER-ISOLATION-STAGE-2',
    '-A FORWARD -j DOCKER-FORWARD',
    '-A DOCKER-FORWARD -j DOCKER-CT',
    '-A DOCKER-FORWARD -j DOCKER-ISOLATION-STAGE-1',
    '-A DOCKER-FORWARD -j DOCKER-BRIDGE',
    '-A DOCKER-FORWARD -i br-dummy -j ACCEPT',
    '-A DOCKER-BRIDGE -o br-dummy -j DOCKER',
    '-A DOCKER-CT -o br-dummy -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
    '-A DOCKER-ISOLATION-STAGE-1 -i br-dummy ! -o br-dummy -j DOCKER-ISOLATION-STAGE-2',
    '-A DOCKER-ISOLATION-STAGE-2 -o br-dummy -j DROP',
    '-A DOCKER ! -i br-dummy -o br-dummy -j DROP',
    '-I DOCKER -d 192.168.0.2 ! -i br-dummy -o br-dummy -p tcp --dport 80 -j ACCEPT',
    '-t nat -N DOCKER',
    '-t nat -A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER',
    '-t nat -A OUTPUT ! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j DOCKER',
    '-t nat -A POSTROUTING -s 192.168.0.0/24 ! -o br-dummy -j MASQUERADE',
    '-t nat -A DOCKER -i br-dummy -j RETURN',
    '-t nat -A DOCKER -p tcp -d 0/0 --dport 8080 -j DNAT --to-destination 192.168.0.2:80 ! -i br-dummy',
  ]) {
    ok(h, line.replace(' -d 0/0', ' -d 0.0.0.0/0'));
  }
  const golden = [
    '*raw',
    ':PREROUTING ACCEPT [0:0]',
    ':OUTPUT ACCEPT [0:0]',
    '-A PREROUTING -d 192.168.0.2/32 ! -i br-dummy -j DROP',
    'COMMIT',
    '*filter',
    ':INPUT ACCEPT [0:0]',
    ':FORWARD ACCEPT [0:0]',
    ':OUTPUT ACCEPT [0:0]',
    ':DOCKER - [0:0]',
    ':DOCKER-BRIDGE - [0:0]',
    ':DOCKER-CT - [0:0]',
    ':DOCKER-FORWARD - [0:0]',
    ':DOCKER-ISOLATION-STAGE-1 - [0:0]',
    ':DOCKER-ISOLATION-STAGE-2 - [0:0]',
    '-A FORWARD -j DOCKER-FORWARD',
    '-A DOCKER -d 192.168.0.2/32 ! -i br-dummy -o br-dummy -p tcp -m tcp --dport 80 -j ACCEPT',
    '-A DOCKER ! -i br-dummy -o br-dummy -j DROP',
    '-A DOCKER-BRIDGE -o br-dummy -j DOCKER',
    '-A DOCKER-CT -o br-dummy -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
    '-A DOCKER-FORWARD -j DOCKER-CT',
    '-A DOCKER-FORWARD -j DOCKER-ISOLATION-STAGE-1',
    '-A DOCKER-FORWARD -j DOCKER-BRIDGE',
    '-A DOCKER-FORWARD -i br-dummy -j ACCEPT',
    '-A DOCKER-ISOLATION-STAGE-1 -i br-dummy ! -o br-dummy -j DOCKER-ISOLATION-STAGE-2',
    '-A DOCKER-ISOLATION-STAGE-2 -o br-dummy -j DROP',
    'COMMIT',
    '*nat',
    ':PREROUTING ACCEPT [0:0]',
    ':INPUT ACCEPT [0:0]',
    ':OUTPUT ACCEPT [0:0]',
    ':POSTROUTING ACCEPT [0:0]',
    ':DOCKER - [0:0]',
    '-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER',
    '-A OUTPUT ! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j DOCKER',
    '-A POSTROUTING -s 192.168.0.0/24 ! -o br-dummy -j MASQUERADE',
    '-A DOCKER -i br-dummy -j RETURN',
    '-A DOCKER ! -i br-dummy -p tcp -m tcp --dport 8080 -j DNAT --to-destination 192.168.0.2:80',
    'COMMIT',
    '',
  ].join('\n');
  assert.equal(saveTables([h.nf.table('raw'), h.nf.table('filter'), h.nf.table('nat')]), golden);
});

test('iptables -t nat -L -n on a Docker host with one published port', () => {
  const h = testHost();
  dockerRules(h);
  // Written from iptables' print_header/print_firewall layout: "%-9s " target, "%-5s" prot, "-- " opt,
  // "%-19s " source and destination, matches and targets printing themselves with a leading space.
  const expected = [
    'Chain PREROUTING (policy ACCEPT)',
    'target     prot opt source               destination         ',
    'DOCKER     all  --  0.0.0.0/0            0.0.0.0/0            ADDRTYPE match dst-type LOCAL',
    '',
    'Chain INPUT (policy ACCEPT)',
    'target     prot opt source               destination         ',
    '',
    'Chain OUTPUT (policy ACCEPT)',
    'target     prot opt source               destination         ',
    'DOCKER     all  --  0.0.0.0/0           !127.0.0.0/8          ADDRTYPE match dst-type LOCAL',
    '',
    'Chain POSTROUTING (policy ACCEPT)',
    'target     prot opt source               destination         ',
    'MASQUERADE  all  --  172.17.0.0/16        0.0.0.0/0           ',
    '',
    'Chain DOCKER (2 references)',
    'target     prot opt source               destination         ',
    'RETURN     all  --  0.0.0.0/0            0.0.0.0/0           ',
    'DNAT       tcp  --  0.0.0.0/0            0.0.0.0/0            tcp dpt:8080 to:172.17.0.2:80',
    '',
  ].join('\n');
  assert.equal(ok(h, 'iptables -t nat -L -n'), expected);
  // Without -n: "anywhere", service names.
  const named = ok(h, 'iptables -t nat -L DOCKER');
  assert.equal(
    named,
    [
      'Chain DOCKER (2 references)',
      'target     prot opt source               destination         ',
      'RETURN     all  --  anywhere             anywhere            ',
      'DNAT       tcp  --  anywhere             anywhere             tcp dpt:http-alt to:172.17.0.2:80',
      '',
    ].join('\n'),
  );
});

test('iptables -t nat -L -n -v counts the first packet of each connection only', () => {
  const h = testHost();
  dockerRules(h);
  const syn = tcpPacket({ src: '192.168.99.1', dst: '192.168.99.100', sport: 50000, dport: 8080, flags: tcp.SYN });
  forward(h, syn, 'eth0', 'docker0');
  forward(h, tcpPacket({ src: '172.17.0.2', dst: '192.168.99.1', sport: 80, dport: 50000, flags: tcp.SYN | tcp.ACK }), 'docker0', 'eth0');
  forward(h, tcpPacket({ src: '192.168.99.1', dst: '192.168.99.100', sport: 50000, dport: 8080, flags: tcp.ACK }), 'eth0', 'docker0');
  const expected = [
    'Chain PREROUTING (policy ACCEPT 0 packets, 0 bytes)',
    ' pkts bytes target     prot opt in     out     source               destination         ',
    '    1    60 DOCKER     all  --  *      *       0.0.0.0/0            0.0.0.0/0            ADDRTYPE match dst-type LOCAL',
    '',
    'Chain INPUT (policy ACCEPT 0 packets, 0 bytes)',
    ' pkts bytes target     prot opt in     out     source               destination         ',
    '',
    'Chain OUTPUT (policy ACCEPT 0 packets, 0 bytes)',
    ' pkts bytes target     prot opt in     out     source               destination         ',
    '    0     0 DOCKER     all  --  *      *       0.0.0.0/0           !127.0.0.0/8          ADDRTYPE match dst-type LOCAL',
    '',
    'Chain POSTROUTING (policy ACCEPT 1 packets, 60 bytes)',
    ' pkts bytes target     prot opt in     out     source               destination         ',
    '    0     0 MASQUERADE  all  --  *      !docker0  172.17.0.0/16        0.0.0.0/0           ',
    '',
    'Chain DOCKER (2 references)',
    ' pkts bytes target     prot opt in     out     source               destination         ',
    '    0     0 RETURN     all  --  docker0 *       0.0.0.0/0            0.0.0.0/0           ',
    '    1    60 DNAT       tcp  --  !docker0 *       0.0.0.0/0            0.0.0.0/0            tcp dpt:8080 to:172.17.0.2:80',
    '',
  ].join('\n');
  assert.equal(ok(h, 'iptables -t nat -nvL'), expected);
});

test('counters: K/M suffixes with rounding, -x for exact values, policy counters, --line-numbers', () => {
  const h = testHost();
  ok(h, '-A INPUT -p udp --dport 53 -j ACCEPT');
  const rule = h.nf.table('filter').chain('INPUT')!.rules[0]!;
  rule.counters.packets = 123456;
  rule.counters.bytes = 98765432;
  const chain = h.nf.table('filter').chain('INPUT')!;
  chain.counters.packets = 99999;
  chain.counters.bytes = 12345678901;
  assert.equal(
    ok(h, '-L INPUT -n -v --line-numbers'),
    [
      'Chain INPUT (policy ACCEPT 99999 packets, 12G bytes)',
      'num   pkts bytes target     prot opt in     out     source               destination         ',
      '1     123K   99M ACCEPT     udp  --  *      *       0.0.0.0/0            0.0.0.0/0            udp dpt:53',
      '',
    ].join('\n'),
  );
  assert.equal(
    ok(h, '-L INPUT -n -v -x'),
    [
      'Chain INPUT (policy ACCEPT 99999 packets, 12345678901 bytes)',
      '    pkts      bytes target     prot opt in     out     source               destination         ',
      '  123456 98765432 ACCEPT     udp  --  *      *       0.0.0.0/0            0.0.0.0/0            udp dpt:53',
      '',
    ].join('\n'),
  );
  ok(h, '-Z INPUT');
  assert.match(ok(h, '-L INPUT -n -v'), /policy ACCEPT 0 packets, 0 bytes/);
});

test('iptables -S prints policies, chains, then rules in iptables-save syntax', () => {
  const h = testHost();
  dockerRules(h);
  assert.equal(
    ok(h, '-S'),
    [
      '-P INPUT ACCEPT',
      '-P FORWARD DROP',
      '-P OUTPUT ACCEPT',
      '-N DOCKER',
      '-N DOCKER-BRIDGE',
      '-N DOCKER-CT',
      '-N DOCKER-FORWARD',
      '-N DOCKER-ISOLATION-STAGE-1',
      '-N DOCKER-ISOLATION-STAGE-2',
      '-N DOCKER-USER',
      '-A FORWARD -j DOCKER-USER',
      '-A FORWARD -j DOCKER-FORWARD',
      '-A DOCKER -d 172.17.0.2/32 ! -i docker0 -o docker0 -p tcp -m tcp --dport 80 -j ACCEPT',
      '-A DOCKER ! -i docker0 -o docker0 -j DROP',
      '-A DOCKER-BRIDGE -o docker0 -j DOCKER',
      '-A DOCKER-CT -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
      '-A DOCKER-FORWARD -j DOCKER-CT',
      '-A DOCKER-FORWARD -j DOCKER-ISOLATION-STAGE-1',
      '-A DOCKER-FORWARD -j DOCKER-BRIDGE',
      '-A DOCKER-FORWARD -i docker0 -j ACCEPT',
      '-A DOCKER-ISOLATION-STAGE-1 -i docker0 ! -o docker0 -j DOCKER-ISOLATION-STAGE-2',
      '-A DOCKER-ISOLATION-STAGE-2 -o docker0 -j DROP',
      '-A DOCKER-USER -j RETURN',
      '',
    ].join('\n'),
  );
  assert.equal(ok(h, '-S DOCKER-CT'), '-N DOCKER-CT\n-A DOCKER-CT -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT\n');
  assert.equal(ok(h, '-S INPUT'), '-P INPUT ACCEPT\n');
});

test('DOCKER-ISOLATION drops traffic between two bridges; each bridge still reaches the outside', () => {
  const h = testHost();
  dockerRules(h);
  for (const line of [
    '-I DOCKER-FORWARD 4 -i br-x -j ACCEPT',
    '-A DOCKER-BRIDGE -o br-x -j DOCKER',
    '-A DOCKER-CT -o br-x -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
    '-I DOCKER-ISOLATION-STAGE-1 -i br-x ! -o br-x -j DOCKER-ISOLATION-STAGE-2',
    '-I DOCKER-ISOLATION-STAGE-2 -o br-x -j DROP',
    '-A DOCKER ! -i br-x -o br-x -j DROP',
    '-t nat -A POSTROUTING -s 172.18.0.0/16 ! -o br-x -j MASQUERADE',
    '-t nat -I DOCKER -i br-x -j RETURN',
  ]) {
    ok(h, line);
  }
  const syn = tcpPacket({ src: '172.18.0.2', dst: '172.17.0.2', sport: 41000, dport: 80, flags: tcp.SYN });
  // ≥28: the raw table's direct-access rule for the endpoint drops it first (docker-networking.md §4.3).
  assert.equal(forward(h, syn, 'br-x', 'docker0').verdict, 'drop');
  assert.equal(h.nf.table('raw').chain('PREROUTING')!.rules[0]!.counters.packets, 1);
  // Without it (≤28.0.0 layout) DOCKER-ISOLATION-STAGE-2 is what drops it.
  ok(h, '-t raw -F');
  const a = forward(h, syn, 'br-x', 'docker0');
  assert.equal(a.verdict, 'drop');
  const b = forward(h, udpPacket('172.17.0.2', '172.18.0.2', 41000, 53), 'docker0', 'br-x');
  assert.equal(b.verdict, 'drop');
  const stage2 = h.nf.table('filter').chain('DOCKER-ISOLATION-STAGE-2')!.rules;
  assert.deepEqual(
    stage2.map((r) => r.counters.packets),
    [1, 1],
    'one drop per direction, by the STAGE-2 rule of the destination bridge',
  );
  const out = forward(h, udpPacket('172.18.0.2', '8.8.8.8', 41000, 53), 'br-x', 'eth0');
  assert.equal(out.verdict, 'accept');
  assert.equal(readIp(out.packet)!.src, readIp(udpPacket('192.168.99.100', '1.1.1.1', 1, 1))!.src);
  // Containers on the same bridge talk freely.
  assert.equal(forward(h, udpPacket('172.17.0.3', '172.17.0.2', 1000, 2000), 'docker0', 'docker0').verdict, 'accept');
});

test('REJECT gives the IP layer an ICMP port-unreachable description; a tcp-reset answers TCP', () => {
  const h = testHost();
  ok(h, '-A INPUT -p udp --dport 9999 -j REJECT');
  ok(h, '-A INPUT -p tcp --dport 23 -j REJECT --reject-with tcp-reset');
  ok(h, '-A INPUT -s 10.66.0.0/16 -j REJECT --reject-with icmp-host-prohibited');
  assert.equal(ok(h, '-S INPUT').split('\n')[1], '-A INPUT -p udp -m udp --dport 9999 -j REJECT --reject-with icmp-port-unreachable');
  assert.match(ok(h, '-L INPUT -n'), /REJECT {5}udp {2}-- {2}0\.0\.0\.0\/0 {12}0\.0\.0\.0\/0 {12}udp dpt:9999 reject-with icmp-port-unreachable\n/);

  const q = udpPacket('192.168.99.1', '192.168.99.100', 5353, 9999);
  const r = input(h, q, 'eth0');
  assert.equal(r.verdict, 'reject');
  assert.equal(r.reject?.with, 'icmp-port-unreachable');
  assert.equal(r.reject?.icmpType, 3);
  assert.equal(r.reject?.icmpCode, 3);
  const err = buildRejectReply(r.reject!, { src: readIp(q)!.dst, ident: 7 })!;
  const e = readIp(err)!;
  assert.equal(e.protocol, 1);
  assert.equal(e.icmpType, 3);
  assert.equal(e.icmpCode, 3);
  assert.equal(err[1], 0xc0, 'TOS of an ICMP error: precedence internetwork control');
  assert.equal(e.dst, readIp(q)!.src);
  assert.deepEqual(err.subarray(28), q, 'the whole short datagram is quoted');
  assert.ok(checksumsValid(err));

  const syn = tcpPacket({ src: '192.168.99.1', dst: '192.168.99.100', sport: 40000, dport: 23, flags: tcp.SYN, seq: 5000 });
  const t = input(h, syn, 'eth0');
  assert.equal(t.reject?.with, 'tcp-reset');
  const rst = buildRejectReply(t.reject!, { src: 0 })!;
  const ri = readIp(rst)!;
  assert.equal(ri.tcpFlags, tcp.RST | tcp.ACK);
  assert.equal(ri.sport, 23);
  assert.equal(ri.dport, 40000);
  assert.equal(tcp.parse(rst.subarray(20)).ack, 5001, 'ack = seq + 1 for the SYN');
  assert.ok(checksumsValid(rst));

  const p = input(h, udpPacket('10.66.1.1', '192.168.99.100', 1, 2), 'eth0');
  assert.equal(p.reject?.icmpCode, 10);
});

test('goto, RETURN, MARK, mark match, comment, LOG and the policy', () => {
  const h = testHost();
  ok(h, '-t mangle -N SETMARK');
  ok(h, '-t mangle -A SETMARK -j MARK --set-mark 0x100');
  ok(h, '-t mangle -A SETMARK -j RETURN');
  ok(h, '-t mangle -A SETMARK -j MARK --set-mark 0x999');
  ok(h, '-t mangle -A PREROUTING -p tcp --dport 8080 -m comment --comment "ingress sbox" -j SETMARK');
  ok(h, '-N LOGDROP');
  ok(h, '-A LOGDROP -j LOG --log-prefix "dropped: "');
  ok(h, '-A LOGDROP -j DROP');
  ok(h, '-A INPUT -m mark --mark 0x100 -j ACCEPT');
  ok(h, '-A INPUT -p tcp -g LOGDROP');
  ok(h, '-P INPUT DROP');
  const r = input(h, tcpPacket({ src: '10.0.0.1', dst: '192.168.99.100', sport: 1, dport: 8080, flags: tcp.SYN }), 'eth0');
  assert.equal(r.verdict, 'accept');
  assert.equal(r.meta.mark, 0x100);
  const d = input(h, tcpPacket({ src: '10.0.0.1', dst: '192.168.99.100', sport: 1, dport: 22, flags: tcp.SYN }), 'eth0');
  assert.equal(d.verdict, 'drop');
  assert.equal(h.nf.table('filter').chain('LOGDROP')!.rules[0]!.counters.packets, 1);
  const u = input(h, udpPacket('10.0.0.1', '192.168.99.100', 1, 2), 'eth0');
  assert.equal(u.verdict, 'drop');
  assert.equal(h.nf.table('filter').chain('INPUT')!.counters.packets, 1, 'policy DROP counted');
  assert.equal(
    ok(h, '-t mangle -S'),
    [
      '-P PREROUTING ACCEPT',
      '-P INPUT ACCEPT',
      '-P FORWARD ACCEPT',
      '-P OUTPUT ACCEPT',
      '-P POSTROUTING ACCEPT',
      '-N SETMARK',
      '-A PREROUTING -p tcp -m tcp --dport 8080 -m comment --comment "ingress sbox" -j SETMARK',
      '-A SETMARK -j MARK --set-xmark 0x100/0xffffffff',
      '-A SETMARK -j RETURN',
      '-A SETMARK -j MARK --set-xmark 0x999/0xffffffff',
      '',
    ].join('\n'),
  );
  assert.equal(
    ok(h, '-L -n'),
    [
      'Chain INPUT (policy DROP)',
      'target     prot opt source               destination         ',
      'ACCEPT     all  --  0.0.0.0/0            0.0.0.0/0            mark match 0x100',
      'LOGDROP    tcp  --  0.0.0.0/0            0.0.0.0/0           [goto] ',
      '',
      'Chain FORWARD (policy ACCEPT)',
      'target     prot opt source               destination         ',
      '',
      'Chain OUTPUT (policy ACCEPT)',
      'target     prot opt source               destination         ',
      '',
      'Chain LOGDROP (1 references)',
      'target     prot opt source               destination         ',
      'LOG        all  --  0.0.0.0/0            0.0.0.0/0            LOG flags 0 level 4 prefix "dropped: "',
      'DROP       all  --  0.0.0.0/0            0.0.0.0/0           ',
      '',
    ].join('\n'),
  );
  assert.match(ok(h, '-t mangle -L PREROUTING -n'), /SETMARK {4}tcp {2}-- {2}0\.0\.0\.0\/0 {12}0\.0\.0\.0\/0 {12}tcp dpt:8080 \/\* ingress sbox \*\/\n/);
});

test('-D by specification and by number, -I positions, -F, -X, -C', () => {
  const h = testHost();
  ok(h, '-A INPUT -s 10.0.0.1 -j DROP');
  ok(h, '-A INPUT -s 10.0.0.2 -j DROP');
  ok(h, '-I INPUT -s 10.0.0.3 -j DROP');
  ok(h, '-I INPUT 2 -s 10.0.0.4 -j DROP');
  assert.deepEqual(ok(h, '-S INPUT').trim().split('\n').slice(1), ['-A INPUT -s 10.0.0.3/32 -j DROP', '-A INPUT -s 10.0.0.4/32 -j DROP', '-A INPUT -s 10.0.0.1/32 -j DROP', '-A INPUT -s 10.0.0.2/32 -j DROP']);
  ok(h, '-C INPUT -s 10.0.0.1/32 -j DROP');
  ok(h, '-D INPUT -s 10.0.0.1 -j DROP');
  ok(h, '-D INPUT 1');
  assert.deepEqual(ok(h, '-S INPUT').trim().split('\n').slice(1), ['-A INPUT -s 10.0.0.4/32 -j DROP', '-A INPUT -s 10.0.0.2/32 -j DROP']);
  ok(h, '-F');
  assert.equal(ok(h, '-S INPUT'), '-P INPUT ACCEPT\n');
  ok(h, '-N X');
  ok(h, '-X X');
  assert.equal(h.nf.table('filter').chain('X'), undefined);
});

test("iptables' error messages and exit codes", () => {
  const h = testHost();
  const run = (line: string): [number, string] => {
    const r = iptables(h.nf, splitWords(line));
    return [r.exitCode, r.stderr];
  };
  const usage = "\nTry `iptables -h' or 'iptables --help' for more information.\n";
  assert.deepEqual(run('-A NOPE -j ACCEPT'), [1, 'iptables: No chain/target/match by that name.\n']);
  assert.deepEqual(run('-L NOPE'), [1, 'iptables: No chain/target/match by that name.\n']);
  assert.deepEqual(run('-A INPUT -j NOPE'), [2, `iptables v1.8.7 (legacy): Couldn't load target \`NOPE':No such file or directory\n${usage}`]);
  assert.deepEqual(run('-A INPUT foo'), [2, `iptables v1.8.7 (legacy): Bad argument \`foo'${usage}`]);
  assert.deepEqual(run('-A INPUT --dport 80 -j ACCEPT'), [2, `iptables v1.8.7 (legacy): unknown option "--dport"${usage}`]);
  assert.deepEqual(run('-A INPUT -p tcp --dport http-ish -j ACCEPT'), [2, `iptables v1.8.7 (legacy): invalid port/service \`http-ish' specified${usage}`]);
  assert.deepEqual(run('-A INPUT -s 10.0.0.256 -j ACCEPT'), [2, `iptables v1.8.7 (legacy): host/network \`10.0.0.256' not found${usage}`]);
  assert.deepEqual(run('-A INPUT -p foo -j ACCEPT'), [2, `iptables v1.8.7 (legacy): unknown protocol "foo" specified${usage}`]);
  assert.deepEqual(run('-n'), [2, `iptables v1.8.7 (legacy): no command specified${usage}`]);
  assert.deepEqual(run('-D INPUT -s 1.2.3.4 -j DROP'), [1, 'iptables: Bad rule (does a matching rule exist in that chain?).\n']);
  assert.deepEqual(run('-D INPUT 3'), [1, 'iptables: Index of deletion too big.\n']);
  assert.deepEqual(run('-I INPUT 5 -j ACCEPT'), [1, 'iptables: Index of insertion too big.\n']);
  assert.deepEqual(run('-P FOO ACCEPT'), [1, 'iptables: Bad built-in chain name.\n']);
  assert.deepEqual(run('-P INPUT RETURN'), [1, "iptables: Bad policy name. Run `dmesg' for more information.\n"]);
  ok(h, '-N DOCKER');
  assert.deepEqual(run('-N DOCKER'), [1, 'iptables: Chain already exists.\n']);
  ok(h, '-A FORWARD -j DOCKER');
  assert.deepEqual(run('-X DOCKER'), [1, 'iptables: Too many links.\n']);
  ok(h, '-D FORWARD -j DOCKER');
  ok(h, '-A DOCKER -j RETURN');
  assert.deepEqual(run('-X DOCKER'), [1, 'iptables: Directory not empty.\n']);
  assert.deepEqual(run('-A INPUT -j DNAT --to-destination 1.2.3.4'), [1, "iptables: Invalid argument. Run `dmesg' for more information.\n"]);
  assert.deepEqual(run('-t nat -A POSTROUTING -j DNAT --to-destination 1.2.3.4'), [1, "iptables: Invalid argument. Run `dmesg' for more information.\n"]);
  assert.deepEqual(run('-A OUTPUT -i eth0 -j ACCEPT'), [2, `iptables v1.8.7 (legacy): Can't use -i with OUTPUT\n${usage}`]);
  assert.deepEqual(run('-t bogus -L'), [3, "iptables v1.8.7 (legacy): can't initialize iptables table `bogus': Table does not exist (do you need to insmod?)\nPerhaps iptables or your kernel needs to be upgraded.\n"]);
  assert.deepEqual(run('-A INPUT -m conntrack --ctstate NEW,BOGUS -j ACCEPT'), [2, `iptables v1.8.7 (legacy): Bad ctstate "BOGUS"${usage}`]);
  ok(h, '-A DOCKER -j DOCKER2'.replace('DOCKER2', 'ACCEPT'));
  ok(h, '-N LOOP');
  ok(h, '-A LOOP -j DOCKER');
  assert.deepEqual(run('-A DOCKER -j LOOP'), [1, 'iptables: Too many levels of symbolic links.\n']);
  // Nothing changed by the failures.
  assert.equal(h.nf.table('filter').chain('INPUT')!.rules.length, 0);
});

test('matches: CIDR and negation, interface wildcards, ports and ranges, icmp types, addrtype, ctstate', () => {
  const h = testHost();
  ok(h, '-A FORWARD -i veth+ -o eth0 -s 10.1.0.0/255.255.0.0 -j ACCEPT');
  ok(h, '-A FORWARD ! -s 10.0.0.0/8 -p udp --sport 1000:2000 -j ACCEPT');
  ok(h, '-A FORWARD -p icmp --icmp-type echo-request -j ACCEPT');
  ok(h, '-A FORWARD -m addrtype --src-type LOCAL -j ACCEPT');
  ok(h, '-A FORWARD -m state --state NEW -j DROP');
  ok(h, '-P FORWARD DROP');
  assert.equal(
    ok(h, '-S FORWARD'),
    [
      '-P FORWARD DROP',
      '-A FORWARD -s 10.1.0.0/16 -i veth+ -o eth0 -j ACCEPT',
      '-A FORWARD ! -s 10.0.0.0/8 -p udp -m udp --sport 1000:2000 -j ACCEPT',
      '-A FORWARD -p icmp -m icmp --icmp-type 8 -j ACCEPT',
      '-A FORWARD -m addrtype --src-type LOCAL -j ACCEPT',
      '-A FORWARD -m state --state NEW -j DROP',
      '',
    ].join('\n'),
  );
  assert.equal(
    ok(h, '-L FORWARD -n'),
    [
      'Chain FORWARD (policy DROP)',
      'target     prot opt source               destination         ',
      'ACCEPT     all  --  10.1.0.0/16          0.0.0.0/0           ',
      'ACCEPT     udp  -- !10.0.0.0/8           0.0.0.0/0            udp spts:1000:2000',
      'ACCEPT     icmp --  0.0.0.0/0            0.0.0.0/0            icmptype 8',
      'ACCEPT     all  --  0.0.0.0/0            0.0.0.0/0            ADDRTYPE match src-type LOCAL',
      'DROP       all  --  0.0.0.0/0            0.0.0.0/0            state NEW',
      '',
    ].join('\n'),
  );
  const fw = (pkt: Uint8Array, i: string, o: string): string => forward(h, pkt, i, o).verdict;
  assert.equal(fw(udpPacket('10.1.2.3', '8.8.8.8', 5, 6), 'veth1234', 'eth0'), 'accept');
  assert.equal(fw(udpPacket('10.1.2.3', '8.8.8.8', 5, 6), 'eth1', 'eth0'), 'drop');
  assert.equal(fw(udpPacket('11.1.2.3', '8.8.8.8', 1500, 6), 'eth1', 'eth0'), 'accept');
  assert.equal(fw(udpPacket('11.1.2.3', '8.8.8.8', 2001, 6), 'eth1', 'eth0'), 'drop');
  assert.equal(fw(udpPacket('192.168.99.100', '8.8.8.8', 7, 7), 'eth1', 'eth0'), 'accept');
  const rules = h.nf.table('filter').chain('FORWARD')!.rules;
  assert.deepEqual(
    rules.map((r) => r.counters.packets),
    [1, 1, 0, 1, 2],
  );
});
