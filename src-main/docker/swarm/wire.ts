// The swarm's control messages on the wire. Real swarmkit speaks gRPC over mutual TLS on 2377 and hashicorp
// memberlist (UDP + TCP, encrypted with the gossip key) on 7946; the lab keeps the transports — real TCP
// connections and UDP datagrams between the nodes' underlay addresses, so captures show them and a cut link loses
// them — and replaces the encodings with a simple one: each TCP message is a 4-byte big-endian length followed by
// UTF-8 JSON; each UDP datagram is one JSON object.

import type { TcpSocket } from '../../net/tcp/socket.ts';

const enc = new TextEncoder();
const dec = new TextDecoder();

/** A message of the lab's swarm protocols (`t` says which). */
export type WireMessage = { readonly t: string } & Record<string, unknown>;

export function encodeFrame(m: WireMessage): Uint8Array {
  const body = enc.encode(JSON.stringify(m));
  const out = new Uint8Array(4 + body.length);
  new DataView(out.buffer).setUint32(0, body.length);
  out.set(body, 4);
  return out;
}

export function encodeDatagram(m: WireMessage): Uint8Array {
  return enc.encode(JSON.stringify(m));
}

export function decodeDatagram(b: Uint8Array): WireMessage | undefined {
  try {
    const v = JSON.parse(dec.decode(b)) as unknown;
    return typeof v === 'object' && v !== null && typeof (v as { t?: unknown }).t === 'string' ? (v as WireMessage) : undefined;
  } catch {
    return undefined;
  }
}

/** A TCP connection carrying length-prefixed JSON messages both ways. */
export class FramedConnection {
  onMessage: ((m: WireMessage) => void) | undefined;
  /** The connection is gone (closed by either side, reset, or timed out). Called once. */
  onClose: (() => void) | undefined;
  /** The TCP handshake completed (active side). */
  onOpen: (() => void) | undefined;
  private buf = new Uint8Array(0);
  private closed = false;
  open: boolean;

  constructor(
    readonly sock: TcpSocket,
    alreadyOpen: boolean,
  ) {
    this.open = alreadyOpen;
    sock.onConnect = () => {
      this.open = true;
      this.onOpen?.();
    };
    sock.onData = (d) => this.feed(d);
    sock.onEnd = () => {
      sock.end();
      this.gone();
    };
    sock.onError = () => this.gone();
    sock.onClose = () => this.gone();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  send(m: WireMessage): void {
    if (this.closed) return;
    this.sock.write(encodeFrame(m));
  }

  close(): void {
    if (this.closed) return;
    this.sock.end();
    this.gone();
  }

  abort(): void {
    if (this.closed) return;
    this.sock.abort();
    this.gone();
  }

  private gone(): void {
    if (this.closed) return;
    this.closed = true;
    this.onClose?.();
  }

  private feed(d: Uint8Array): void {
    const joined = new Uint8Array(this.buf.length + d.length);
    joined.set(this.buf);
    joined.set(d, this.buf.length);
    let off = 0;
    while (joined.length - off >= 4) {
      const len = new DataView(joined.buffer, joined.byteOffset + off).getUint32(0);
      if (joined.length - off - 4 < len) break;
      const body = joined.subarray(off + 4, off + 4 + len);
      off += 4 + len;
      let m: WireMessage | undefined;
      try {
        m = JSON.parse(dec.decode(body)) as WireMessage;
      } catch {
        m = undefined;
      }
      if (m !== undefined && !this.closed) this.onMessage?.(m);
    }
    this.buf = joined.slice(off);
  }
}
