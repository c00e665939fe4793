// ss's filter expressions (iproute2 6.1 misc/ssfilter.y, parse_hostcond and run_ssfilter in misc/ss.c), for the
// Internet sockets of the lab:
//
//   exprlist := expr { ('|' | '||' | 'or' | '&' | '&&' | 'and' | nothing) expr }   evaluated left to right
//   expr     := '(' exprlist ')' | ('!' | 'not') expr
//             | (src | dst) ['=' | '==' | 'eq'] HOST
//             | (sport | dport) (= | == | eq | != | ne | neq | > | gt | < | lt | >= | ge | geq | <= | le | leq | nothing) PORT
//   HOST     := ADDR[/PLEN][:PORT] | [ADDR]:PORT | *:PORT | :PORT | *        PORT := [:]NUMBER | [:]SERVICE | *
//
// Words are split on blanks within each argument, so `'( sport = :80 )'` and `sport = :80` are the same. Hosts are
// numeric IPv4 addresses here (ss would also look a name up); an IPv4 condition never matches an IPv6 socket.
// A parse error is yacc's "syntax error", reported as ss does.

import { parseIpv4, prefixMask } from '../../common/wire/ipv4-address.ts';
import type { SocketEntry } from './socket-table.ts';

export type SocketFilter = (e: SocketEntry) => boolean;

interface HostCond {
  /** -1: any port. */
  readonly port: number;
  readonly addr?: { readonly value: number; readonly plen: number };
}

export class FilterError extends Error {}

/** getservbyname(name, proto) over the machine's services, for ports given by name. */
export type ServiceByName = (name: string) => number | undefined;

const OPS: Readonly<Record<string, string>> = {
  '=': '=', '==': '=', eq: '=',
  '!=': '!=', ne: '!=', neq: '!=',
  '>': '>', gt: '>',
  '<': '<', lt: '<',
  '>=': '>=', ge: '>=', geq: '>=',
  '<=': '<=', le: '<=', leq: '<=',
};

/** Parses the words after the state filter; undefined when there are none (every socket passes). */
export function parseFilter(args: readonly string[], byName: ServiceByName): SocketFilter | undefined {
  const toks = args.flatMap((a) => a.split(/[ \t]+/)).filter((w) => w !== '');
  if (toks.length === 0) return undefined;
  let i = 0;
  const peek = (): string | undefined => toks[i];
  const syntax = (): never => {
    throw new FilterError('syntax error');
  };
  const port = (w: string | undefined): number => {
    if (w === undefined) return syntax();
    const p = w.startsWith(':') ? w.slice(1) : w;
    if (p === '' || p === '*') return -1;
    if (/^\d+$/.test(p)) return Number(p);
    const n = byName(p);
    if (n === undefined) throw new FilterError('Cannot parse dst/src address.');
    return n;
  };
  const host = (w: string | undefined): HostCond => {
    if (w === undefined) return syntax();
    if (w === '*') return { port: -1 };
    let addrText = w;
    let portText: string | undefined;
    if (w.startsWith('[')) {
      const end = w.indexOf(']');
      if (end < 0) throw new FilterError('Cannot parse dst/src address.');
      addrText = w.slice(1, end);
      portText = w.slice(end + 1);
    } else if (w.startsWith('*')) {
      addrText = '';
      portText = w.slice(1);
    } else {
      const colon = w.lastIndexOf(':');
      if (colon >= 0) {
        addrText = w.slice(0, colon);
        portText = w.slice(colon);
      }
    }
    const p = portText === undefined || portText === '' ? -1 : port(portText);
    if (addrText === '' || addrText === '*') return { port: p };
    const m = /^(\d+\.\d+\.\d+\.\d+)(?:\/(\d+))?$/.exec(addrText);
    if (m === null || Number(m[2] ?? 32) > 32) throw new FilterError('Cannot parse dst/src address.');
    let value: number;
    try {
      value = parseIpv4(m[1]!);
    } catch {
      throw new FilterError('Cannot parse dst/src address.');
    }
    return { port: p, addr: { value, plen: Number(m[2] ?? 32) } };
  };
  const matches = (h: HostCond, addr: number | undefined, p: number): boolean => {
    if (h.port !== -1 && h.port !== p) return false;
    if (h.addr === undefined) return true;
    if (addr === undefined) return false;
    const mask = prefixMask(h.addr.plen);
    return ((addr & mask) >>> 0) === ((h.addr.value & mask) >>> 0);
  };
  const expr = (): SocketFilter => {
    const w = toks[i++];
    if (w === undefined) return syntax();
    if (w === '(') {
      const inner = list();
      if (toks[i++] !== ')') syntax();
      return inner;
    }
    if (w === '!' || w === 'not') {
      const inner = expr();
      return (e) => !inner(e);
    }
    if (w === 'src' || w === 'dst') {
      if (OPS[peek() ?? ''] === '=') i++;
      const h = host(toks[i++]);
      return w === 'src' ? (e) => matches(h, e.local4, e.localPort) : (e) => matches(h, e.remote4, e.remotePort);
    }
    if (w === 'sport' || w === 'dport') {
      const op = OPS[peek() ?? ''];
      if (op !== undefined) i++;
      const p = port(toks[i++]);
      const of = (e: SocketEntry): number => (w === 'sport' ? e.localPort : e.remotePort);
      switch (op) {
        case '>=':
          return (e) => of(e) >= p;
        case '<=':
          return (e) => of(e) <= p;
        case '>':
          return (e) => !(of(e) <= p);
        case '<':
          return (e) => !(of(e) >= p);
        case '!=':
          return (e) => !(p === -1 || of(e) === p);
        default:
          return (e) => p === -1 || of(e) === p;
      }
    }
    return syntax();
  };
  const list = (): SocketFilter => {
    let acc = expr();
    for (;;) {
      const w = peek();
      if (w === undefined || w === ')') return acc;
      const left = acc;
      if (w === '|' || w === '||' || w === 'or') {
        i++;
        const right = expr();
        acc = (e) => left(e) || right(e);
      } else {
        if (w === '&' || w === '&&' || w === 'and') i++;
        const right = expr();
        acc = (e) => left(e) && right(e);
      }
    }
  };
  const f = list();
  if (i !== toks.length) syntax();
  return f;
}
