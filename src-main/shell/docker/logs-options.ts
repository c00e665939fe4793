// `docker logs` options as the CLI and the daemon read them (docker/cli, moby api/types/time and
// api/server/httputils/write_log_stream.go):
//  --since / --until  the client's GetTimestamp(): a Go duration back from now ("10m", "1h30m", "-1h"), an RFC 3339
//                     time or date (in the client's zone without one: UTC here), or a Unix time "secs[.nanos]" passed
//                     on as is; anything else is refused by the client, `invalid value for "since": …`, exit 1.
//                     The daemon shows a message unless its time is before since, and stops at one after until.
//  --tail N           the last N messages, taken before since/until filter them (so fewer may come); a value that is
//                     not a number, or a negative one, means all.
//  -t, --timestamps   each message prefixed with its time in RFC3339NanoFixed (nine fraction digits) and a space.
//  --details          each message prefixed with its extra attributes and a space (none here: a lone space).
// Times are nanoseconds since 1970 as bigints: the lab's wall time in nanoseconds passes 2^53.

import type { LogChunk } from '../../docker/daemon/container.ts';

/** A log message as the daemon keeps it: one line (its newline kept) and when it was written. */
export interface LogMessage {
  readonly stream: 'stdout' | 'stderr';
  readonly text: string;
  /** Nanoseconds since 1970. */
  readonly ns: bigint;
}

export interface LogsOptions {
  readonly tail?: string;
  /** Nanoseconds since 1970, from parseDaemonTimestamp(). */
  readonly since?: bigint;
  readonly until?: bigint;
  readonly timestamps: boolean;
  readonly details: boolean;
}

/** Chunks of output as messages, one per line (json-file keeps a line per entry; a last partial line is one too). */
export function messagesOf(chunks: readonly LogChunk[], wallNs: (at: number) => bigint): LogMessage[] {
  const out: LogMessage[] = [];
  for (const ch of chunks) for (const text of ch.text.split(/(?<=\n)/)) if (text !== '') out.push({ stream: ch.stream, text, ns: wallNs(ch.at) });
  return out;
}

/** What `docker logs` prints of the log so far: tail first, then since/until. */
export function selectMessages(all: readonly LogMessage[], o: LogsOptions): LogMessage[] {
  const n = o.tail === undefined || o.tail === 'all' ? -1 : goAtoi(o.tail);
  let out = n !== undefined && n >= 0 ? all.slice(Math.max(0, all.length - n)) : [...all];
  if (n === 0) out = [];
  if (o.since !== undefined) out = out.filter((m) => m.ns >= o.since!);
  if (o.until !== undefined) {
    const stop = out.findIndex((m) => m.ns > o.until!);
    if (stop >= 0) out = out.slice(0, stop);
  }
  return out;
}

/** The message as written to the client (write_log_stream.go: details, then the timestamp in front). */
export function formatMessage(m: LogMessage, o: LogsOptions): string {
  let line = o.details ? ` ${m.text}` : m.text;
  if (o.timestamps) line = `${rfc3339NanoFixed(m.ns)} ${line}`;
  return line;
}

/** "2006-01-02T15:04:05.000000000Z07:00" of a UTC time. */
export function rfc3339NanoFixed(ns: bigint): string {
  const sec = ns / 1_000_000_000n;
  const frac = ns - sec * 1_000_000_000n;
  return `${new Date(Number(sec) * 1000).toISOString().slice(0, 19)}.${frac.toString().padStart(9, '0')}Z`;
}

/** strconv.Atoi: an optional sign and decimal digits, else undefined. */
function goAtoi(s: string): number | undefined {
  return /^[+-]?\d+$/.test(s) ? Number(s) : undefined;
}

// ------------------------------------------------------------------------------- the client's GetTimestamp

