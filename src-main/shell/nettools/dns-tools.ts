// The name tools: nslookup (busybox 1.36 on alpine/busybox, BIND 9.18's on the gnu userlands), dig and host (BIND
// 9.18), getent hosts/ahosts (glibc; musl-utils prints the same), hostname. Every query is a real DNS exchange
// from the machine's namespace (net/apps/resolver.ts); the text is the tools' own.

import * as dns from '../../common/wire/dns.ts';
import { formatIpv4, type Ipv4Address } from '../../common/wire/ipv4-address.ts';
import { formatIpv6 } from '../../common/wire/ipv6-address.ts';
import type { Machine } from '../../docker/machine.ts';
import { buildQuery, exchange, parseHosts, parseResolvConf, reverseName, singleQuery, tryIpv4, type ExchangeReply, type SingleQueryOutcome } from '../../net/apps/resolver.ts';
import { MILLISECOND, SECOND } from '../../sim/time.ts';
import type { CommandContext, CommandImpl } from '../interpreter.ts';
import { idStream, resolvConfText, resolve, wallNs } from './common.ts';

export const DIG_VERSION = '9.18.49-1~deb12u3-Debian';

const RCODES = ['NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED', 'YXDOMAIN', 'YXRRSET', 'NXRRSET', 'NOTAUTH', 'NOTZONE'];
const TYPES: Record<string, number> = { A: 1, NS: 2, CNAME: 5, SOA: 6, PTR: 12, MX: 15, TXT: 16, AAAA: 28, SRV: 33, ANY: 255 };

function typeName(t: number): string {
  return Object.entries(TYPES).find(([, v]) => v === t)?.[0] ?? `TYPE${t}`;
}

function dot(name: string): string {
  return name.endsWith('.') ? name : `${name}.`;
}

function text(b: Uint8Array): string {
  let s = '';
  for (const c of b) s += c === 0x22 || c === 0x5c ? '\\' + String.fromCharCode(c) : c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : '\\' + String(c).padStart(3, '0');
  return s;
}

