// date, as GNU coreutils 9.1 (gnu userlands) and busybox 1.36 (alpine, busybox) print it in the lab's time zone,
// UTC (no machine here sets another): the default "%a %b %e %H:%M:%S %Z %Y", +FORMAT with the strftime conversions
// scripts use, -u, -R (RFC 5322), -I[TIMESPEC] (ISO 8601; busybox writes the offset without a colon), -d with
// "@SECONDS" or an ISO date and time. Setting the clock is refused, as a container without CAP_SYS_TIME is (GNU
// still prints the time it was given). The time is the lab's wall clock: its epoch plus the virtual time.

import type { CommandImpl } from '../interpreter.ts';

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DEFAULT = '%a %b %e %H:%M:%S %Z %Y';

const pad = (n: number, width = 2, fill = '0') => String(n).padStart(width, fill);

/** strftime(format) of `ns` nanoseconds since 1970, in UTC; an unknown conversion is written as it is. */
export function strftime(format: string, ns: number): string {
  // A wall time in nanoseconds passes 2^53: a double holds it to 256 ns. Whole microseconds are what it can say.
  const us = Math.round(ns / 1000);
  const secs = Math.floor(us / 1e6);
  const nanos = (us - secs * 1e6) * 1000;
  const d = new Date(secs * 1000 + Math.floor(nanos / 1e6));
  const h = d.getUTCHours();
  const dayOfYear = Math.floor((Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86_400_000) + 1;
  const conv: Record<string, () => string> = {
    a: () => DAYS[d.getUTCDay()]!.slice(0, 3),
    A: () => DAYS[d.getUTCDay()]!,
    b: () => MONTHS[d.getUTCMonth()]!.slice(0, 3),
    h: () => MONTHS[d.getUTCMonth()]!.slice(0, 3),
    B: () => MONTHS[d.getUTCMonth()]!,
    c: () => strftime('%a %b %e %H:%M:%S %Y', ns),
    C: () => pad(Math.floor(d.getUTCFullYear() / 100)),
    d: () => pad(d.getUTCDate()),
    D: () => strftime('%m/%d/%y', ns),
    e: () => pad(d.getUTCDate(), 2, ' '),
    F: () => strftime('%Y-%m-%d', ns),
    H: () => pad(h),
    I: () => pad(h % 12 === 0 ? 12 : h % 12),
    j: () => pad(dayOfYear, 3),
    k: () => pad(h, 2, ' '),
    l: () => pad(h % 12 === 0 ? 12 : h % 12, 2, ' '),
    m: () => pad(d.getUTCMonth() + 1),
    M: () => pad(d.getUTCMinutes()),
    n: () => '\n',
    N: () => pad(nanos, 9),
    p: () => (h < 12 ? 'AM' : 'PM'),
    P: () => (h < 12 ? 'am' : 'pm'),
    r: () => strftime('%I:%M:%S %p', ns),
    R: () => strftime('%H:%M', ns),
    s: () => String(secs),
    S: () => pad(d.getUTCSeconds()),
    t: () => '\t',
    T: () => strftime('%H:%M:%S', ns),
    u: () => String(d.getUTCDay() === 0 ? 7 : d.getUTCDay()),
    w: () => String(d.getUTCDay()),
    x: () => strftime('%m/%d/%y', ns),
    X: () => strftime('%H:%M:%S', ns),
    y: () => pad(d.getUTCFullYear() % 100),
    Y: () => String(d.getUTCFullYear()),
    z: () => '+0000',
    Z: () => 'UTC',
    '%': () => '%',
  };
  return format.replace(/%(.)/gs, (all, c: string) => (Object.hasOwn(conv, c) ? conv[c]!() : all));
}

/** -d's argument: "@SECONDS", or an ISO date with an optional time (UTC); undefined when it is not one of them. */
function parseWhen(text: string): number | undefined {
  const at = /^@(-?\d+)(?:\.(\d{1,9}))?$/.exec(text.trim());
  if (at) return Number(at[1]) * 1e9 + Number((at[2] ?? '').padEnd(9, '0'));
  const iso = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?(?: ?(?:Z|UTC|\+00:?00))?$/.exec(text.trim());
  if (!iso) return undefined;
  const [, y, mo, da, hh, mi, ss] = iso;
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(da), Number(hh ?? 0), Number(mi ?? 0), Number(ss ?? 0));
  const back = new Date(ms);
  if (back.getUTCMonth() !== Number(mo) - 1 || back.getUTCDate() !== Number(da)) return undefined;
  return ms * 1e6;
}

