// The part of pcap-filter(7) a lab tutorial types: `host A`, `net A/N`, `port N`, `portrange A-B`, with `src`/`dst`
// and `ip`/`tcp`/`udp`/`icmp`/`arp` qualifiers, `ether host MAC`, the protocols alone (`icmp`, `arp`, `udp`,
// `tcp`, `ip`, `vxlan`, `esp`, `ah`), and `and`/`&&`, `or`/`||`, `not`/`!`, parentheses. Compiled to a predicate
// on an Ethernet frame (the outer headers, as BPF sees them).

import { readU16 } from '../../common/wire/bytes.ts';
import { parseCidr, parseIpv4, prefixMask, readIpv4 } from '../../common/wire/ipv4-address.ts';
import { parseMac, readMac } from '../../common/wire/mac.ts';

export type FramePredicate = (frame: Uint8Array) => boolean;

export class FilterError extends Error {}

interface Fields {
  type: number;
  src?: number;
  dst?: number;
  proto?: number;
  sport?: number;
  dport?: number;
}

function fields(d: Uint8Array): Fields {
  const type = d.length >= 14 ? readU16(d, 12) : 0;
  if (type === 0x0806 && d.length >= 42) return { type, src: readIpv4(d, 28), dst: readIpv4(d, 38) };
  if (type !== 0x0800 || d.length < 34) return { type };
  const ihl = (d[14]! & 0x0f) * 4;
  const proto = d[23]!;
  const f: Fields = { type, src: readIpv4(d, 26), dst: readIpv4(d, 30), proto };
  const fragOff = readU16(d, 20) & 0x1fff;
  if ((proto === 6 || proto === 17) && fragOff === 0 && d.length >= 14 + ihl + 4) {
    f.sport = readU16(d, 14 + ihl);
    f.dport = readU16(d, 14 + ihl + 2);
  }
  return f;
}

const PROTOS: Record<string, number> = { icmp: 1, igmp: 2, tcp: 6, udp: 17, esp: 50, ah: 51 };
const PORTS: Record<string, number> = { domain: 53, http: 80, https: 443, ssh: 22, 'http-alt': 8080 };

