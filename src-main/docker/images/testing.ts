// Test helpers for the images: a bridge with a server and a client namespace, a ProgramContext over a namespace
// (virtual clock, logs collected), and raw TCP exchanges that return the bytes the server sent.

import { Vfs } from '../../common/vfs.ts';
import { parseIpv4 } from '../../common/wire/ipv4-address.ts';
import { MILLISECOND, SECOND, type Time } from '../../sim/time.ts';
import type { Bridge } from '../../net/bridge.ts';
import type { NetNamespace } from '../../net/namespace.ts';
import { NetLab } from '../../net/scenario.ts';
import { SocketProcess } from '../../net/sockets/owner.ts';
import type { ContainerProgram, ImageDefinition, ProcessIo, ProgramContext, StopSignal } from '../daemon/contracts.ts';
import type { Machine, Userland } from '../machine.ts';

const enc = new TextEncoder();
const dec = new TextDecoder();

export interface TestNet {
  readonly lab: NetLab;
  readonly host: NetNamespace;
  readonly br: Bridge;
  /** 172.18.0.2 */
  readonly server: NetNamespace;
  /** 172.18.0.3 */
  readonly client: NetNamespace;
  /** Adds a namespace on the bridge at 172.18.0.N. */
  add(name: string, n: number): NetNamespace;
}

/** A bridge 172.18.0.0/16 (gateway .1 on the host) with server .2 and client .3; epoch 2025-05-03 10:00:00 UTC. */
export function testNet(seed = 1): TestNet {
  const lab = new NetLab({ seed, epochNs: 1_746_266_400 * 1e9 });
  const host = lab.namespace('host');
  const br = host.addBridge('br0', { mac: '02:42:00:00:00:01', addresses: ['172.18.0.1/16'] });
  const add = (name: string, n: number): NetNamespace => {
    const ns = lab.namespace(name);
    lab.vethPair(ns, 'eth0', host, `veth${n}`, { macA: `02:42:ac:12:00:${n.toString(16).padStart(2, '0')}`, master: br });
    ns.addAddress('eth0', `172.18.0.${n}/16`);
    ns.addRoute('default', { via: '172.18.0.1' });
    return ns;
  };
  return { lab, host, br, server: add('server', 2), client: add('client', 3), add };
}

export interface Started {
  readonly machine: Machine;
  readonly out: string[];
  readonly err: string[];
  exitCode: number | undefined;
  stop(): void;
}

export interface StartOptions {
  readonly args?: readonly string[];
  readonly env?: Record<string, string>;
  readonly hostname?: string;
  readonly userland?: Userland;
  readonly files?: Record<string, string>;
  readonly image?: string;
  /** What ctx.run does (default: prints argv and exits 0). */
  readonly run?: (argv: readonly string[], io: ProcessIo) => Promise<number>;
}

/** A Machine over `ns`. */
export function testMachine(lab: NetLab, ns: NetNamespace, o: { hostname?: string; userland?: Userland; files?: Record<string, string> } = {}): Machine {
  const fs = Vfs.with(['/etc', '/tmp'], o.files ?? {});
  const hostname = o.hostname ?? 'a1b2c3d4e5f6';
  return { kind: 'container', id: `node1/${ns.name}`, ns, fs, userland: o.userland ?? 'gnu', random: lab.random.fork(`machine:${ns.name}`), hostname: () => hostname };
}