const UNIT_NS: Readonly<Record<string, number>> = { ns: 1, us: 1e3, 'µs': 1e3, 'μs': 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

/** time.ParseDuration in nanoseconds, or undefined where Go refuses it. */
export function parseGoDuration(s: string): number | undefined {
  let rest = s;
  let sign = 1;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    if (rest[0] === '-') sign = -1;
    rest = rest.slice(1);
  }
  if (rest === '0') return 0;
  if (rest === '') return undefined;
  let total = 0;
  while (rest !== '') {
    const m = /^(\d*)(?:\.(\d*))?([^\d.]+)/.exec(rest);
    if (!m || (m[1] === '' && (m[2] === undefined || m[2] === ''))) return undefined;
    // The unit runs to the next digit or dot and must be one of Go's, whole.
    const unit = Object.hasOwn(UNIT_NS, m[3]!) ? UNIT_NS[m[3]!] : undefined;
    if (unit === undefined) return undefined;
    total += Number(`${m[1] || '0'}.${m[2] ?? ''}0`) * unit;
    rest = rest.slice(m[0].length);
  }
  return sign * total;
}

/** A flag value the client refuses: the message after `invalid value for "since": `. */
export class TimestampError extends Error {}

/**
 * The client's GetTimestamp(value, now) turned into the time the daemon then reads (nanoseconds since 1970), or a
 * TimestampError with Go's wording. `nowNs` is the client's clock.
 */
export function clientTimestamp(value: string, nowNs: bigint): bigint {
  const d = value !== '0' ? parseGoDuration(value) : undefined;
  if (d !== undefined) {
    // reference.Add(-d).Unix(): whole seconds, rounded down.
    const t = nowNs - BigInt(Math.trunc(d));
    const sec = t >= 0n ? t / 1_000_000_000n : -((-t + 999_999_999n) / 1_000_000_000n);
    return sec * 1_000_000_000n;
  }
  const inZone = !/[zZ+]/.test(value) && value.split('-').length - 1 !== 3;
  let layout: string;
  if (value.includes('.')) layout = inZone ? '2006-01-02T15:04:05.999999999' : '2006-01-02T15:04:05.999999999Z07:00';
  else if (value.includes('T')) {
    let colons = value.split(':').length - 1;
    if (!inZone && !/[zZ]/.test(value) && colons > 0) colons--;
    layout = ['2006-01-02T15', '2006-01-02T15:04', '2006-01-02T15:04:05'][Math.min(colons, 2)]! + (inZone ? '' : 'Z07:00');
  } else layout = inZone ? '2006-01-02' : '2006-01-02Z07:00';
  const parsed = parseGoTime(layout, value);
  if (typeof parsed === 'bigint') return parsed;
  if (value.includes('-')) throw new TimestampError(parsed);
  const unix = parseDaemonTimestamp(value);
  if (unix === undefined) throw new TimestampError(`failed to parse value as time or duration: ${goQuote(value)}`);
  return unix;
}

/** The daemon's ParseTimestamps of "secs[.nanos]" (a fraction of any length scaled to nanoseconds). */
export function parseDaemonTimestamp(value: string): bigint | undefined {
  const dot = value.indexOf('.');
  const secPart = dot < 0 ? value : value.slice(0, dot);
  if (!/^[+-]?\d+$/.test(secPart)) return undefined;
  const sec = BigInt(secPart);
  if (dot < 0) return sec * 1_000_000_000n;
  const nanoPart = value.slice(dot + 1);
  if (!/^[+-]?\d+$/.test(nanoPart)) return undefined;
  const digits = nanoPart.replace(/^[+-]/, '');
  const nanos = BigInt(Math.trunc(Number(nanoPart) * 10 ** (9 - digits.length)));
  return sec * 1_000_000_000n + nanos;
}

/** strconv.Quote for the printable ASCII a flag holds. */
function goQuote(s: string): string {
  return JSON.stringify(s);
}

// --------------------------------------------------------------------------------- Go's time.Parse, in UTC

const ELEMENTS = ['2006', '01', '02', '15', '04', '05', '.999999999', 'Z07:00'] as const;
const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * time.Parse(layout, value) for the layouts GetTimestamp uses (their elements: 2006 01 02 15 04 05 .999999999
 * Z07:00), a zoneless value taken as UTC: nanoseconds since 1970, or the error text Go gives.
 */