export function compileFilter(expr: string): FramePredicate {
  const tokens = expr.replace(/\(/g, ' ( ').replace(/\)/g, ' ) ').replace(/&&/g, ' and ').replace(/\|\|/g, ' or ').replace(/!/g, ' not ').split(/\s+/).filter((t) => t !== '');
  if (tokens.length === 0) return () => true;
  let i = 0;
  const peek = (): string | undefined => tokens[i];
  const take = (): string => {
    const t = tokens[i++];
    if (t === undefined) throw new FilterError('syntax error');
    return t;
  };
  type P = (f: Fields, d: Uint8Array) => boolean;
  let lastPrimitive: ((value: string) => P) | undefined;

  const portOf = (v: string): number => {
    const n = /^\d+$/.test(v) ? Number(v) : PORTS[v];
    if (n === undefined || n > 65535) throw new FilterError(`unknown port '${v}'`);
    return n;
  };
  const addrMatch = (dir: string | undefined, test: (a: number | undefined) => boolean): P => (f) => (dir === 'src' ? test(f.src) : dir === 'dst' ? test(f.dst) : test(f.src) || test(f.dst));
  const portMatch = (dir: string | undefined, proto: string | undefined, test: (p: number | undefined) => boolean): P => (f) => {
    if (f.sport === undefined) return false;
    if (proto !== undefined && f.proto !== PROTOS[proto]) return false;
    return dir === 'src' ? test(f.sport) : dir === 'dst' ? test(f.dport) : test(f.sport) || test(f.dport);
  };

  const primitive = (): P => {
    let t = take();
    if (t === '(') {
      const e = orExpr();
      if (take() !== ')') throw new FilterError('syntax error');
      return e;
    }
    if (t === 'not') {
      const e = primitive();
      return (f, d) => !e(f, d);
    }
    let proto: string | undefined;
    let dir: string | undefined;
    if (t === 'ether') {
      let edir: string | undefined;
      let w = take();
      if (w === 'src' || w === 'dst') {
        edir = w;
        w = take();
      }
      if (w === 'host') {
        const mac = parseMacSafe(take());
        return (_f, d) => (edir === 'src' ? readMac(d, 6) === mac : edir === 'dst' ? readMac(d, 0) === mac : readMac(d, 6) === mac || readMac(d, 0) === mac);
      }
      if (w === 'broadcast') return (_f, d) => readMac(d, 0) === 0xffffffffffff;
      throw new FilterError('syntax error');
    }
    if (t === 'ip' || t === 'tcp' || t === 'udp' || t === 'icmp' || t === 'arp' || t === 'igmp' || t === 'vxlan' || t === 'esp' || t === 'ah') {
      const next = peek();
      if (next === undefined || next === 'and' || next === 'or' || next === ')' || t === 'vxlan') {
        if (t === 'ip') return (f) => f.type === 0x0800;
        if (t === 'arp') return (f) => f.type === 0x0806;
        if (t === 'vxlan') return (f) => f.proto === 17 && f.dport === 4789;
        const p = PROTOS[t]!;
        return (f) => f.type === 0x0800 && f.proto === p;
      }
      proto = t;
      t = take();
    }
    if (t === 'src' || t === 'dst') {
      dir = t;
      t = take();
      if (t === 'or' || t === 'and') {
        // "src or dst" — treat as no direction
        dir = undefined;
        t = take();
      }
    }
    const mk = (kind: string, value: string): P => {
      if (kind === 'host') {
        const a = parseAddr(value);
        const p = addrMatch(dir, (x) => x === a);
        if (proto === 'arp') return (f, d) => f.type === 0x0806 && p(f, d);
        if (proto !== undefined && proto !== 'ip') return (f, d) => f.proto === PROTOS[proto!] && p(f, d);
        if (proto === 'ip') return (f, d) => f.type === 0x0800 && p(f, d);
        return p;
      }
      if (kind === 'net') {
        let c: { address: number; prefixLength: number };
        try {
          c = value.includes('/') ? parseCidr(value) : { address: parseIpv4(value), prefixLength: 32 };
        } catch {
          throw new FilterError(`invalid net '${value}'`);
        }
        const mask = prefixMask(c.prefixLength);
        return addrMatch(dir, (x) => x !== undefined && ((x & mask) >>> 0) === ((c.address & mask) >>> 0));
      }
      if (kind === 'port') {
        const n = portOf(value);
        return portMatch(dir, proto, (x) => x === n);
      }
      if (kind === 'portrange') {
        const [a, b] = value.split('-').map(portOf);
        return portMatch(dir, proto, (x) => x !== undefined && x >= a! && x <= (b ?? a!));
      }
      throw new FilterError('syntax error');
    };
    if (t === 'host' || t === 'net' || t === 'port' || t === 'portrange') {
      const kind = t;
      lastPrimitive = (v) => mk(kind, v);
      return mk(kind, take());
    }
    // "src 10.0.0.1" (host implied) or a bare value after `and`/`or` reusing the last qualifier.
    if (dir !== undefined) {
      lastPrimitive = (v) => mk('host', v);
      return mk('host', t);
    }
    if (lastPrimitive !== undefined && /^[\w.:/-]+$/.test(t) && !['and', 'or', 'not'].includes(t)) return lastPrimitive(t);
    throw new FilterError('syntax error');
  };
  const andExpr = (): P => {
    let l = primitive();
    while (peek() === 'and') {
      i++;
      const a = l;
      const r = primitive();
      l = (f, d) => a(f, d) && r(f, d);
    }
    return l;
  };
  const orExpr = (): P => {
    let l = andExpr();
    while (peek() === 'or') {
      i++;
      const a = l;
      const r = andExpr();
      l = (f, d) => a(f, d) || r(f, d);
    }
    return l;
  };
  const e = orExpr();
  if (i !== tokens.length) throw new FilterError('syntax error');
  return (d) => e(fields(d), d);
}

function parseAddr(v: string): number {
  try {
    return parseIpv4(v);
  } catch {
    throw new FilterError(`can't resolve '${v}'`);
  }
}

function parseMacSafe(v: string): number {
  try {
    return parseMac(v);
  } catch {
    throw new FilterError(`bad ethernet address '${v}'`);
  }
}
