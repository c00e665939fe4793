// tcpdump 4.99: `tcpdump [-i IF] [-n|-nn] [-e] [-c N] [-w FILE] [-r FILE] [-t] [-p] [-v] [expression]` on the
// machine's namespace, through a capture tap (net/capture.ts). It prints what it captures as it arrives (stdout),
// the "listening on ..." banner and the closing counts on stderr, and with -w writes a real pcap (microsecond
// timestamps, as tcpdump writes) into the machine's file system, rewritten after every packet so a capture running
// in the background leaves a readable file. It stops after -c N packets or when interrupted (Ctrl-C: the shell's
// ctx.signal); a capture that nothing can interrupt stops after 60 s of virtual time.

import { LINKTYPE_ETHERNET, readPcap, writePcap } from '../../common/pcap/index.ts';
import { VfsError } from '../../common/vfs.ts';
import type { Machine } from '../../docker/machine.ts';
import { Capture, type CapturedFrame } from '../../net/capture.ts';
import { SECOND } from '../../sim/time.ts';
import type { CommandContext, CommandImpl } from '../interpreter.ts';
import { compileFilter, FilterError } from './bpf.ts';
import { onInterrupt, readBinaryFile, writeBinaryFile } from './common.ts';
import { PacketPrinter, timestamp } from './packet-print.ts';

const UNINTERRUPTIBLE_LIMIT = 60 * SECOND;
const SNAPLEN = 262144;

const DIR: Record<string, string> = { host: 'In ', broadcast: 'B  ', multicast: 'M  ', otherhost: 'P  ', outgoing: 'Out', loopback: 'In ' };

export function tcpdumpCommand(m: Machine): CommandImpl {
  return (ctx) => runTcpdump(m, ctx);
}

function plural(n: number): string {
  return n === 1 ? '' : 's';
}

