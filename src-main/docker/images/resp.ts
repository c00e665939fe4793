// RESP2, the Redis serialization protocol: values (simple strings, errors, integers, bulk strings, arrays, nil),
// their encoding, an incremental parser for replies, and the server side's request parser (multibulk arrays of
// bulk strings, or inline commands split on spaces as redis-server accepts from telnet).

const enc = new TextEncoder();
const dec = new TextDecoder();

export type RespValue =
  | { readonly type: 'simple'; readonly value: string }
  | { readonly type: 'error'; readonly value: string }
  | { readonly type: 'integer'; readonly value: number }
  | { readonly type: 'bulk'; readonly value: Uint8Array | null }
  | { readonly type: 'array'; readonly value: readonly RespValue[] | null };

export const simple = (value: string): RespValue => ({ type: 'simple', value });
export const error = (value: string): RespValue => ({ type: 'error', value });
export const integer = (value: number): RespValue => ({ type: 'integer', value });
export const bulk = (value: Uint8Array | string | null): RespValue => ({ type: 'bulk', value: typeof value === 'string' ? enc.encode(value) : value });
export const array = (value: readonly RespValue[] | null): RespValue => ({ type: 'array', value });
export const NIL: RespValue = { type: 'bulk', value: null };
export const OK: RespValue = simple('OK');

function cat(parts: readonly Uint8Array[]): Uint8Array {
  const n = parts.reduce((a, p) => a + p.length, 0);
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** The wire bytes of a value. */
export function encodeResp(v: RespValue): Uint8Array {
  switch (v.type) {
    case 'simple':
      return enc.encode(`+${v.value}\r\n`);
    case 'error':
      return enc.encode(`-${v.value}\r\n`);
    case 'integer':
      return enc.encode(`:${v.value}\r\n`);
    case 'bulk':
      return v.value === null ? enc.encode('$-1\r\n') : cat([enc.encode(`$${v.value.length}\r\n`), v.value, enc.encode('\r\n')]);
    case 'array':
      return v.value === null ? enc.encode('*-1\r\n') : cat([enc.encode(`*${v.value.length}\r\n`), ...v.value.map(encodeResp)]);
  }
}

/** A command as clients send it: an array of bulk strings. */
export function encodeCommand(args: readonly (string | Uint8Array)[]): Uint8Array {
  return encodeResp(array(args.map((a) => bulk(a))));
}

function lineEnd(b: Uint8Array, from: number): number {
  for (let i = from; i + 1 < b.length; i++) if (b[i] === 13 && b[i + 1] === 10) return i;
  return -1;
}

/** Parses one value at `pos`; undefined when more bytes are needed. Throws on a protocol error. */
export function parseResp(b: Uint8Array, pos = 0): { value: RespValue; end: number } | undefined {
  if (pos >= b.length) return undefined;
  const e = lineEnd(b, pos);
  if (e < 0) return undefined;
  const line = dec.decode(b.subarray(pos + 1, e));
  switch (String.fromCharCode(b[pos]!)) {
    case '+':
      return { value: simple(line), end: e + 2 };
    case '-':
      return { value: error(line), end: e + 2 };
    case ':':
      return { value: integer(Number(line)), end: e + 2 };
    case '$': {
      const n = Number(line);
      if (n < 0) return { value: NIL, end: e + 2 };
      if (b.length < e + 2 + n + 2) return undefined;
      return { value: bulk(b.slice(e + 2, e + 2 + n)), end: e + 2 + n + 2 };
    }
    case '*': {
      const n = Number(line);
      if (n < 0) return { value: array(null), end: e + 2 };
      const items: RespValue[] = [];
      let p = e + 2;
      for (let i = 0; i < n; i++) {
        const r = parseResp(b, p);
        if (r === undefined) return undefined;
        items.push(r.value);
        p = r.end;
      }
      return { value: array(items), end: p };
    }
    default:
      throw new Error(`Protocol error: unexpected '${String.fromCharCode(b[pos]!)}'`);
  }
}

/** A request as redis-server reads it: argv, bytes used; undefined when incomplete; {error} for a protocol error. */
export function parseRequest(b: Uint8Array, pos = 0): { argv: Uint8Array[]; end: number } | { error: string } | undefined {
  if (pos >= b.length) return undefined;
  if (b[pos] !== 0x2a) {
    // Inline command: one line, arguments split on spaces (quotes not modelled).
    let e = -1;
    for (let i = pos; i < b.length; i++) if (b[i] === 10) {
      e = i;
      break;
    }
    if (e < 0) return b.length - pos > 65536 ? { error: 'Protocol error: too big inline request' } : undefined;
    const text = dec.decode(b.subarray(pos, b[e - 1] === 13 ? e - 1 : e));
    return { argv: text.split(' ').filter((x) => x !== '').map((x) => enc.encode(x)), end: e + 1 };
  }
  const e = lineEnd(b, pos);
  if (e < 0) return undefined;
  const n = Number(dec.decode(b.subarray(pos + 1, e)));
  if (!Number.isInteger(n) || n > 1024 * 1024) return { error: 'Protocol error: invalid multibulk length' };
  const argv: Uint8Array[] = [];
  let p = e + 2;
  for (let i = 0; i < n; i++) {
    if (p >= b.length) return undefined;
    if (b[p] !== 0x24) return { error: `Protocol error: expected '$', got '${String.fromCharCode(b[p]!)}'` };
    const le = lineEnd(b, p);
    if (le < 0) return undefined;
    const len = Number(dec.decode(b.subarray(p + 1, le)));
    if (!Number.isInteger(len) || len < 0 || len > 512 * 1024 * 1024) return { error: 'Protocol error: invalid bulk length' };
    if (b.length < le + 2 + len + 2) return undefined;
    argv.push(b.slice(le + 2, le + 2 + len));
    p = le + 2 + len + 2;
  }
  return { argv, end: p };
}

/** redis-cli's rendering of a reply (no TTY: raw format is used by pipes; this is the TTY form). */
export function formatReply(v: RespValue, indent = ''): string {
  switch (v.type) {
    case 'simple':
      return v.value;
    case 'error':
      return `(error) ${v.value}`;
    case 'integer':
      return `(integer) ${v.value}`;
    case 'bulk':
      return v.value === null ? '(nil)' : `"${dec.decode(v.value)}"`;
    case 'array':
      if (v.value === null || v.value.length === 0) return '(empty array)';
      return v.value.map((x, i) => `${i === 0 ? '' : indent}${i + 1}) ${formatReply(x, indent + '   ')}`).join('\n');
  }
}