/** RDATA in presentation form as dig prints it. */
function rdata(r: dns.DnsRecord): string {
  const d = r.data;
  switch (d.kind) {
    case 'a':
      return formatIpv4(d.address);
    case 'aaaa':
      return formatIpv6(d.address);
    case 'name':
      return dot(d.name);
    case 'mx':
      return `${d.preference} ${dot(d.exchange)}`;
    case 'srv':
      return `${d.priority} ${d.weight} ${d.port} ${dot(d.target)}`;
    case 'soa':
      return `${dot(d.mname)} ${dot(d.rname)} ${d.serial} ${d.refresh} ${d.retry} ${d.expire} ${d.minimum}`;
    case 'txt':
      return d.strings.map((s) => `"${text(s)}"`).join(' ');
    case 'opt':
      return '';
    case 'raw':
      return `\\# ${d.bytes.length} ${[...d.bytes].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
  }
}

function servers(m: Machine, explicit: string | undefined): Ipv4Address[] | undefined {
  if (explicit !== undefined) {
    const a = tryIpv4(explicit);
    return a === undefined ? undefined : [a];
  }
  return [...parseResolvConf(resolvConfText(m)).nameservers];
}

// ------------------------------------------------------------------------------------------ busybox nslookup

function nslookupBusybox(m: Machine, ctx: CommandContext): Promise<number> {
  const args = ctx.argv.slice(1);
  let qtype: number | undefined;
  let timeout = 5;
  let retry = 2;
  let port = 53;
  while (args[0]?.startsWith('-')) {
    const a = args.shift()!.slice(1);
    const [k, v = ''] = a.split('=');
    if (k === 'type' || k === 'querytype' || k === 'query' || k === 'q') {
      const t = TYPES[v.toUpperCase()];
      if (t === undefined) {
        ctx.stderr(`nslookup: invalid query type "${v}"\n`);
        return Promise.resolve(1);
      }
      qtype = t;
    } else if (k === 'timeout' || k === 't') timeout = Math.max(1, Number(v) || 5);
    else if (k === 'retry') retry = Math.max(1, Number(v) || 2);
    else if (k === 'port') port = Number(v) || 53;
    else if (k !== 'debug') return Promise.resolve(usage(ctx));
  }
  const name = args[0];
  if (name === undefined || args.length > 2) return Promise.resolve(usage(ctx));
  const list = args[1] !== undefined ? servers(m, args[1]) : servers(m, undefined);
  if (list === undefined) {
    ctx.stderr(`nslookup: bad address '${args[1]}'\n`);
    return Promise.resolve(1);
  }
  const conf = parseResolvConf(resolvConfText(m));
  const search = conf.search.length > 0 ? conf.search : [];
  const names: { name: string; type: number }[] = [];
  const withSearch = (type: number): void => {
    if (type === dns.TYPE_PTR || search.length === 0 || name.includes('.')) names.push({ name, type });
    else for (const s of search) names.push({ name: `${name}.${s}`, type });
  };
  const addr = tryIpv4(name);
  if (qtype === undefined) {
    if (addr !== undefined) names.push({ name: reverseName(addr), type: dns.TYPE_PTR });
    else {
      withSearch(dns.TYPE_A);
      withSearch(dns.TYPE_AAAA);
    }
  } else withSearch(qtype);
  const rnd = idStream(m);
  const queries = names.map((q) => {
    const id = rnd.nextU32() & 0xffff;
    return { id, bytes: buildQuery(q.name, q.type, { id }), name: q.name };
  });
  let exit = 0;
  const tryServer = (k: number): Promise<boolean[]> =>
    new Promise((resolveDone) => {
      const server = list[k]!;
      let replies = 0;
      exchange(
        m.ns,
        queries,
        { servers: [server], port, connected: true, retryInterval: Math.floor((timeout * 1000) / retry) * MILLISECOND, totalTimeout: timeout * SECOND, servfailRetries: 2 * queries.length, acceptAll: true },
        (r) => {
          if (replies++ === 0) ctx.stdout(`Server:\t\t${formatIpv4(server)}\nAddress:\t${formatIpv4(server)}:${port}\n\n`);
          const q = queries[r.index]!;
          const rcode = dns.rcodeOf(r.message.flags);
          if (rcode !== 0) {
            ctx.stdout(`** server can't find ${q.name}: ${RCODES[rcode] ?? rcode}\n`);
            exit = 1;
          } else {
            if ((r.message.flags & dns.FLAG_AA) === 0) ctx.stdout('Non-authoritative answer:\n');
            for (const a of r.message.answers) {
              if (a.data.kind === 'a') ctx.stdout(`Name:\t${a.name}\nAddress: ${formatIpv4(a.data.address)}\n`);
              else if (a.data.kind === 'aaaa') ctx.stdout(`Name:\t${a.name}\nAddress: ${formatIpv6(a.data.address)}\n`);
              else if (a.type === dns.TYPE_CNAME && a.data.kind === 'name') ctx.stdout(`${a.name}\tcanonical name = ${a.data.name}\n`);
              else if (a.type === dns.TYPE_PTR && a.data.kind === 'name') ctx.stdout(`${a.name}\tname = ${a.data.name}\n`);
              else if (a.type === dns.TYPE_NS && a.data.kind === 'name') ctx.stdout(`${a.name}\tnameserver = ${a.data.name}\n`);
              else if (a.data.kind === 'mx') ctx.stdout(`${a.name}\tmail exchanger = ${a.data.preference} ${a.data.exchange}\n`);
              else if (a.data.kind === 'txt') ctx.stdout(`${a.name}\ttext = "${a.data.strings.map(text).join('')}"\n`);
              else if (a.data.kind === 'srv') ctx.stdout(`${a.name}\tservice = ${a.data.priority} ${a.data.weight} ${a.data.port} ${a.data.target}\n`);
            }
          }
          ctx.stdout('\n');
        },
        (answered) => resolveDone(replies > 0 ? [...answered] : []),
      );
    });
  return (async () => {
    for (let k = 0; k < list.length; k++) {
      const answered = await tryServer(k);
      if (answered.length > 0) {
        const missing = queries.filter((_q, i) => !answered[i]);
        for (const q of missing) ctx.stdout(`*** Can't find ${q.name}: No answer\n`);
        if (missing.length > 0) ctx.stdout('\n');
        return exit;
      }
    }
    ctx.stdout(';; connection timed out; no servers could be reached\n\n');
    return 1;
  })();
}

