// TCP (ip.proto 6): header, flags, options, and the analysis Wireshark's packet list relies on: stream indexes
// (tcp.stream), relative sequence numbers, the calculated (scaled) window, Info in tshark's format
// ("59566 → 8080 [SYN] Seq=0 Win=64860 Len=0 MSS=1410 SACK_PERM TSval=… TSecr=0 WS=128"), and the tcp.port table
// for the payload. A higher layer that takes the segment as part of a longer PDU sets `pkt.pduSegment`; the
// segment is then shown as "[TCP segment of a reassembled PDU]", as in Wireshark.
import { readU16, readU32 } from '../../wire/bytes.ts';
import { requireBytes, WireError } from '../../wire/error.ts';
import { parseOptions } from '../../wire/tcp.ts';
import { fields } from '../registry.ts';
import { callNamed, callPorts, registerDissector, type Packet } from '../table.ts';
import type { Item } from '../tree.ts';

const F = fields.tcp;

const FIN = 0x01;
const SYN = 0x02;
const RST = 0x04;
const PSH = 0x08;
const ACK = 0x10;
const URG = 0x20;
const ECE = 0x40;
const CWR = 0x80;
const AE = 0x100;

/** Flag names in Wireshark's order: "[FIN, SYN, RST, PSH, ACK, URG, ECE, CWR, AE]". */
export function tcpFlagNames(flags: number): string {
  const out: string[] = [];
  const names: [number, string][] = [
    [FIN, 'FIN'],
    [SYN, 'SYN'],
    [RST, 'RST'],
    [PSH, 'PSH'],
    [ACK, 'ACK'],
    [URG, 'URG'],
    [ECE, 'ECE'],
    [CWR, 'CWR'],
    [AE, 'AE'],
  ];
  for (const [bit, n] of names) if ((flags & bit) !== 0) out.push(n);
  return out.length ? out.join(', ') : '<None>';
}

function flagString(flags: number): string {
  const letters = 'RRRACEUAPRSF';
  let s = '';
  for (let i = 11; i >= 0; i--) s += (flags >>> i) & 1 ? letters[11 - i] : '·';
  return s;
}

interface Conversation {
  stream: number;
  /** "ip:port" of the side that sent the first segment seen: direction 0. */
  first: string;
  base: [number | undefined, number | undefined];
  /** Window shift per direction: a shift from a SYN's WS option, -2 for a SYN without one, undefined if no SYN seen. */
  shift: [number | undefined, number | undefined];
  /** The ISN of the SYN that opened it, to tell a new connection on the same ports. */
  synSeq: number | undefined;
  closed: boolean;
}

interface TcpState {
  convs: Map<string, Conversation>;
  next: number;
}

/** What the first pass worked out for one segment. */
export interface TcpAnalysis {
  readonly stream: number;
  readonly dir: number;
  readonly seq: number;
  readonly ack: number;
  /** -1 unknown, -2 no scaling, else the multiplier. */
  readonly scale: number;
}

function analyze(pkt: Packet, src: string, dst: string, flags: number, seq: number, ack: number, shiftOpt: number | undefined): TcpAnalysis {
  if (!pkt.firstPass || pkt.inError) {
    const saved = pkt.ctx.frameData<TcpAnalysis>(pkt.number, 'tcp');
    if (saved) return saved;
    if (pkt.inError) return { stream: -1, dir: 0, seq, ack, scale: -1 };
  }
  const st = pkt.ctx.protoState<TcpState>('tcp', () => ({ convs: new Map(), next: 0 }));
  const key = src < dst ? `${src} ${dst}` : `${dst} ${src}`;
  let c = st.convs.get(key);
  const syn = (flags & (SYN | ACK)) === SYN;
  if (!c || (syn && c.synSeq !== undefined && c.synSeq !== seq && c.closed)) {
    c = { stream: st.next++, first: src, base: [undefined, undefined], shift: [undefined, undefined], synSeq: undefined, closed: false };
    st.convs.set(key, c);
  }
  const dir = c.first === src ? 0 : 1;
  const rev = 1 - dir;
  if (syn && c.synSeq === undefined) c.synSeq = seq;
  if ((flags & SYN) !== 0) c.shift[dir] = shiftOpt ?? -2;
  if (c.base[dir] === undefined) c.base[dir] = (flags & SYN) !== 0 ? seq : (seq - 1) >>> 0;
  if (c.base[rev] === undefined && (flags & ACK) !== 0) c.base[rev] = (ack - 1) >>> 0;
  if ((flags & (FIN | RST)) !== 0) c.closed = true;
  const s0 = c.shift[dir];
  const s1 = c.shift[rev];
  const scale = s0 === undefined || s1 === undefined ? -1 : s0 < 0 || s1 < 0 ? -2 : 2 ** s0;
  const a: TcpAnalysis = {
    stream: c.stream,
    dir,
    seq: (seq - c.base[dir]!) >>> 0,
    ack: (flags & ACK) !== 0 && c.base[rev] !== undefined ? (ack - c.base[rev]!) >>> 0 : 0,
    scale,
  };
  pkt.ctx.setFrameData(pkt.number, 'tcp', a);
  return a;
}

