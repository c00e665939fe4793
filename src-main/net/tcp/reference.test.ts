// Replays the application behaviour of reference/linux 04-overlay-http (curl -> python http.server across a 1450
// overlay) over two emulated stacks and compares the TCP segment sequence with the kernel's, field by field:
// direction, flags, option kinds, payload length, relative seq/ack, raw window, and the TSecr echo rule.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { ACK } from '../../common/wire/tcp.ts';
import { ADDR_B, TestLink, optionKinds, type WireRecord } from './test-link.ts';
import type { TcpSocket } from './socket.ts';
import { sharedPath } from '../../../test/shared-path.ts';

const REFERENCE = sharedPath('reference/linux/analysis/04-overlay-http-c1eth0.txt');
const US = 1000;

interface Row {
  client: boolean;
  flags: number;
  seq: number;
  ack: number;
  win: number;
  len: number;
  opts: string;
  tsVal: number;
  tsEcr: number;
}

/** The TCP rows of a tshark -T fields dump, grouped by client port. */
function readReference(): Map<number, Row[]> {
  const lines = readFileSync(REFERENCE, 'utf8').split('\n');
  const header = lines.find((l) => l.startsWith('frame.number|'))!.split('|');
  const col = (name: string): number => header.indexOf(name);
  const streams = new Map<number, { rows: Row[]; isnC: number; isnS: number }>();
  for (const line of lines) {
    const f = line.split('|');
    if (f.length < header.length || !/^\d+$/.test(f[0]!) || f[col('tcp.srcport')] === '') continue;
    const sport = Number(f[col('tcp.srcport')]);
    const dport = Number(f[col('tcp.dstport')]);
    const client = dport === 8080;
    const port = client ? sport : dport;
    const str = f[col('tcp.flags.str')]!;
    let flags = 0;
    [...str].forEach((ch, i) => {
      if (ch !== '·') flags |= 1 << (str.length - 1 - i);
    });
    const seqRaw = Number(f[col('tcp.seq_raw')]);
    const ackRaw = Number(f[col('tcp.ack_raw')]);
    let st = streams.get(port);
    if (!st) {
      st = { rows: [], isnC: seqRaw, isnS: 0 };
      streams.set(port, st);
    }
    if (!client && (flags & 0x02) !== 0) st.isnS = seqRaw;
    st.rows.push({
      client,
      flags,
      seq: (seqRaw - (client ? st.isnC : st.isnS)) >>> 0,
      ack: (flags & ACK) !== 0 ? (ackRaw - (client ? st.isnS : st.isnC)) >>> 0 : 0,
      win: Number(f[col('tcp.window_size_value')]),
      len: Number(f[col('tcp.len')]),
      opts: f[col('tcp.option_kind')]!.split('\\').join(','),
      tsVal: Number(f[col('tcp.options.timestamp.tsval')]),
      tsEcr: Number(f[col('tcp.options.timestamp.tsecr')]),
    });
  }
  const out = new Map<number, Row[]>();
  for (const [port, st] of streams) out.set(port, st.rows);
  return out;
}

function rowsOf(records: WireRecord[]): Row[] {
  const isnC = records.find((r) => r.from === 'a')!.seg.seq;
  const isnS = records.find((r) => r.from === 'b')!.seg.seq;
  return records.map((r) => {
    const s = r.seg;
    const client = r.from === 'a';
    const ts = s.options.find((o) => o.kind === 'timestamps');
    return {
      client,
      flags: s.flags,
      seq: (s.seq - (client ? isnC : isnS)) >>> 0,
      ack: (s.flags & ACK) !== 0 ? (s.ack - (client ? isnS : isnC)) >>> 0 : 0,
      win: s.window,
      len: s.payload.length,
      opts: optionKinds(s).join(','),
      tsVal: ts && ts.kind === 'timestamps' ? ts.tsVal : 0,
      tsEcr: ts && ts.kind === 'timestamps' ? ts.tsEcr : 0,
    };
  });
}

function text(n: number, ch = 'x'): Uint8Array {
  return new TextEncoder().encode(ch.repeat(n));
}

/**
 * curl: connect, send the request 0.4 ms later, close once Content-Length bytes of body arrived.
 * python http.server: answer 4.2 ms after the request with the headers, write the body 0.2 ms later (a second
 * write), and shut the socket down about 1.8 ms after that.
 */
function replay(seed: number, requestLen: number, headerLen: number, bodyLen: number): WireRecord[] {
  const link = new TestLink(seed, { delayNs: 25 * US, mtu: 1450, bitRate: 1e9 });
  const l = link.b.listen({ port: 8080, backlog: 5 });
  l.onConnection = (s: TcpSocket) => {
    let got = 0;
    s.onData = (d) => {
      got += d.length;
      if (got < requestLen) return;
      link.sched.schedule(4200 * US, () => {
        s.write(text(headerLen, 'h'));
        link.sched.schedule(200 * US, () => {
          s.write(text(bodyLen, 'b'));
          link.sched.schedule(1800 * US, () => s.close());
        });
      });
    };
  };
  const c = link.a.connect({ remoteAddress: ADDR_B, remotePort: 8080 });
  let received = 0;
  c.onConnect = () => {
    link.sched.schedule(400 * US, () => c.write(text(requestLen, 'r')));
  };
  c.onData = (d) => {
    received += d.length;
    if (received === headerLen + bodyLen) link.sched.schedule(80 * US, () => c.close());
  };
  link.runUntil(1_000_000_000);
  assert.equal(c.state, 'TIME_WAIT');
  return link.capturedAt('a'); // the reference was captured on the client's eth0
}

/** TSecr of every segment after the SYN echoes the TSval of the newest segment from the other side. */
function assertTsEcho(rows: Row[]): void {
  let lastFromClient = 0;
  let lastFromServer = 0;
  for (const r of rows) {
    if (r.client) {
      if ((r.flags & ACK) !== 0) assert.equal(r.tsEcr, lastFromServer);
      lastFromClient = r.tsVal;
    } else {
      assert.equal(r.tsEcr, lastFromClient);
      lastFromServer = r.tsVal;
    }
  }
}

const strip = (rows: Row[]): Omit<Row, 'tsVal' | 'tsEcr'>[] => rows.map(({ tsVal: _v, tsEcr: _e, ...rest }) => rest);

test('HTTP connection 1 (14-byte body, client closes first) matches the kernel segment by segment', { skip: !existsSync(REFERENCE) }, () => {
  const ref = readReference().get(59566)!;
  assert.equal(ref.length, 12);
  const sim = rowsOf(replay(1, 86, 186, 14));
  assert.deepEqual(strip(sim), strip(ref));
  assertTsEcho(ref);
  assertTsEcho(sim);
});

test('HTTP connection 2 (4000-byte body: 1398+1398+1204, window growth 528/550/572) matches the kernel', { skip: !existsSync(REFERENCE) }, () => {
  const ref = readReference().get(59570)!;
  assert.equal(ref.length, 16);
  const sim = rowsOf(replay(2, 83, 188, 4000));
  assert.deepEqual(strip(sim), strip(ref));
  assertTsEcho(sim);
});