function usage(ctx: CommandContext): number {
  ctx.stderr('BusyBox v1.36.1 (2023-07-27 17:12:24 UTC) multi-call binary.\n\nUsage: nslookup [-type=QUERY_TYPE] [-debug] HOST [DNS_SERVER]\n\nQuery DNS about HOST\n\nQUERY_TYPE: soa,ns,a,aaaa,cname,mx,txt,any,srv,ptr\n');
  return 1;
}

// ------------------------------------------------------------------------------------------ BIND's tools

interface BindQuery {
  readonly outcome: SingleQueryOutcome;
  readonly id: number;
}

function bindQuery(m: Machine, server: Ipv4Address, port: number, name: string, type: number, o: { dig?: boolean; edns?: boolean; cookie?: boolean; timeout?: number; tries?: number }, onTryFail?: (t: number) => void): Promise<BindQuery> {
  const rnd = idStream(m);
  const id = rnd.nextU32() & 0xffff;
  const cookie = o.cookie !== false && o.edns !== false && o.dig === true ? rnd.fill(new Uint8Array(8)) : undefined;
  const query = buildQuery(name, type, { id, flags: o.dig === true ? dns.FLAG_RD | dns.FLAG_AD : dns.FLAG_RD, ...(o.dig === true && o.edns !== false ? { ednsSize: 1232 } : {}), ...(cookie !== undefined ? { cookie } : {}) });
  return new Promise((res) => {
    singleQuery(m.ns, { server, port, query, id, timeout: (o.timeout ?? 5) * SECOND, tries: o.tries ?? 3, dfClear: true }, (t) => onTryFail?.(t), (outcome) => res({ outcome, id }));
  });
}

function nslookupBind(m: Machine, ctx: CommandContext): Promise<number> {
  const args = ctx.argv.slice(1).filter((a) => !a.startsWith('-'));
  const name = args[0];
  if (name === undefined) {
    ctx.stderr('Usage: nslookup [-opt ...] host [server]\n');
    return Promise.resolve(1);
  }
  const list = servers(m, args[1]);
  if (list === undefined) {
    ctx.stderr(`nslookup: couldn't get address for '${args[1]}': not found\n`);
    return Promise.resolve(1);
  }
  const server = list[0]!;
  return (async () => {
    const header = (): void => ctx.stdout(`Server:\t\t${formatIpv4(server)}\nAddress:\t${formatIpv4(server)}#53\n\n`);
    const addr = tryIpv4(name);
    if (addr !== undefined) {
      const q = await bindQuery(m, server, 53, reverseName(addr), dns.TYPE_PTR, { tries: 3, timeout: 2 });
      if (q.outcome.kind !== 'reply') return timedOut(ctx);
      const msg = q.outcome.reply.message;
      const rcode = dns.rcodeOf(msg.flags);
      if (rcode !== 0) {
        header();
        ctx.stdout(`** server can't find ${reverseName(addr)}: ${RCODES[rcode]}\n\n`);
        return 1;
      }
      for (const a of msg.answers) if (a.data.kind === 'name') ctx.stdout(`${a.name}\tname = ${dot(a.data.name)}\n`);
      ctx.stdout((msg.flags & dns.FLAG_AA) === 0 ? '\nAuthoritative answers can be found from:\n\n' : '\n');
      return 0;
    }
    const a = await bindQuery(m, server, 53, name, dns.TYPE_A, { tries: 3, timeout: 2 });
    if (a.outcome.kind !== 'reply') return timedOut(ctx);
    header();
    const am = a.outcome.reply.message;
    const rcode = dns.rcodeOf(am.flags);
    if (rcode !== 0) {
      ctx.stdout(`** server can't find ${name}: ${RCODES[rcode]}\n\n`);
      return 1;
    }
    const b = await bindQuery(m, server, 53, name, dns.TYPE_AAAA, { tries: 3, timeout: 2 });
    const all = [...am.answers, ...(b.outcome.kind === 'reply' ? b.outcome.reply.message.answers : [])].filter((r) => r.data.kind === 'a' || r.data.kind === 'aaaa' || r.type === dns.TYPE_CNAME);
    if (all.length === 0) {
      ctx.stdout(`*** Can't find ${name}: No answer\n\n`);
      return 0;
    }
    if ((am.flags & dns.FLAG_AA) === 0) ctx.stdout('Non-authoritative answer:\n');
    for (const r of all) {
      if (r.type === dns.TYPE_CNAME && r.data.kind === 'name') ctx.stdout(`${r.name}\tcanonical name = ${dot(r.data.name)}\n`);
      else ctx.stdout(`Name:\t${r.name}\nAddress: ${rdata(r)}\n`);
    }
    ctx.stdout('\n');
    return 0;
  })();
}

