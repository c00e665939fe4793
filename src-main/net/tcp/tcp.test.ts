import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ACK, FIN, PSH, RST, SYN, TcpView } from '../../common/wire/tcp.ts';
import { toHex } from '../../common/wire/bytes.ts';
import { ADDR_A, ADDR_B, TestLink, optionKinds, type LinkOptions, type WireRecord } from './test-link.ts';
import type { TcpSocket } from './socket.ts';
import type { TcpError } from './types.ts';

const MS = 1_000_000;
const SEC = 1_000_000_000;

function pattern(n: number, seed = 7): Uint8Array {
  const b = new Uint8Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    b[i] = x >>> 24;
  }
  return b;
}

function concat(parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function tsOf(r: WireRecord): { tsVal: number; tsEcr: number } {
  const o = r.seg.options.find((x) => x.kind === 'timestamps');
  assert.ok(o && o.kind === 'timestamps');
  return { tsVal: o.tsVal, tsEcr: o.tsEcr };
}

/** Builds a link with B listening on 8080 and A connecting; returns both sides once established. */
function pair(seed: number, opts: LinkOptions = {}): { link: TestLink; client: TcpSocket; server: () => TcpSocket } {
  const link = new TestLink(seed, opts);
  let server: TcpSocket | undefined;
  const l = link.b.listen({ port: 8080, backlog: 5 });
  l.onConnection = (s) => {
    server = s;
  };
  const client = link.a.connect({ remoteAddress: ADDR_B, remotePort: 8080 });
  return {
    link,
    client,
    server: () => {
      assert.ok(server, 'server side accepted');
      return server;
    },
  };
}

test('handshake: Linux SYN, SYN-ACK and ACK layouts on a 1450-byte overlay', () => {
  const { link, client } = pair(1);
  let connected = false;
  client.onConnect = () => {
    connected = true;
  };
  link.runUntil(10 * MS);
  assert.ok(connected);
  const [syn, synack, ack] = link.records;
  assert.ok(syn && synack && ack);
  // SYN: 40-byte header, MSS, SACK_PERM, TS, NOP, WS.
  assert.equal(syn.seg.flags, SYN);
  assert.equal(syn.bytes.length, 40);
  assert.deepEqual(optionKinds(syn.seg), [2, 4, 8, 1, 3]);
  assert.deepEqual(syn.seg.options[0], { kind: 'mss', value: 1410 });
  assert.deepEqual(syn.seg.options[4], { kind: 'windowScale', shift: 7 });
  assert.equal(syn.seg.window, 64860);
  assert.equal(tsOf(syn).tsEcr, 0);
  assert.equal(syn.df, true);
  // SYN-ACK: same layout, window 46 x 1398, TSecr echoes, IP ID 0.
  assert.equal(synack.seg.flags, SYN | ACK);
  assert.deepEqual(optionKinds(synack.seg), [2, 4, 8, 1, 3]);
  assert.deepEqual(synack.seg.options[0], { kind: 'mss', value: 1410 });
  assert.equal(synack.seg.window, 64308);
  assert.equal(synack.seg.ack, (syn.seg.seq + 1) >>> 0);
  assert.equal(tsOf(synack).tsEcr, tsOf(syn).tsVal);
  assert.equal(synack.ipId, 0);
  // ACK: NOP, NOP, TS; scaled window 507.
  assert.equal(ack.seg.flags, ACK);
  assert.equal(ack.bytes.length, 32);
  assert.deepEqual(optionKinds(ack.seg), [1, 1, 8]);
  assert.equal(ack.seg.window, 507);
  assert.equal(ack.ipId, ((syn.ipId ?? 0) + 1) & 0xffff);
  // every segment's checksum verifies
  for (const r of link.records) assert.ok(TcpView.check(r.bytes).checksumValid({ src: r.src, dst: r.dst }));
  // flow hash (sk_txhash): one per direction, stable
  assert.ok(syn.hash !== undefined && syn.hash === ack.hash);
  assert.ok(synack.hash !== undefined && synack.hash !== syn.hash);
  // ephemeral port: even, in range
  assert.equal(client.localPort % 2, 0);
  assert.ok(client.localPort >= 32768 && client.localPort <= 60999);
});

test('handshake on MTU 1500: MSS 1460, windows 64240 and 65160', () => {
  const { link } = pair(2, { mtu: 1500 });
  link.runUntil(10 * MS);
  const [syn, synack] = link.records;
  assert.deepEqual(syn!.seg.options[0], { kind: 'mss', value: 1460 });
  assert.equal(syn!.seg.window, 64240);
  assert.equal(synack!.seg.window, 65160);
});

test('1 MB transfer arrives intact through 2% loss and reordering', () => {
  const { link, client, server } = pair(3, { loss: 0.02, reorder: 0.02, reorderNs: 300_000, delayNs: 1 * MS });
  const data = pattern(1 << 20);
  const got: Uint8Array[] = [];
  let ended = false;
  client.onConnect = () => {
    client.write(data);
    client.end();
  };
  link.runUntil(20 * MS);
  const serverSock = server();
  serverSock.onData = (d) => got.push(d);
  serverSock.onEnd = () => {
    ended = true;
    serverSock.close();
  };
  link.runUntil(120 * SEC);
  const all = concat(got);
  assert.equal(all.length, data.length);
  assert.deepEqual(all, data);
  assert.ok(ended);
  const info = client.info();
  assert.ok(info.retransmits > 0, 'some segments were retransmitted');
  assert.ok(link.records.some((r) => r.dropped));
  // data segments never exceed the MSS and carry only NOP,NOP,TS
  for (const r of link.records) {
    if (r.from !== 'a' || (r.seg.flags & SYN) !== 0) continue;
    assert.ok(r.seg.payload.length <= 1398);
    assert.deepEqual(optionKinds(r.seg), [1, 1, 8]);
  }
  // PSH on the last data segment of the write
  const lastData = link.records.filter((r) => r.from === 'a' && r.seg.payload.length > 0).at(-1)!;
  assert.ok((lastData.seg.flags & PSH) !== 0);
});

test('SYN retransmissions back off 1, 2, 4 ... s and connect fails after tcp_syn_retries', () => {
  const link = new TestLink(4, { dropIf: () => true });
  const c = link.a.connect({ remoteAddress: ADDR_B, remotePort: 80 });
  let err: TcpError | undefined;
  let closed = false;
  c.onError = (e) => {
    err = e;
  };
  c.onClose = () => {
    closed = true;
  };
  link.runUntil(200 * SEC);
  const times = link.records.map((r) => r.t / SEC);
  assert.deepEqual(times, [0, 1, 3, 7, 15, 31, 63]);
  for (const r of link.records) assert.equal(r.seg.flags, SYN);
  assert.equal(err?.code, 'ETIMEDOUT');
  assert.ok(closed);
  assert.equal(c.state, 'CLOSED');
});

test('data RTO: lost segment is resent after about srtt + 200 ms, then backs off', () => {
  let dropped = 0;
  const { link, client, server } = pair(5, {
    delayNs: 1 * MS,
    dropIf: (r) => r.from === 'a' && r.seg.payload.length > 0 && dropped++ < 2,
  });
  link.runUntil(10 * MS);
  server().onData = () => {};
  const t0 = link.sched.now;
  client.write(pattern(100));
  link.runUntil(5 * SEC);
  const sends = link.records.filter((r) => r.from === 'a' && r.seg.payload.length > 0).map((r) => (r.t - t0) / MS);
  assert.equal(sends.length, 3);
  assert.equal(sends[0], 0);
  // srtt = 2 ms from the handshake, RTO = 2 + max(4 * 1, 200) = 202 ms, then doubled.
  assert.ok(Math.abs(sends[1]! - 202) < 1, `first retransmission at ${sends[1]} ms`);
  assert.ok(Math.abs(sends[2]! - 606) < 1, `second retransmission at ${sends[2]} ms`);
});

test('fast retransmit on three duplicate ACKs (SACK)', () => {
  let dropped = false;
  const { link, client, server } = pair(6, {
    delayNs: 5 * MS,
    dropIf: (r) => {
      if (!dropped && r.from === 'a' && r.seg.payload.length > 0 && ((r.seg.seq - link.records[0]!.seg.seq) >>> 0) === 1 + 1398 * 2) {
        dropped = true;
        return true;
      }
      return false;
    },
  });
  link.runUntil(20 * MS);
  const got: Uint8Array[] = [];
  server().onData = (d) => got.push(d);
  const t0 = link.sched.now;
  client.write(pattern(1398 * 8));
  link.runUntil(2 * SEC);
  assert.equal(concat(got).length, 1398 * 8);
  const dupAcks = link.records.filter((r) => r.from === 'b' && r.seg.options.some((o) => o.kind === 'sack'));
  assert.ok(dupAcks.length >= 3, 'receiver sends SACK dup ACKs');
  assert.deepEqual(optionKinds(dupAcks[0]!.seg), [1, 1, 8, 1, 1, 5]);
  const retrans = link.records.filter((r) => r.from === 'a' && r.seg.payload.length > 0 && ((r.seg.seq - link.records[0]!.seg.seq) >>> 0) === 1 + 1398 * 2);
  assert.equal(retrans.length, 2);
  // resent one round trip after the loss, long before any RTO
  assert.ok((retrans[1]!.t - t0) / MS < 15, `fast retransmit at ${(retrans[1]!.t - t0) / MS} ms`);
});

test('client closes first: FIN/ACK, FIN/ACK, ACK; client lingers 60 s in TIME_WAIT', () => {
  const { link, client, server } = pair(7);
  link.runUntil(10 * MS);
  const s = server();
  let serverClosed = false;
  let clientClosed = false;
  s.onEnd = () => {
    link.sched.schedule(2 * MS, () => s.close());
  };
  s.onClose = () => {
    serverClosed = true;
  };
  client.onClose = () => {
    clientClosed = true;
  };
  const n0 = link.records.length;
  client.close();
  link.runUntil(1 * SEC);
  const seq = link.records.slice(n0).map((r) => `${r.from} ${r.seg.flags}`);
  assert.deepEqual(seq, [`a ${FIN | ACK}`, `b ${FIN | ACK}`, `a ${ACK}`]);
  assert.equal(client.state, 'TIME_WAIT');
  assert.equal(s.state, 'CLOSED');
  assert.ok(serverClosed && clientClosed);
  assert.equal(link.a.connectionCount, 1);
  assert.equal(link.b.connectionCount, 0);
  // a retransmitted FIN in TIME_WAIT is ACKed again, by the control socket (IP ID 0)
  link.runUntil(59 * SEC);
  assert.equal(link.a.connectionCount, 1);
  link.runUntil(62 * SEC);
  assert.equal(link.a.connectionCount, 0);
  assert.equal(client.state, 'CLOSED');
});

test('TIME_WAIT re-ACKs a retransmitted FIN with IP ID 0', () => {
  let serverFinSent = false;
  let dropLastAck = true;
  const { link, client, server } = pair(8, {
    dropIf: (r) => {
      if (r.from === 'b' && (r.seg.flags & FIN) !== 0) serverFinSent = true;
      if (dropLastAck && serverFinSent && r.from === 'a' && r.seg.flags === ACK) {
        dropLastAck = false;
        return true;
      }
      return false;
    },
  });
  link.runUntil(10 * MS);
  const s = server();
  s.onEnd = () => s.close();
  client.close();
  link.runUntil(2 * SEC);
  const finsFromB = link.records.filter((r) => r.from === 'b' && (r.seg.flags & FIN) !== 0);
  assert.equal(finsFromB.length, 2, 'server retransmits its FIN once');
  const last = link.records.at(-1)!;
  assert.equal(last.from, 'a');
  assert.equal(last.seg.flags, ACK);
  assert.equal(last.ipId, 0);
  assert.equal(s.state, 'CLOSED');
  assert.equal(client.state, 'TIME_WAIT');
});

test('server closes first: the client ACKs the FIN with its own FIN (delayed ACK in CLOSE_WAIT)', () => {
  const { link, client, server } = pair(9);
  link.runUntil(10 * MS);
  const s = server();
  client.onData = () => {};
  client.onEnd = () => {
    link.sched.schedule(170_000, () => client.close());
  };
  s.write(pattern(20));
  link.runUntil(20 * MS);
  const n0 = link.records.length;
  s.close();
  link.runUntil(1 * SEC);
  const seq = link.records.slice(n0).map((r) => `${r.from} ${r.seg.flags}`);
  assert.deepEqual(seq, [`b ${FIN | ACK}`, `a ${FIN | ACK}`, `b ${ACK}`]);
  assert.equal(s.state, 'TIME_WAIT');
  assert.equal(client.state, 'CLOSED');
});

test('RST|ACK answers a SYN to a closed port; connect fails with ECONNREFUSED', () => {
  const link = new TestLink(10);
  const c = link.a.connect({ remoteAddress: ADDR_B, remotePort: 9999 });
  let err: TcpError | undefined;
  c.onError = (e) => {
    err = e;
  };
  link.runUntil(10 * MS);
  assert.equal(link.records.length, 2);
  const [syn, rst] = link.records;
  assert.equal(rst!.seg.flags, RST | ACK);
  assert.equal(rst!.seg.seq, 0);
  assert.equal(rst!.seg.ack, (syn!.seg.seq + 1) >>> 0);
  assert.equal(rst!.seg.window, 0);
  assert.equal(rst!.seg.options.length, 0);
  assert.equal(rst!.ipId, 0);
  assert.equal(err?.code, 'ECONNREFUSED');
  assert.equal(c.state, 'CLOSED');
});

test('a stray ACK to a closed port gets RST with seq = its ack', () => {
  const link = new TestLink(11);
  const c = link.a.connect({ remoteAddress: ADDR_B, remotePort: 9999 });
  c.onError = () => {};
  link.runUntil(10 * MS);
  // forge: have B's stack answer an ACK-only segment
  const bytes = link.records[0]!.bytes.slice();
  bytes[13] = ACK; // flags
  bytes[8] = 0x12;
  bytes[9] = 0x34;
  bytes[10] = 0x56;
  bytes[11] = 0x78;
  bytes[16] = 0;
  bytes[17] = 0;
  const n0 = link.records.length;
  link.b.input(ADDR_A, ADDR_B, reChecksum(bytes, ADDR_A, ADDR_B));
  const rst = link.records[n0]!;
  assert.equal(rst.seg.flags, RST);
  assert.equal(rst.seg.seq, 0x12345678);
});

function reChecksum(bytes: Uint8Array, src: number, dst: number): Uint8Array {
  bytes[16] = 0;
  bytes[17] = 0;
  let sum = (src >>> 16) + (src & 0xffff) + (dst >>> 16) + (dst & 0xffff) + 6 + bytes.length;
  for (let i = 0; i < bytes.length; i += 2) sum += (bytes[i]! << 8) | (bytes[i + 1] ?? 0);
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  const c = ~sum & 0xffff;
  bytes[16] = c >>> 8;
  bytes[17] = c & 0xff;
  return bytes;
}

test('simultaneous open: both sides SYN, SYN-ACK, then ESTABLISHED and data flows', () => {
  const link = new TestLink(12);
  const a = link.a.connect({ remoteAddress: ADDR_B, remotePort: 5000, localPort: 6000 });
  const b = link.b.connect({ remoteAddress: ADDR_A, remotePort: 6000, localPort: 5000 });
  let ca = false;
  let cb = false;
  a.onConnect = () => {
    ca = true;
  };
  b.onConnect = () => {
    cb = true;
  };
  const got: Uint8Array[] = [];
  b.onData = (d) => got.push(d);
  link.runUntil(10 * MS);
  assert.ok(ca && cb);
  assert.equal(a.state, 'ESTABLISHED');
  assert.equal(b.state, 'ESTABLISHED');
  const flags = link.records.slice(0, 4).map((r) => r.seg.flags);
  assert.deepEqual(flags, [SYN, SYN, SYN | ACK, SYN | ACK]);
  a.write(pattern(3000));
  link.runUntil(50 * MS);
  assert.equal(concat(got).length, 3000);
});

test('simultaneous close: both in CLOSING, then both in TIME_WAIT', () => {
  const { link, client, server } = pair(13);
  link.runUntil(10 * MS);
  const s = server();
  const states: string[] = [];
  client.close();
  s.close();
  link.runUntil(20 * MS);
  states.push(client.state, s.state);
  assert.deepEqual(states, ['TIME_WAIT', 'TIME_WAIT']);
  const tail = link.records.slice(-4).map((r) => `${r.from} ${r.seg.flags}`);
  assert.deepEqual(tail.sort(), [`a ${ACK}`, `a ${FIN | ACK}`, `b ${ACK}`, `b ${FIN | ACK}`].sort());
  link.runUntil(61 * SEC);
  assert.equal(link.a.connectionCount + link.b.connectionCount, 0);
});

test('close() with unread data resets the connection', () => {
  const { link, client, server } = pair(14);
  link.runUntil(10 * MS);
  const s = server(); // no onData: data stays unread
  let err: TcpError | undefined;
  client.onError = (e) => {
    err = e;
  };
  client.write(pattern(500));
  link.runUntil(20 * MS);
  assert.equal(s.readableLength, 500);
  s.close();
  link.runUntil(30 * MS);
  const last = link.records.at(-1)!;
  assert.equal(last.from, 'b');
  assert.equal(last.seg.flags, RST | ACK);
  assert.equal(err?.code, 'ECONNRESET');
  assert.equal(client.state, 'CLOSED');
});

test('abort() sends RST and the peer sees ECONNRESET', () => {
  const { link, client, server } = pair(15);
  link.runUntil(10 * MS);
  const s = server();
  let err: TcpError | undefined;
  s.onError = (e) => {
    err = e;
  };
  client.abort();
  link.runUntil(20 * MS);
  assert.equal(link.records.at(-1)!.seg.flags, RST | ACK);
  assert.equal(err?.code, 'ECONNRESET');
  assert.equal(link.b.connectionCount, 0);
});

test('zero window: the sender probes and resumes when the reader drains', () => {
  const { link, client, server } = pair(16, { delayNs: 1 * MS });
  link.runUntil(10 * MS);
  const s = server(); // reads only later
  const data = pattern(200_000);
  client.write(data);
  link.runUntil(3 * SEC);
  const zeroWin = link.records.filter((r) => r.from === 'b' && r.seg.window === 0);
  assert.ok(zeroWin.length > 0, 'receiver advertised a zero window');
  const probes = link.records.filter((r) => r.from === 'a' && r.seg.payload.length === 0 && r.seg.flags === ACK && ((r.seg.seq + 1) >>> 0) === client.info().sndUna);
  assert.ok(probes.length >= 1, 'sender sent window probes');
  const got: Uint8Array[] = [s.read()];
  s.onData = (d) => got.push(d);
  link.runUntil(20 * SEC);
  assert.deepEqual(concat(got), data);
});

test('delayed ACK: out of quickack mode a lone segment is ACKed after 40 ms', () => {
  const { link, client, server } = pair(17, { delayNs: 100_000 });
  link.runUntil(10 * MS);
  const s = server();
  s.onData = () => {};
  // exhaust quickack: server replies within ato -> pingpong mode, so its ACKs are delayed
  client.write(pattern(10));
  link.runUntil(11 * MS);
  s.write(pattern(10));
  link.runUntil(20 * MS);
  const n0 = link.records.length;
  client.write(pattern(10));
  link.runUntil(200 * MS);
  const after = link.records.slice(n0);
  assert.equal(after.length, 2);
  assert.equal(after[1]!.from, 'b');
  const delay = (after[1]!.t - after[0]!.t) / MS;
  assert.ok(Math.abs(delay - 40.1) < 0.5, `ACK after ${delay} ms`);
});

test('same seed gives the same bytes on the wire; another seed changes ISNs and ports', () => {
  const run = (seed: number): string[] => {
    const { link, client, server } = pair(seed, { loss: 0.05, delayNs: 2 * MS });
    client.onConnect = () => {
      client.write(pattern(50_000));
      client.end();
    };
    link.runUntil(20 * MS);
    const s = server();
    s.onData = () => {};
    s.onEnd = () => s.close();
    link.runUntil(30 * SEC);
    return link.records.map((r) => `${r.t} ${r.dropped} ${toHex(r.bytes)}`);
  };
  const x = run(42);
  const y = run(42);
  assert.deepEqual(x, y);
  const z = run(43);
  assert.notDeepEqual(x, z);
});

test('listener backlog: SYNs beyond a full accept queue are dropped and retried', () => {
  const link = new TestLink(18);
  const l = link.b.listen({ port: 80, backlog: 1 });
  const cs = [0, 1, 2].map(() => link.a.connect({ remoteAddress: ADDR_B, remotePort: 80 }));
  link.runUntil(100 * MS);
  // backlog + 1 fit (sk_acceptq_is_full is '>'); the third final ACK is dropped, its request socket waits
  assert.equal(l.pendingConnections, 2);
  assert.ok(cs.every((c) => c.state === 'ESTABLISHED'));
  assert.equal(l.requests.size, 1);
  l.accept();
  l.accept();
  link.runUntil(2 * SEC);
  // the SYN-ACK retransmission (1 s) draws an ACK from the client, which now fits
  assert.equal(l.pendingConnections, 1);
  assert.equal(l.requests.size, 0);
  // distinct even ports
  const ports = cs.map((c) => c.localPort);
  assert.equal(new Set(ports).size, 3);
  assert.ok(ports.every((p) => p % 2 === 0));
});

test('initial cwnd is 10 segments, then slow start doubles per round trip', () => {
  const { link, client, server } = pair(19, { delayNs: 10 * MS });
  link.runUntil(50 * MS);
  server().onData = () => {};
  const t0 = link.sched.now;
  client.write(pattern(1398 * 100));
  link.runUntil(t0 + 1 * MS);
  const first = link.records.filter((r) => r.from === 'a' && r.t >= t0 && r.seg.payload.length > 0);
  assert.equal(first.length, 10);
  link.runUntil(t0 + 21 * MS);
  const second = link.records.filter((r) => r.from === 'a' && r.t > t0 + 1 * MS && r.seg.payload.length > 0);
  assert.equal(second.length, 20);
});

test('TSval ticks once per millisecond from a per-connection offset', () => {
  const { link, client } = pair(20);
  link.runUntil(10 * MS);
  const n0 = link.records.length;
  client.write(pattern(10));
  link.runUntil(1010 * MS);
  client.write(pattern(10));
  link.runUntil(1020 * MS);
  const mine = link.records.slice(n0).filter((r) => r.from === 'a');
  const d = (tsOf(mine[1]!).tsVal - tsOf(mine[0]!).tsVal) >>> 0;
  assert.equal(d, 1000);
  // a second connection between the same hosts gets another offset
  const { link: l2 } = pair(20);
  const c2 = l2.a.connect({ remoteAddress: ADDR_B, remotePort: 8080 });
  l2.runUntil(10 * MS);
  const syns = l2.records.filter((r) => r.seg.flags === SYN);
  assert.equal(syns.length, 2);
  assert.ok(Math.abs(tsOf(syns[0]!).tsVal - tsOf(syns[1]!).tsVal) > 5);
  assert.notEqual(c2.localPort, syns[0]!.seg.srcPort);
});

test('an orphaned socket leaves FIN_WAIT_2 after tcp_fin_timeout', () => {
  const { link, client, server } = pair(21);
  link.runUntil(10 * MS);
  server(); // never closes: client stays in FIN_WAIT_2
  client.close();
  link.runUntil(1 * SEC);
  assert.equal(client.state, 'FIN_WAIT_2');
  link.runUntil(62 * SEC);
  assert.equal(client.state, 'CLOSED');
  assert.equal(link.a.connectionCount, 0);
});

test('a new SYN for a 4-tuple in TIME_WAIT reopens it with ISN = old snd_nxt + 65537', () => {
  const link = new TestLink(22);
  const l = link.b.listen({ port: 80 });
  const accepted: TcpSocket[] = [];
  l.onConnection = (s) => {
    accepted.push(s);
    s.onEnd = () => s.close();
  };
  const c1 = link.a.connect({ remoteAddress: ADDR_B, remotePort: 80, localPort: 40000 });
  link.runUntil(10 * MS);
  // the server closes first, so the server side holds TIME_WAIT
  accepted[0]!.close();
  c1.onEnd = () => c1.close();
  link.runUntil(20 * MS);
  assert.equal(accepted[0]!.state, 'TIME_WAIT');
  const oldSndNxt = accepted[0]!.info().sndNxt;
  link.runUntil(1 * SEC);
  const c2 = link.a.connect({ remoteAddress: ADDR_B, remotePort: 80, localPort: 40000 });
  link.runUntil(1010 * MS);
  assert.equal(c2.state, 'ESTABLISHED');
  const synack = link.records.filter((r) => r.from === 'b' && r.seg.flags === (SYN | ACK)).at(-1)!;
  assert.equal(synack.seg.seq, (oldSndNxt + 65537) >>> 0);
});