/** Starts `program` (or the image's program for its entrypoint+cmd) on `ns`. */
export function startProgram(lab: NetLab, ns: NetNamespace, what: ContainerProgram | ImageDefinition, o: StartOptions = {}): Started {
  const isImage = 'cmd' in what;
  const argv = o.args ?? (isImage ? [...(what.entrypoint ?? []), ...what.cmd] : []);
  const program = isImage ? what.program?.(argv) : what;
  if (program === undefined) throw new Error(`no program for ${argv.join(' ')}`);
  const machine = testMachine(lab, ns, { ...(o.hostname !== undefined ? { hostname: o.hostname } : {}), userland: o.userland ?? (isImage ? what.userland : 'gnu'), files: { ...(isImage ? what.files : {}), ...o.files } });
  const stops: (() => void)[] = [];
  let stopped = false;
  const signal: StopSignal = {
    get stopped() {
      return stopped;
    },
    onStop: (fn) => void stops.push(fn),
  };
  const started: Started = {
    machine,
    out: [],
    err: [],
    exitCode: undefined,
    stop: () => {
      stopped = true;
      for (const f of stops) f();
      program.stop?.();
    },
  };
  const ctx: ProgramContext = {
    machine,
    container: { id: 'a1b2c3d4e5f6'.padEnd(64, '0'), name: ns.name, image: o.image ?? (isImage ? what.name : 'test'), node: 'node1' },
    env: new Map(Object.entries({ PATH: '/usr/bin:/bin', HOSTNAME: machine.hostname(), ...(isImage ? what.env : {}), ...o.env })),
    args: argv,
    process: new SocketProcess(machine, 1, argv[0]?.slice(argv[0].lastIndexOf('/') + 1) ?? '', argv[0] ?? ''),
    clock: { now: () => lab.now, sleep: (t: Time) => new Promise<void>((r) => lab.after(t, r)) },
    signal,
    log: (l) => void started.out.push(l),
    logError: (l) => void started.err.push(l),
    exit: (c) => void (started.exitCode = c),
    run:
      o.run ??
      ((a, io) => {
        io.stdout(`${a.join(' ')}\n`);
        return Promise.resolve(0);
      }),
  };
  void program.start(ctx);
  return started;
}

export interface Exchange {
  /** Everything the server sent, as text. */
  text: string;
  /** The server closed (FIN received). */
  closedByServer: boolean;
  error: string | undefined;
}

/**
 * Connects from `ns` to addr:port, writes each request in turn (the next one after `gap`), collects the bytes until
 * the server closes or `wait` passes, then closes. Runs the lab.
 */
export function tcpExchange(lab: NetLab, ns: NetNamespace, addr: string, port: number, requests: readonly (string | Uint8Array)[], o: { gap?: Time; wait?: Time } = {}): Exchange {
  const ex: Exchange = { text: '', closedByServer: false, error: undefined };
  const sock = ns.tcp.connect(parseIpv4(addr), port);
  const chunks: Uint8Array[] = [];
  sock.onConnect = () => {
    requests.forEach((r, i) => lab.after((o.gap ?? 50 * MILLISECOND) * i + 400_000, () => sock.write(typeof r === 'string' ? enc.encode(r) : r)));
  };
  sock.onData = (d) => void chunks.push(d.slice());
  let clientClosed = false;
  sock.onEnd = () => {
    if (!clientClosed) ex.closedByServer = true;
    sock.close();
  };
  sock.onError = (e) => void (ex.error = e.code);
  lab.run(lab.now + (o.wait ?? 2 * SECOND));
  clientClosed = true;
  if (!ex.closedByServer) sock.close();
  lab.run(lab.now + 10 * MILLISECOND);
  ex.text = chunks.map((c) => dec.decode(c)).join('');
  return ex;
}

/** A GET as curl 7.88 sends it. */
export function curlGet(host: string, path = '/', extra: readonly string[] = []): string {
  return `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nUser-Agent: curl/7.88.1\r\nAccept: */*\r\n${extra.map((h) => `${h}\r\n`).join('')}\r\n`;
}

/** Splits a response text into head lines and body. */
export function splitResponse(text: string): { status: string; headers: string[]; body: string } {
  const i = text.indexOf('\r\n\r\n');
  const head = text.slice(0, i).split('\r\n');
  return { status: head[0] ?? '', headers: head.slice(1), body: text.slice(i + 4) };
}
