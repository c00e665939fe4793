// What the network tools share: the machine's resolver settings (its /etc/hosts and /etc/resolv.conf, the libc
// its userland has), one seeded stream per machine for the ids a tool draws (DNS ids, cookies), waiting in the
// lab's virtual time (the scheduler of the machine's namespace, which the shells' SchedulerClock shares), an
// interruption (Ctrl-C) when the shell offers one, and binary files in the machine's text-only file system.

import { VfsError, type Vfs } from '../../common/vfs.ts';
import type { Machine } from '../../docker/machine.ts';
import { lookupAddr, lookupHost, type Libc, type LookupOptions, type LookupResult, type ReverseResult } from '../../net/apps/resolver.ts';
import type { Ipv4Address } from '../../common/wire/ipv4-address.ts';
import type { Random } from '../../sim/random.ts';
import type { Time } from '../../sim/time.ts';
import type { CommandContext } from '../interpreter.ts';

export function libcOf(m: Machine): Libc {
  return m.userland === 'busybox' ? 'musl' : 'glibc';
}

function readOr(fs: Vfs, path: string): string | undefined {
  try {
    return fs.readFile(path);
  } catch (e) {
    if (e instanceof VfsError) return undefined;
    throw e;
  }
}

const streams = new WeakMap<Machine, Random>();

/** The machine's stream for tool ids (one per machine, drawn on across commands). */
export function idStream(m: Machine): Random {
  let r = streams.get(m);
  if (r === undefined) {
    r = m.random.fork('nettools');
    streams.set(m, r);
  }
  return r;
}

export function resolverOptions(m: Machine, extra: Partial<LookupOptions> = {}): LookupOptions {
  return { libc: libcOf(m), hosts: readOr(m.fs, '/etc/hosts'), resolvConf: readOr(m.fs, '/etc/resolv.conf'), random: idStream(m), ...extra };
}

export function resolve(m: Machine, name: string, extra: Partial<LookupOptions> = {}): Promise<LookupResult> {
  return new Promise((res) => lookupHost(m.ns, name, resolverOptions(m, extra), res));
}

export function reverse(m: Machine, addr: Ipv4Address, extra: Partial<LookupOptions> = {}): Promise<ReverseResult> {
  return new Promise((res) => lookupAddr(m.ns, addr, resolverOptions(m, extra), res));
}

export function resolvConfText(m: Machine): string | undefined {
  return readOr(m.fs, '/etc/resolv.conf');
}

/** Virtual time now (ns). */
export function now(m: Machine): Time {
  return m.ns.env.scheduler.now;
}

/** Wall-clock ns since 1970 now (virtual time plus the lab's epoch). */
export function wallNs(m: Machine): number {
  return m.ns.env.epochNs + m.ns.env.scheduler.now;
}

/** Resolves after `delay` ns of the lab's virtual time. */
export function sleep(m: Machine, delay: Time): Promise<void> {
  return new Promise((resolve) => {
    m.ns.env.scheduler.schedule(Math.max(0, Math.round(delay)), resolve);
  });
}

/** Calls `fn` once when the command is interrupted (Ctrl-C: the shell's ctx.signal); true when the shell can
 * interrupt it at all. */
export function onInterrupt(ctx: CommandContext, fn: () => void): boolean {
  const s = ctx.signal;
  if (s === undefined) return false;
  if (s.aborted) queueMicrotask(fn);
  else s.addEventListener('abort', fn, { once: true });
  return true;
}

// ------------------------------------------------------------------------------------------ binary files

const binaries = new WeakMap<Vfs, Map<string, Uint8Array>>();

/**
 * Writes bytes to a file of a text-only Vfs: the Vfs gets the bytes as a latin-1 string (so `ls`, `rm`, `cat` see a
 * file), and a side table keyed by the absolute path keeps the exact bytes. readBinaryFile returns them as long as
 * the text in the Vfs is still what was written.
 */
export function writeBinaryFile(fs: Vfs, path: string, cwd: string, bytes: Uint8Array): string {
  const abs = fs.resolve(path, cwd);
  let text = '';
  for (let i = 0; i < bytes.length; i += 0x2000) text += String.fromCharCode(...bytes.subarray(i, i + 0x2000));
  fs.writeFile(abs, text);
  let t = binaries.get(fs);
  if (t === undefined) {
    t = new Map();
    binaries.set(fs, t);
  }
  t.set(abs, bytes.slice());
  return abs;
}

export function readBinaryFile(fs: Vfs, path: string, cwd = '/'): Uint8Array {
  const abs = fs.resolve(path, cwd);
  const text = fs.readFile(abs);
  const b = binaries.get(fs)?.get(abs);
  if (b !== undefined && b.length === text.length) return b;
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 0xff;
  return out;
}

/** Every binary file written into `fs` that is still there, by absolute path (flotilla run --save-captures). */
export function binaryFiles(fs: Vfs): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  for (const p of binaries.get(fs)?.keys() ?? []) {
    if (fs.isFile(p)) out.set(p, readBinaryFile(fs, p));
  }
  return out;
}

/** A short option parser for the network tools: `spec` as getopt ("c:W:q"); returns null after printing `bad`. */
export function parseShort(argv: readonly string[], spec: string, onBad: (opt: string, kind: 'invalid' | 'missing') => void, long: Record<string, string> = {}): { flags: Map<string, string | true>; args: string[] } | null {
  const flags = new Map<string, string | true>();
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      args.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith('--') && a.length > 2) {
      const eq = a.indexOf('=');
      const name = eq < 0 ? a.slice(2) : a.slice(2, eq);
      const letter = long[name];
      if (letter === undefined) {
        onBad(a, 'invalid');
        return null;
      }
      if (spec.includes(letter + ':')) {
        const v = eq < 0 ? argv[++i] : a.slice(eq + 1);
        if (v === undefined) {
          onBad(a, 'missing');
          return null;
        }
        flags.set(letter, v);
      } else flags.set(letter, true);
      continue;
    }
    if (!a.startsWith('-') || a === '-') {
      args.push(a);
      continue;
    }
    for (let j = 1; j < a.length; j++) {
      const c = a[j]!;
      const at = spec.indexOf(c);
      if (at < 0 || c === ':') {
        onBad(c, 'invalid');
        return null;
      }
      if (spec[at + 1] === ':') {
        const v = j + 1 < a.length ? a.slice(j + 1) : argv[++i];
        if (v === undefined) {
          onBad(c, 'missing');
          return null;
        }
        flags.set(c, v);
        break;
      }
      flags.set(c, true);
    }
  }
  return { flags, args };
}