function timedOut(ctx: CommandContext): number {
  ctx.stdout(';; connection timed out; no servers could be reached\n\n');
  return 1;
}

/** BIND's column layout: tabs to the column, or one space when already past it. */
function visual(s: string): number {
  let col = 0;
  for (const c of s) col = c === '\t' ? (Math.floor(col / 8) + 1) * 8 : col + 1;
  return col;
}

function tabTo(fields: readonly string[], stops: readonly number[]): string {
  let out = '';
  for (let i = 0; i < fields.length; i++) {
    out += fields[i];
    if (i === fields.length - 1) break;
    const stop = stops[i]!;
    if (visual(out) >= stop) out += ' ';
    else while (visual(out) < stop) out += '\t';
  }
  return out;
}

function whenText(wall: number): string {
  const d = new Date(Math.floor(wall / 1e6));
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${days[d.getUTCDay()]} ${months[d.getUTCMonth()]} ${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} UTC ${d.getUTCFullYear()}`;
}

function rrLine(r: dns.DnsRecord): string {
  return tabTo([dot(r.name), String(r.ttl), r.class === 1 ? 'IN' : `CLASS${r.class}`, typeName(r.type), rdata(r)], [24, 32, 40, 48]);
}

function digCommand(m: Machine, ctx: CommandContext): Promise<number> {
  const argv = ctx.argv.slice(1);
  let server: string | undefined;
  let name: string | undefined;
  let type: number | undefined;
  let short = false;
  let show = { cmd: true, comments: true, question: true, answer: true, authority: true, additional: true, stats: true };
  let edns = true;
  let cookie = true;
  let timeout = 5;
  let tries = 3;
  let port = 53;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a.startsWith('@')) server = a.slice(1);
    else if (a === '-x') {
      const addr = tryIpv4(argv[++i] ?? '');
      if (addr === undefined) {
        ctx.stderr(`dig: '${argv[i] ?? ''}' is not a legal IPv4 address\n`);
        return Promise.resolve(1);
      }
      name = reverseName(addr);
      type = dns.TYPE_PTR;
    } else if (a === '-p') port = Number(argv[++i]) || 53;
    else if (a === '-t') type = TYPES[(argv[++i] ?? '').toUpperCase()];
    else if (a.startsWith('+')) {
      const [k0, v] = a.slice(1).split('=');
      const no = k0!.startsWith('no');
      const k = no ? k0!.slice(2) : k0!;
      if (k === 'short') short = !no;
      else if (k === 'all') show = { cmd: !no, comments: !no, question: !no, answer: !no, authority: !no, additional: !no, stats: !no };
      else if (k === 'cmd' || k === 'comments' || k === 'question' || k === 'answer' || k === 'authority' || k === 'additional' || k === 'stats') show[k] = !no;
      else if (k === 'edns') edns = !no;
      else if (k === 'cookie') cookie = !no;
      else if (k === 'timeout' || k === 'time') timeout = Math.max(1, Number(v) || 5);
      else if (k === 'tries') tries = Math.max(1, Number(v) || 3);
      else if (k === 'retry') tries = Math.max(0, Number(v) || 0) + 1;
    } else if (type === undefined && name !== undefined && TYPES[a.toUpperCase()] !== undefined) type = TYPES[a.toUpperCase()];
    else if (name === undefined) name = a;
    else if (TYPES[a.toUpperCase()] !== undefined) type = TYPES[a.toUpperCase()];
  }
  if (name === undefined) {
    name = '.';
    type ??= dns.TYPE_NS;
  }
  const qname = name.replace(/\.$/, '');
  const qtype = type ?? dns.TYPE_A;
  const list = servers(m, server);
  if (list === undefined) {
    ctx.stderr(`dig: couldn't get address for '${server}': not found\n`);
    return Promise.resolve(10);
  }
  const srv = list[0]!;
  const cmdLine = `\n; <<>> DiG ${DIG_VERSION} <<>> ${argv.join(' ')}\n${server !== undefined ? '; (1 server found)\n' : ''};; global options: +cmd\n`;
  return (async () => {
    const q = await bindQuery(m, srv, port, qname, qtype, { dig: true, edns, cookie, timeout, tries }, () => ctx.stdout(`;; communications error to ${formatIpv4(srv)}#${port}: timed out\n`));
    if (q.outcome.kind !== 'reply') {
      if (q.outcome.kind === 'refused') ctx.stdout(`;; communications error to ${formatIpv4(srv)}#${port}: connection refused\n`);
      if (!short && show.cmd) ctx.stdout(cmdLine);
      ctx.stdout(';; no servers could be reached\n');
      return 9;
    }
    const rep: ExchangeReply = q.outcome.reply;
    const msg = rep.message;
    if (short) {
      for (const r of msg.answers) ctx.stdout(rdata(r) + '\n');
      return 0;
    }
    let out = show.cmd ? cmdLine : '';
    const flagNames: [number, string][] = [[dns.FLAG_QR, 'qr'], [dns.FLAG_AA, 'aa'], [dns.FLAG_TC, 'tc'], [dns.FLAG_RD, 'rd'], [dns.FLAG_RA, 'ra'], [dns.FLAG_AD, 'ad'], [dns.FLAG_CD, 'cd']];
    const opt = msg.additionals.find((r) => r.type === dns.TYPE_OPT);
    const additional = msg.additionals.length;
    if (show.comments) {
      out += `;; Got answer:\n;; ->>HEADER<<- opcode: QUERY, status: ${RCODES[dns.rcodeOf(msg.flags)] ?? dns.rcodeOf(msg.flags)}, id: ${msg.id}\n`;
      out += `;; flags: ${flagNames.filter(([f]) => (msg.flags & f) !== 0).map(([, n]) => n).join(' ')}; QUERY: ${msg.questions.length}, ANSWER: ${msg.answers.length}, AUTHORITY: ${msg.authorities.length}, ADDITIONAL: ${additional}\n`;
      if ((msg.flags & dns.FLAG_RA) === 0) out += ';; WARNING: recursion requested but not available\n';
      out += '\n';
      if (opt !== undefined) {
        out += `;; OPT PSEUDOSECTION:\n; EDNS: version: 0, flags:; udp: ${opt.class}\n`;
        const c = opt.data.kind === 'opt' ? opt.data.options.find((o) => o.code === 10) : undefined;
        if (c !== undefined) out += `; COOKIE: ${[...c.data].map((b) => b.toString(16).padStart(2, '0')).join('')} (good)\n`;
      }
    }
    if (show.question) {
      out += show.comments ? ';; QUESTION SECTION:\n' : '';
      for (const qq of msg.questions) out += tabTo([`;${dot(qq.name)}`, 'IN', typeName(qq.type)], [32, 40]) + '\n';
      if (show.comments) out += '\n';
    }
    const section = (title: string, rs: readonly dns.DnsRecord[], on: boolean): void => {
      const list2 = rs.filter((r) => r.type !== dns.TYPE_OPT);
      if (!on || list2.length === 0) return;
      if (show.comments) out += `;; ${title} SECTION:\n`;
      for (const r of list2) out += rrLine(r) + '\n';
      if (show.comments) out += '\n';
    };
    section('ANSWER', msg.answers, show.answer);
    section('AUTHORITY', msg.authorities, show.authority);
    section('ADDITIONAL', msg.additionals, show.additional);
    if (show.stats) {
      out += `;; Query time: ${Math.floor((rep.at - q.outcome.sentAt) / MILLISECOND)} msec\n`;
      out += `;; SERVER: ${formatIpv4(srv)}#${port}(${formatIpv4(srv)}) (UDP)\n`;
      out += `;; WHEN: ${whenText(wallNs(m))}\n`;
      out += `;; MSG SIZE  rcvd: ${rep.bytes.length}\n${show.comments ? '\n' : ''}`;
    }
    ctx.stdout(out);
    return 0;
  })();
}