const ISO: Readonly<Record<string, string>> = { date: '%Y-%m-%d', hours: '%Y-%m-%dT%H%:z', minutes: '%Y-%m-%dT%H:%M%:z', seconds: '%Y-%m-%dT%H:%M:%S%:z', ns: '%Y-%m-%dT%H:%M:%S,%N%:z' };

/** `date` of a machine: `wallNs` gives the lab's wall clock; `busybox` its userland. */
export function dateCommand(wallNs: () => number, busybox: boolean): CommandImpl {
  return (ctx) => {
    const args = ctx.argv.slice(1);
    let format: string | undefined;
    let when: number | undefined;
    let set: string | undefined;
    const fail = (msg: string): number => {
      ctx.stderr(busybox ? `date: ${msg}\n` : `date: ${msg}\nTry 'date --help' for more information.\n`);
      return 1;
    };
    for (let i = 0; i < args.length; i++) {
      const a = args[i]!;
      if (a.startsWith('+')) {
        if (format !== undefined) return fail(busybox ? 'extra operand' : `extra operand '${a}'`);
        format = a.slice(1);
      } else if (a === '-u' || a === '--utc' || a === '--universal') continue;
      else if (a === '-R' || a === '--rfc-email' || a === '--rfc-2822') format = '%a, %d %b %Y %H:%M:%S %z';
      else if (a.startsWith('-I') || a.startsWith('--iso-8601')) {
        const spec = a.startsWith('-I') ? a.slice(2) : a.includes('=') ? a.slice(a.indexOf('=') + 1) : '';
        const key = spec === '' ? 'date' : spec;
        if (!Object.hasOwn(ISO, key)) return fail(busybox ? `invalid argument '${spec}' for '-I'` : `invalid argument '${spec}' for '--iso-8601'`);
        format = ISO[key]!;
      } else if (a === '-d' || a === '--date' || a.startsWith('--date=')) {
        const v = a.startsWith('--date=') ? a.slice(7) : args[++i];
        if (v === undefined) return fail(busybox ? "option requires an argument -- 'd'" : "option requires an argument -- 'd'");
        when = parseWhen(v);
        if (when === undefined) {
          ctx.stderr(busybox ? `date: invalid date '${v}'\n` : `date: invalid date '${v}'\n`);
          return 1;
        }
      } else if (a === '-s' || a === '--set' || a.startsWith('--set=')) {
        const v = a.startsWith('--set=') ? a.slice(6) : args[++i];
        if (v === undefined) return fail("option requires an argument -- 's'");
        set = v;
      } else if (a.startsWith('-') && a !== '-') return fail(busybox ? `unrecognized option: ${a.replace(/^-+/, '')}` : a.startsWith('--') ? `unrecognized option '${a}'` : `invalid option -- '${a.slice(1, 2)}'`);
      else return fail(busybox ? `invalid date '${a}'` : `invalid date '${a}'`);
    }
    if (set !== undefined) {
      const t = parseWhen(set);
      if (t === undefined) {
        ctx.stderr(`date: invalid date '${set}'\n`);
        return 1;
      }
      ctx.stderr(busybox ? 'date: can\'t set date: Operation not permitted\n' : 'date: cannot set date: Operation not permitted\n');
      if (!busybox) ctx.stdout(`${render(format ?? DEFAULT, t, busybox)}\n`);
      return 1;
    }
    ctx.stdout(`${render(format ?? DEFAULT, when ?? wallNs(), busybox)}\n`);
    return 0;
  };
}

/** strftime plus GNU's %:z ("+00:00"); busybox's -I formats write the offset as %z ("+0000"). */
function render(format: string, ns: number, busybox: boolean): string {
  return strftime(format.replace(/%:z/g, busybox ? '%z' : '+00:00'), ns);
}