async function runTcpdump(m: Machine, ctx: CommandContext): Promise<number> {
  const argv = ctx.argv.slice(1);
  let iface: string | undefined;
  let numeric = false;
  let ether = false;
  let count: number | undefined;
  let wfile: string | undefined;
  let rfile: string | undefined;
  let noTs = false;
  let promisc = true;
  let verbose = false;
  const expr: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('-') || a === '-') {
      expr.push(a);
      continue;
    }
    for (let j = 1; j < a.length; j++) {
      const c = a[j]!;
      const value = (): string | undefined => {
        const v = j + 1 < a.length ? a.slice(j + 1) : argv[++i];
        j = a.length;
        return v;
      };
      if (c === 'n') numeric = true;
      else if (c === 'e') ether = true;
      else if (c === 't') noTs = true;
      else if (c === 'p') promisc = false;
      else if (c === 'v') verbose = true;
      else if (c === 'l' || c === 'q' || c === 'U' || c === 'S') continue;
      else if (c === 'i' || c === 'c' || c === 'w' || c === 'r' || c === 's') {
        const v = value();
        if (v === undefined) {
          ctx.stderr(`tcpdump: option requires an argument -- '${c}'\n`);
          return 1;
        }
        if (c === 'i') iface = v;
        else if (c === 'c') {
          const n = Number(v);
          if (!Number.isInteger(n) || n <= 0) {
            ctx.stderr(`tcpdump: invalid packet count ${v}\n`);
            return 1;
          }
          count = n;
        } else if (c === 'w') wfile = v;
        else if (c === 'r') rfile = v;
      } else {
        ctx.stderr(`tcpdump: invalid option -- '${c}'\n`);
        return 1;
      }
    }
  }
  let filter: (d: Uint8Array) => boolean;
  try {
    filter = compileFilter(expr.join(' '));
  } catch (e) {
    if (!(e instanceof FilterError)) throw e;
    ctx.stderr(`tcpdump: ${e.message === 'syntax error' ? 'syntax error in filter expression: syntax error' : e.message}\n`);
    return 1;
  }
  const printer = new PacketPrinter({ numeric, ether });

  if (rfile !== undefined) {
    let bytes: Uint8Array;
    try {
      bytes = readBinaryFile(ctx.fs, rfile, ctx.cwd);
    } catch (e) {
      if (!(e instanceof VfsError)) throw e;
      ctx.stderr(`tcpdump: ${rfile}: No such file or directory\n`);
      return 1;
    }
    let file;
    try {
      file = readPcap(bytes);
    } catch {
      ctx.stderr(`tcpdump: ${rfile}: unknown file format\n`);
      return 1;
    }
    ctx.stderr(`reading from file ${rfile}, link-type EN10MB (Ethernet), snapshot length ${SNAPLEN}\n`);
    let n = 0;
    for (const p of file.packets) {
      if (!filter(p.data)) continue;
      ctx.stdout(`${noTs ? '' : timestamp(Number(p.tsNs)) + ' '}${printer.ether(p.data, p.origLen)}\n`);
      if (count !== undefined && ++n >= count) break;
    }
    return 0;
  }

  const ns = m.ns;
  let dev;
  if (iface === undefined) {
    dev = ns.deviceList.find((d) => d.kind !== 'loopback' && d.adminUp);
    if (dev === undefined) {
      ctx.stderr('tcpdump: no suitable device found\n');
      return 1;
    }
    iface = dev.name;
  } else if (iface !== 'any') {
    if (!ns.hasDevice(iface)) {
      ctx.stderr(`tcpdump: ${iface}: No such device exists\n(SIOCGIFHWADDR: No such device)\n`);
      return 1;
    }
    dev = ns.device(iface);
    if (!dev.adminUp) {
      ctx.stderr(`tcpdump: ${iface}: That device is not up\n`);
      return 1;
    }
  }
  const any = iface === 'any';
  if (wfile !== undefined) {
    try {
      writeBinaryFile(ctx.fs, wfile, ctx.cwd, writePcap([], { linktype: LINKTYPE_ETHERNET, resolution: 'us', snaplen: SNAPLEN }));
    } catch (e) {
      if (!(e instanceof VfsError)) throw e;
      ctx.stderr(`tcpdump: ${wfile}: ${e.reason}\n`);
      return 1;
    }
  }
  const linkType = any ? 'LINUX_SLL2 (Linux cooked v2)' : 'EN10MB (Ethernet)';
  if (!verbose && wfile === undefined) ctx.stderr('tcpdump: verbose output suppressed, use -v[v]... for full protocol decode\n');
  ctx.stderr(`${!verbose && wfile === undefined ? '' : 'tcpdump: '}listening on ${iface}, link-type ${linkType}, snapshot length ${SNAPLEN} bytes\n`);

  const sched = ns.env.scheduler;
  const epoch = ns.env.epochNs;
  let captured = 0;
  let finish: (interrupted: boolean) => void = () => undefined;
  const done = new Promise<boolean>((resolve) => (finish = resolve));
  const kept: CapturedFrame[] = [];
  const writeFile = (): void => {
    if (wfile === undefined) return;
    writeBinaryFile(ctx.fs, wfile, ctx.cwd, writePcap(kept.map((f) => ({ tsNs: f.ts, data: f.data })), { linktype: LINKTYPE_ETHERNET, resolution: 'us', snaplen: SNAPLEN, epochNs: epoch }));
  };
  let stopped = false;
  const onFrame = (f: CapturedFrame): boolean => {
    if (stopped || !filter(f.data)) return false;
    captured++;
    if (wfile !== undefined) {
      kept.push(f);
      writeFile();
    } else {
      const ts = noTs ? '' : timestamp(epoch + f.ts) + ' ';
      const prefix = any ? `${f.dev.padEnd(5)} ${DIR[f.pktType] ?? 'In '} ` : '';
      ctx.stdout(`${ts}${prefix}${printer.ether(f.data)}\n`);
    }
    if (count !== undefined && captured >= count) {
      stopped = true;
      sched.schedule(0, () => finish(false));
    }
    return false;
  };
  const cap = any || dev === undefined ? Capture.onAny(ns, { filter: onFrame }) : Capture.onDevice(dev, { promisc, filter: onFrame });
  const interruptible = onInterrupt(ctx, () => finish(true));
  const limit = !interruptible && count === undefined ? sched.schedule(UNINTERRUPTIBLE_LIMIT, () => finish(true)) : undefined;
  const interrupted = await done;
  stopped = true;
  cap.stop();
  limit?.cancel();
  if (interrupted && wfile === undefined) ctx.stdout('\n');
  ctx.stderr(`${captured} packet${plural(captured)} captured\n${captured} packet${plural(captured)} received by filter\n0 packets dropped by kernel\n`);
  return 0;
}
