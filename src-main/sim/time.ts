// Virtual time: an integer number of nanoseconds since the start of a simulation, held in a JS `number`.
// Integers are exact up to Number.MAX_SAFE_INTEGER (2^53 - 1 ns, about 104 days), far beyond any lab run.
// Every constructor below rounds to a whole nanosecond and refuses values that would lose precision.

/** Virtual time or a duration, in whole nanoseconds. */
export type Time = number;

export const NANOSECOND: Time = 1;
export const MICROSECOND: Time = 1_000;
export const MILLISECOND: Time = 1_000_000;
export const SECOND: Time = 1_000_000_000;

/** The largest representable instant (about 104 days). */
export const MAX_TIME: Time = Number.MAX_SAFE_INTEGER;

function make(n: number, unit: number, what: string): Time {
  const t = Math.round(n * unit);
  if (!Number.isSafeInteger(t)) throw new RangeError(`${what}(${n}) is not representable as integer nanoseconds`);
  return t;
}

/** `n` nanoseconds (rounded to an integer). */
export function ns(n: number): Time {
  return make(n, NANOSECOND, 'ns');
}
/** `n` microseconds, as nanoseconds. */
export function us(n: number): Time {
  return make(n, MICROSECOND, 'us');
}
/** `n` milliseconds, as nanoseconds. */
export function ms(n: number): Time {
  return make(n, MILLISECOND, 'ms');
}
/** `n` seconds, as nanoseconds. */
export function s(n: number): Time {
  return make(n, SECOND, 's');
}

/** True for a valid time value: a non-negative safe integer. */
export function isTime(t: number): boolean {
  return Number.isSafeInteger(t) && t >= 0;
}

/** Seconds as a float (for display and pcap headers only; never feed it back into time arithmetic). */
export function toSeconds(t: Time): number {
  return t / SECOND;
}

/** Milliseconds as a float. */
export function toMilliseconds(t: Time): number {
  return t / MILLISECOND;
}

/** Split into whole seconds and the nanosecond remainder (pcap-ng/pcap timestamps). Exact for every valid time. */
export function splitSeconds(t: Time): { sec: number; nsec: number } {
  const sec = Math.floor(t / SECOND);
  return { sec, nsec: t - sec * SECOND };
}

/** Fixed-width instant as tshark prints it: "12.000345678" (seconds, nine decimals, exact). */
export function formatTime(t: Time): string {
  const neg = t < 0;
  const { sec, nsec } = splitSeconds(Math.abs(t));
  return `${neg ? '-' : ''}${sec}.${String(nsec).padStart(9, '0')}`;
}

/** A duration in the largest unit that keeps it readable: "0ns", "850ns", "12.5us", "1.02ms", "3s", "2.5s". */
export function formatDuration(t: Time): string {
  const neg = t < 0;
  const a = Math.abs(t);
  let out: string;
  if (a < MICROSECOND) out = `${a}ns`;
  else if (a < MILLISECOND) out = `${trim(a / MICROSECOND)}us`;
  else if (a < SECOND) out = `${trim(a / MILLISECOND)}ms`;
  else out = `${trim(a / SECOND)}s`;
  return neg ? `-${out}` : out;
}

function trim(x: number): string {
  // Up to three decimals, without trailing zeros.
  return String(Math.round(x * 1000) / 1000);
}