function hostCommand(m: Machine, ctx: CommandContext): Promise<number> {
  const args = ctx.argv.slice(1).filter((a) => !a.startsWith('-'));
  const name = args[0];
  if (name === undefined) {
    ctx.stderr('Usage: host [-aCdilrTvVw] [-c class] [-N ndots] [-t type] [-W time]\n            [-R number] [-m flag] [-p port] hostname [server]\n');
    return Promise.resolve(1);
  }
  const list = servers(m, args[1]);
  if (list === undefined) {
    ctx.stderr(`host: couldn't get address for '${args[1]}': not found\n`);
    return Promise.resolve(1);
  }
  const srv = list[0]!;
  return (async () => {
    if (args[1] !== undefined) ctx.stdout(`Using domain server:\nName: ${args[1]}\nAddress: ${formatIpv4(srv)}#53\nAliases: \n\n`);
    const addr = tryIpv4(name);
    const plan = addr !== undefined ? [{ n: reverseName(addr), t: dns.TYPE_PTR }] : [dns.TYPE_A, dns.TYPE_AAAA, dns.TYPE_MX].map((t) => ({ n: name, t }));
    for (const [i, p] of plan.entries()) {
      const q = await bindQuery(m, srv, 53, p.n, p.t, { tries: 2, timeout: 5 });
      if (q.outcome.kind !== 'reply') {
        ctx.stdout(';; connection timed out; no servers could be reached\n');
        return 1;
      }
      const msg = q.outcome.reply.message;
      const rcode = dns.rcodeOf(msg.flags);
      if (rcode !== 0) {
        if (i === 0) {
          ctx.stdout(`Host ${addr !== undefined ? p.n : name} not found: ${rcode}(${RCODES[rcode]})\n`);
          return 1;
        }
        continue;
      }
      for (const r of msg.answers) {
        if (r.data.kind === 'a') ctx.stdout(`${r.name} has address ${formatIpv4(r.data.address)}\n`);
        else if (r.data.kind === 'aaaa') ctx.stdout(`${r.name} has IPv6 address ${formatIpv6(r.data.address)}\n`);
        else if (r.data.kind === 'mx') ctx.stdout(`${r.name} mail is handled by ${r.data.preference} ${dot(r.data.exchange)}\n`);
        else if (r.type === dns.TYPE_PTR && r.data.kind === 'name') ctx.stdout(`${r.name} domain name pointer ${dot(r.data.name)}\n`);
        else if (r.type === dns.TYPE_CNAME && r.data.kind === 'name') ctx.stdout(`${r.name} is an alias for ${dot(r.data.name)}\n`);
      }
    }
    return 0;
  })();
}