function dissectTcp(data: Uint8Array, start: number, end: number, pkt: Packet, tree: Item): void {
  pkt.layers.push('tcp');
  pkt.protocol = 'TCP';
  const o = start;
  requireBytes('tcp', 'header', 0, 20, end - start);
  const sp = readU16(data, o);
  const dp = readU16(data, o + 2);
  const seqRaw = readU32(data, o + 4);
  const ackRaw = readU32(data, o + 8);
  const hl = (data[o + 12]! >>> 4) * 4;
  const word = readU16(data, o + 12);
  const flags = word & 0xfff;
  const win = readU16(data, o + 14);
  const cks = readU16(data, o + 16);
  const urg = readU16(data, o + 18);
  pkt.srcPort = sp;
  pkt.dstPort = dp;
  if (hl < 20) throw new WireError('tcp', 'hdr_len', 12, `data offset ${hl} is below 20`);
  requireBytes('tcp', 'options', 20, hl - 20, end - start);
  const options = parseOptions(data.subarray(o + 20, o + hl));
  let shift: number | undefined;
  for (const op of options) if (op.kind === 'windowScale') shift = op.shift;
  const a = analyze(pkt, `${pkt.netSrc}:${sp}`, `${pkt.netDst}:${dp}`, flags, seqRaw, ackRaw, shift);
  const len = end - o - hl;
  const isAck = (flags & ACK) !== 0;
  const calcWin = (flags & SYN) === 0 && a.scale > 0 ? win * a.scale : win;
  let info = `${sp} → ${dp} [${tcpFlagNames(flags)}] Seq=${a.seq}${isAck ? ` Ack=${a.ack}` : ''} Win=${calcWin} Len=${len}`;
  if ((flags & URG) !== 0) info += ` Urg=${urg}`;
  for (const op of options) {
    switch (op.kind) {
      case 'mss':
        info += ` MSS=${op.value}`;
        break;
      case 'sackPermitted':
        info += ' SACK_PERM';
        break;
      case 'timestamps':
        info += ` TSval=${op.tsVal} TSecr=${op.tsEcr}`;
        break;
      case 'windowScale':
        info += ` WS=${2 ** Math.min(op.shift, 14)}`;
        break;
      case 'sack': {
        const base = a.ack - ackRaw;
        for (const b of op.blocks) info += ` SLE=${(b.left + base) >>> 0} SRE=${(b.right + base) >>> 0}`;
        break;
      }
      default:
        break;
    }
  }
  pkt.info = info;
  pkt.tcpStream = a.stream;
  pkt.tcpDir = a.dir;
  pkt.tcpSeq = a.seq;

  const t = tree.add(F.proto, o, o + hl, data.subarray(o, end), () => `Transmission Control Protocol, Src Port: ${sp}, Dst Port: ${dp}, Seq: ${a.seq}${isAck ? `, Ack: ${a.ack}` : ''}, Len: ${len}`);
  t.add(F.srcport, o, o + 2, sp);
  t.add(F.dstport, o + 2, o + 4, dp);
  t.add(F.port, o, o + 2, sp, undefined, { hidden: true });
  t.add(F.port, o + 2, o + 4, dp, undefined, { hidden: true });
  if (a.stream >= 0) t.add(F.stream, o, o, a.stream, `[Stream index: ${a.stream}]`, { generated: true });
  t.add(F.len, o, o, len, `[TCP Segment Len: ${len}]`, { generated: true });
  t.add(F.seq, o + 4, o + 8, a.seq, `Sequence Number: ${a.seq}    (relative sequence number)`);
  t.add(F.seq_raw, o + 4, o + 8, seqRaw);
  const nxt = a.seq + len + ((flags & SYN) !== 0 ? 1 : 0) + ((flags & FIN) !== 0 ? 1 : 0);
  t.add(F.nxtseq, o, o, nxt, `[Next Sequence Number: ${nxt}    (relative sequence number)]`, { generated: true });
  t.add(F.ack, o + 8, o + 12, a.ack, isAck ? `Acknowledgment Number: ${a.ack}    (relative ack number)` : `Acknowledgment Number: ${a.ack}`);
  t.add(F.ack_raw, o + 8, o + 12, ackRaw);
  t.add(F.hdr_len, o + 12, o + 13, hl, () => `${(hl / 4).toString(2).padStart(4, '0')} .... = Header Length: ${hl} bytes (${hl / 4})`);
  const ft = t.add(F.flags, o + 12, o + 14, flags, () => `Flags: 0x${flags.toString(16).padStart(3, '0')} (${tcpFlagNames(flags).replace('<None>', '')})`, { raw: word & 0xfff });
  for (const [f, m] of [
    [F.flags_res, 0xe00],
    [F.flags_ae, AE],
    [F.flags_cwr, CWR],
    [F.flags_ece, ECE],
    [F.flags_urg, URG],
    [F.flags_ack, ACK],
    [F.flags_push, PSH],
    [F.flags_reset, RST],
    [F.flags_syn, SYN],
    [F.flags_fin, FIN],
  ] as const) {
    ft.add(f, o + 12, o + 14, (flags & m) !== 0, undefined, { raw: flags });
  }
  ft.add(F.flags_str, o + 12, o + 14, flagString(flags), `[TCP Flags: ${flagString(flags)}]`, { generated: true });
  t.add(F.window_size_value, o + 14, o + 16, win, `Window: ${win}`);
  t.add(F.window_size, o + 14, o + 16, calcWin, `[Calculated window size: ${calcWin}]`, { generated: true });
  if ((flags & SYN) === 0) {
    const sf = a.scale;
    t.add(F.window_size_scalefactor, o + 14, o + 16, sf, `[Window size scaling factor: ${sf}${sf === -1 ? ' (unknown)' : sf === -2 ? ' (no window scaling used)' : ''}]`, { generated: true });
  }
  t.add(F.checksum, o + 16, o + 18, cks, () => `Checksum: 0x${cks.toString(16).padStart(4, '0')} [unverified]`);
  t.add(F.urgent_pointer, o + 18, o + 20, urg);
  if (hl > 20) addOptions(data, o, hl, t);

  if (len > 0) {
    t.add(F.payload, o + hl, end, data.subarray(o + hl, end), `TCP payload (${len} bytes)`);
    pkt.pduSegment = false;
    if (!callPorts('tcp.port', sp, dp, data, o + hl, end, pkt, tree)) callNamed('data', data, o + hl, end, pkt, tree);
    if (pkt.pduSegment) {
      pkt.protocol = 'TCP';
      pkt.info += ' [TCP segment of a reassembled PDU]';
      tree.text('[TCP segment of a reassembled PDU]', o + hl, end, { generated: true });
    }
  }
}

