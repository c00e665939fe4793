// Published ports (§4.4): the -p syntax as the CLI parses it (nat.ParsePortSpec), and the daemon's port allocator:
// random host ports from the node's ip_local_port_range, handed out sequentially per (IP, protocol) after the last
// one, skipping ports in use; a port held on 0.0.0.0 blocks every address and vice versa.

import { cliError, DockerError } from '../errors.ts';

export type Proto = 'tcp' | 'udp' | 'sctp';

export interface PortBinding {
  /** "" = every address. */
  readonly hostIp: string;
  /** 0 = a random port; a range is expanded into several bindings. */
  readonly hostPort: number;
  /** End of a host port range for a single container port ("8000-8010:80"): any free port in it. */
  readonly hostPortEnd?: number;
  readonly containerPort: number;
  readonly proto: Proto;
}

function parsePort(text: string, what: string, spec: string): [number, number] {
  const m = /^(\d+)(?:-(\d+))?$/.exec(text);
  if (!m) throw cliError(`invalid ${what}: ${spec}`);
  const a = Number(m[1]);
  const b = m[2] !== undefined ? Number(m[2]) : a;
  if (a < 1 || a > 65535 || b < a || b > 65535) throw cliError(`invalid ${what}: ${spec}`);
  return [a, b];
}

/** `-p [ip:][hostPort[-end]:]containerPort[-end][/proto]` → bindings (one per container port). */
export function parsePublish(spec: string): PortBinding[] {
  let rest = spec;
  let proto: Proto = 'tcp';
  const slash = rest.lastIndexOf('/');
  if (slash >= 0) {
    const p = rest.slice(slash + 1).toLowerCase();
    if (p !== 'tcp' && p !== 'udp' && p !== 'sctp') throw cliError(`invalid proto: ${p}`);
    proto = p;
    rest = rest.slice(0, slash);
  }
  let hostIp = '';
  let hostPart = '';
  let contPart = rest;
  if (rest.startsWith('[')) {
    const end = rest.indexOf(']');
    hostIp = rest.slice(1, end);
    rest = rest.slice(end + 2);
  }
  const parts = rest.split(':');
  if (parts.length === 1) contPart = parts[0]!;
  else if (parts.length === 2) [hostPart, contPart] = parts as [string, string];
  else if (parts.length === 3) [hostIp, hostPart, contPart] = parts as [string, string, string];
  else throw cliError(`invalid hostPort: ${spec}`);
  if (hostIp !== '' && !/^\d+\.\d+\.\d+\.\d+$/.test(hostIp) && !hostIp.includes(':')) throw cliError(`invalid IP address: ${hostIp}`);
  if (contPart === '') throw cliError(`no port specified: ${spec}<empty>`);
  const [c0, c1] = parsePort(contPart, 'containerPort', contPart);
  let h0 = 0;
  let h1 = 0;
  if (hostPart !== '') [h0, h1] = parsePort(hostPart, 'hostPort', hostPart);
  const n = c1 - c0 + 1;
  const out: PortBinding[] = [];
  if (hostPart !== '' && h1 - h0 + 1 !== n) {
    if (n === 1) return [{ hostIp, hostPort: h0, hostPortEnd: h1, containerPort: c0, proto }];
    throw cliError(`invalid ranges specified for container and host Ports: ${contPart} and ${hostPart}`);
  }
  for (let i = 0; i < n; i++) out.push({ hostIp, hostPort: hostPart === '' ? 0 : h0 + i, containerPort: c0 + i, proto });
  return out;
}

/** "80/tcp" → [80, 'tcp']. */
export function parseExposed(text: string): { port: number; proto: Proto } {
  const [p, proto] = text.split('/');
  return { port: Number(p), proto: (proto ?? 'tcp') as Proto };
}

/** The daemon's PortAllocator. */
export class PortAllocator {
  /** `${ip}/${proto}` → ports in use. */
  private readonly used = new Map<string, Set<number>>();
  private readonly last = new Map<string, number>();

  constructor(private readonly range: () => [number, number]) {}

  private set(ip: string, proto: Proto): Set<number> {
    const k = `${ip}/${proto}`;
    let s = this.used.get(k);
    if (!s) {
      s = new Set();
      this.used.set(k, s);
    }
    return s;
  }

  private busy(ip: string, proto: Proto, port: number): boolean {
    const any = ip === '0.0.0.0';
    for (const [k, s] of this.used) {
      const [kip, kproto] = k.split('/');
      if (kproto !== proto || !s.has(port)) continue;
      if (any || kip === '0.0.0.0' || kip === ip) return true;
    }
    return false;
  }

  /** RequestPort: the given port (error when taken), or the next free one of the range. */
  request(hostIp: string, proto: Proto, port: number, portEnd?: number): number {
    const ip = hostIp === '' ? '0.0.0.0' : hostIp;
    if (port !== 0 && portEnd === undefined) {
      if (this.busy(ip, proto, port)) throw new DockerError(`Bind for ${ip}:${port} failed: port is already allocated`, 'internal');
      this.set(ip, proto).add(port);
      return port;
    }
    const [lo, hi] = portEnd !== undefined ? [port, portEnd] : this.range();
    const key = `${ip}/${proto}`;
    const start = portEnd !== undefined ? lo : (this.last.get(key) ?? lo - 1) + 1;
    const size = hi - lo + 1;
    for (let i = 0; i < size; i++) {
      const p = lo + ((start - lo + i) % size + size) % size;
      if (!this.busy(ip, proto, p)) {
        this.set(ip, proto).add(p);
        if (portEnd === undefined) this.last.set(key, p);
        return p;
      }
    }
    throw new DockerError('all ports are allocated', 'internal');
  }

  release(hostIp: string, proto: Proto, port: number): void {
    const ip = hostIp === '' ? '0.0.0.0' : hostIp;
    this.used.get(`${ip}/${proto}`)?.delete(port);
  }
}