export function parseGoTime(layout: string, value: string): bigint | string {
  const fail = (layoutElem: string, valueElem: string): string => `parsing time ${goQuote(value)} as ${goQuote(layout)}: cannot parse ${goQuote(valueElem)} as ${goQuote(layoutElem)}`;
  const range = (what: string): string => `parsing time ${goQuote(value)}: ${what} out of range`;
  let l = layout;
  let v = value;
  let year = 0;
  let month = 1;
  let day = 1;
  let hour = 0;
  let minute = 0;
  let second = 0;
  let nanos = 0;
  let offsetSec = 0;
  while (l !== '') {
    const at = Math.min(...ELEMENTS.map((e) => (l.indexOf(e) < 0 ? l.length : l.indexOf(e))));
    const prefix = l.slice(0, at);
    if (prefix !== '') {
      if (!v.startsWith(prefix)) return fail(prefix, v);
      v = v.slice(prefix.length);
      l = l.slice(at);
      continue;
    }
    const elem = ELEMENTS.find((e) => l.startsWith(e))!;
    l = l.slice(elem.length);
    const hold = v;
    // getnum(): one or two digits; "fixed" elements need two.
    const num = (fixed: boolean): number | undefined => {
      if (!/^\d/.test(v)) return undefined;
      if (!/^\d\d/.test(v)) {
        if (fixed) return undefined;
        const n = Number(v[0]);
        v = v.slice(1);
        return n;
      }
      const n = Number(v.slice(0, 2));
      v = v.slice(2);
      return n;
    };
    switch (elem) {
      case '2006':
        if (!/^\d{4}/.test(v)) return fail(elem, hold);
        year = Number(v.slice(0, 4));
        v = v.slice(4);
        break;
      case '01': {
        const n = num(true);
        if (n === undefined) return fail(elem, hold);
        if (n < 1 || n > 12) return range('month');
        month = n;
        break;
      }
      case '02': {
        const n = num(true);
        if (n === undefined) return fail(elem, hold);
        day = n;
        break;
      }
      case '15': {
        const n = num(false);
        if (n === undefined) return fail(elem, hold);
        if (n > 23) return range('hour');
        hour = n;
        break;
      }
      case '04': {
        const n = num(true);
        if (n === undefined) return fail(elem, hold);
        if (n > 59) return range('minute');
        minute = n;
        break;
      }
      case '05': {
        const n = num(true);
        if (n === undefined) return fail(elem, hold);
        if (n > 59) return range('second');
        second = n;
        // A fraction in the value with none in the layout is read anyway.
        if (!l.startsWith('.999999999')) {
          const f = /^\.(\d+)/.exec(v);
          if (f) {
            nanos = fraction(f[1]!);
            v = v.slice(f[0].length);
          }
        }
        break;
      }
      case '.999999999': {
        const f = /^\.(\d+)/.exec(v);
        if (f) {
          nanos = fraction(f[1]!);
          v = v.slice(f[0].length);
        }
        break;
      }
      case 'Z07:00': {
        if (v.startsWith('Z')) {
          v = v.slice(1);
          break;
        }
        const z = /^([+-])(\d\d):(\d\d)/.exec(v);
        if (!z) return fail(elem, hold);
        offsetSec = (z[1] === '-' ? -1 : 1) * (Number(z[2]) * 3600 + Number(z[3]) * 60);
        v = v.slice(6);
        break;
      }
    }
  }
  if (v !== '') return `parsing time ${goQuote(value)}: extra text: ${goQuote(v)}`;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (day < 1 || day > (month === 2 && leap ? 29 : DAYS[month - 1]!)) return `parsing time ${goQuote(value)}: day out of range`;
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  // Date.UTC takes years 0-99 as 1900-1999; Go does not.
  const fixedMs = year < 100 ? new Date(ms).setUTCFullYear(year) : ms;
  return (BigInt(fixedMs / 1000) - BigInt(offsetSec)) * 1_000_000_000n + BigInt(nanos);
}

/** A fraction's digits as nanoseconds (beyond nine digits cut off). */
function fraction(digits: string): number {
  return Number(digits.slice(0, 9).padEnd(9, '0'));
}