function addOptions(data: Uint8Array, o: number, hl: number, t: Item): void {
  const names: string[] = [];
  const ot = t.add(F.options, o + 20, o + hl, data.subarray(o + 20, o + hl), () => `Options: (${hl - 20} bytes), ${names.join(', ')}`);
  let i = o + 20;
  const endOpt = o + hl;
  while (i < endOpt) {
    const kind = data[i]!;
    if (kind === 0) {
      names.push('End of Option List (EOL)');
      const it = ot.text('TCP Option - End of Option List (EOL)', i, i + 1);
      it.add(F.option_kind, i, i + 1, kind);
      break;
    }
    if (kind === 1) {
      names.push('No-Operation (NOP)');
      ot.text('TCP Option - No-Operation (NOP)', i, i + 1).add(F.option_kind, i, i + 1, kind);
      i++;
      continue;
    }
    const len = data[i + 1]!;
    const e = i + len;
    switch (kind) {
      case 2: {
        const mss = readU16(data, i + 2);
        names.push('Maximum segment size');
        const it = ot.text(`TCP Option - Maximum segment size: ${mss} bytes`, i, e);
        it.add(F.option_kind, i, i + 1, kind);
        it.add(F.option_len, i + 1, i + 2, len);
        it.add(F.mss_val, i + 2, e, mss);
        break;
      }
      case 3: {
        const sh = data[i + 2]!;
        const mul = 2 ** Math.min(sh, 14);
        names.push('Window scale');
        const it = ot.text(`TCP Option - Window scale: ${sh} (multiply by ${mul})`, i, e);
        it.add(F.option_kind, i, i + 1, kind);
        it.add(F.option_len, i + 1, i + 2, len);
        it.add(F.wscale_shift, i + 2, e, sh);
        it.add(F.wscale_multiplier, i + 2, e, mul, `[Multiplier: ${mul}]`, { generated: true });
        break;
      }
      case 4: {
        names.push('SACK permitted');
        const it = ot.add(F.sack_perm, i, e, '', 'TCP Option - SACK permitted');
        it.add(F.option_kind, i, i + 1, kind);
        it.add(F.option_len, i + 1, i + 2, len);
        break;
      }
      case 8: {
        const tv = readU32(data, i + 2);
        const te = readU32(data, i + 6);
        names.push('Timestamps');
        const it = ot.text(`TCP Option - Timestamps: TSval ${tv}, TSecr ${te}`, i, e);
        it.add(F.option_kind, i, i + 1, kind);
        it.add(F.option_len, i + 1, i + 2, len);
        it.add(F.tsval, i + 2, i + 6, tv);
        it.add(F.tsecr, i + 6, e, te);
        break;
      }
      case 5: {
        names.push('SACK');
        const it = ot.text(`TCP Option - SACK`, i, e);
        it.add(F.option_kind, i, i + 1, kind);
        it.add(F.option_len, i + 1, i + 2, len);
        for (let b = i + 2; b + 8 <= e; b += 8) {
          it.add(F.sack_le, b, b + 4, readU32(data, b));
          it.add(F.sack_re, b + 4, b + 8, readU32(data, b + 4));
        }
        break;
      }
      default: {
        names.push(`Unknown (${kind})`);
        const it = ot.text(`TCP Option - Unknown (${kind})`, i, e);
        it.add(F.option_kind, i, i + 1, kind);
        it.add(F.option_len, i + 1, i + 2, len);
      }
    }
    i = e;
  }
}

registerDissector('ip.proto', 6, dissectTcp);