// ------------------------------------------------------------------------------------------ getent, hostname

function getentCommand(m: Machine, ctx: CommandContext): Promise<number> | number {
  const [db, ...keys] = ctx.argv.slice(1);
  if (db === undefined) {
    ctx.stderr('getent: wrong number of arguments\nTry `getent --help\' or `getent --usage\' for more information.\n');
    return 1;
  }
  if (db !== 'hosts' && db !== 'ahosts' && db !== 'ahostsv4') {
    ctx.stderr(`Unknown database: ${db}\nTry \`getent --help' or \`getent --usage' for more information.\n`);
    return 1;
  }
  if (keys.length === 0) {
    if (db !== 'hosts') return 0;
    let hosts = '';
    try {
      hosts = m.fs.readFile('/etc/hosts');
    } catch {
      return 0;
    }
    for (const e of parseHosts(hosts)) ctx.stdout(`${formatIpv4(e.address).padEnd(15)} ${e.names.join(' ')}\n`);
    return 0;
  }
  return (async () => {
    let status = 0;
    for (const key of keys) {
      const r = await resolve(m, key, db === 'hosts' ? { aaaa: true, sequentialAaaaFirst: m.userland !== 'busybox' } : { aaaa: m.userland === 'busybox' });
      if (r.status !== 'ok') {
        status = 2;
        continue;
      }
      if (db === 'hosts') {
        let aliases: string[] = [];
        if (r.source === 'hosts') {
          const e = parseHosts(m.fs.isFile('/etc/hosts') ? m.fs.readFile('/etc/hosts') : '').find((x) => x.address === r.addresses[0]);
          aliases = e?.names.slice(1) ?? [];
        }
        for (const a of r.addresses) ctx.stdout(`${formatIpv4(a).padEnd(15)} ${[r.canonical, ...aliases].join(' ')}\n`);
      } else {
        for (const [i, a] of r.addresses.entries()) {
          const ip = formatIpv4(a).padEnd(15);
          ctx.stdout(`${ip} STREAM ${i === 0 ? r.canonical : ''}\n${ip} DGRAM  \n${ip} RAW    \n`);
        }
      }
    }
    return status;
  })();
}

function hostnameCommand(m: Machine, ctx: CommandContext): Promise<number> | number {
  const args = ctx.argv.slice(1);
  const gnu = m.userland !== 'busybox';
  const name = m.hostname();
  const opt = args[0];
  if (opt === undefined) {
    ctx.stdout(name + '\n');
    return 0;
  }
  if (opt === '-s' || opt === '--short') {
    ctx.stdout(name.split('.')[0] + '\n');
    return 0;
  }
  if (opt === '-I' || opt === '--all-ip-addresses') {
    if (!gnu) {
      ctx.stderr("hostname: invalid option -- 'I'\nBusyBox v1.36.1 (2023-07-27 17:12:24 UTC) multi-call binary.\n\nUsage: hostname [-sidf] [HOSTNAME | -F FILE]\n");
      return 1;
    }
    // hostname.c skips IFF_LOOPBACK interfaces, so a VIP that libnetwork put on lo is not listed
    const addrs = m.ns.addresses.filter((a) => a.scope === 'global' && a.dev.adminUp && !a.dev.isLoopback).map((a) => formatIpv4(a.address) + ' ');
    ctx.stdout(addrs.join('') + '\n');
    return 0;
  }
  if (opt === '-i' || opt === '--ip-address' || opt === '-f' || opt === '--fqdn' || opt === '--long' || opt === '-d' || opt === '--domain') {
    return (async () => {
      const r = await resolve(m, name, { aaaa: !gnu });
      if (r.status !== 'ok') {
        ctx.stderr(gnu ? 'hostname: Name or service not known\n' : `hostname: ${name}: Unknown host\n`);
        return 1;
      }
      if (opt === '-i' || opt === '--ip-address') ctx.stdout(gnu ? r.addresses.map((a) => formatIpv4(a) + ' ').join('') + '\n' : r.addresses.map(formatIpv4).join(' ') + '\n');
      else if (opt === '-d' || opt === '--domain') ctx.stdout((r.canonical.includes('.') ? r.canonical.slice(r.canonical.indexOf('.') + 1) : '') + '\n');
      else ctx.stdout(r.canonical + '\n');
      return 0;
    })();
  }
  if (opt.startsWith('-')) {
    ctx.stderr(`hostname: invalid option -- '${opt.slice(1, 2)}'\n`);
    return gnu ? 4 : 1;
  }
  ctx.stderr(gnu ? 'hostname: you must be root to change the host name\n' : 'hostname: sethostname: Operation not permitted\n');
  return 1;
}

export function dnsTools(m: Machine): Record<string, CommandImpl> {
  return {
    nslookup: (ctx) => (m.userland === 'busybox' ? nslookupBusybox(m, ctx) : nslookupBind(m, ctx)),
    dig: (ctx) => digCommand(m, ctx),
    host: (ctx) => hostCommand(m, ctx),
    getent: (ctx) => getentCommand(m, ctx),
    hostname: (ctx) => hostnameCommand(m, ctx),
  };
}

