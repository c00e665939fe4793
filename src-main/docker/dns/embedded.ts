// The daemon's EmbeddedDnsFactory (daemon/contracts.ts): the daemon picks the ports and writes the DNAT rules,
// this binds the server on them in the container's namespace and answers from the daemon's DnsRecords. The adapter
// only translates: PTR names in reverse notation become the address text the daemon looks up, and the daemon's
// upstreams (already filtered by the forwarding policy, each with the namespace to send from) become the server's.

import { formatIpv4 } from '../../common/wire/ipv4-address.ts';
import { formatIpv6 } from '../../common/wire/ipv6-address.ts';
import type { DnsRecords, EmbeddedDnsContext, EmbeddedDnsFactory, EmbeddedDnsServer as DaemonDnsServer } from '../daemon/contracts.ts';
import type { ResolverBackend } from './records.ts';
import { EmbeddedDnsServer } from './server.ts';

/** "2.0.18.172" → "172.18.0.2"; 32 nibbles → IPv6 text; anything else undefined. */
export function addressFromReverse(reversed: string): string | undefined {
  const parts = reversed.split('.');
  if (parts.length === 4 && parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) < 256)) return parts.reverse().join('.');
  if (parts.length === 32 && parts.every((p) => /^[0-9a-fA-F]$/.test(p))) {
    const b = new Uint8Array(16);
    for (let i = 0; i < 16; i++) b[15 - i] = parseInt(parts[2 * i]!, 16) | (parseInt(parts[2 * i + 1]!, 16) << 4);
    return formatIpv6(b);
  }
  return undefined;
}

/** The server's backend over the daemon's records. */
export function contractBackend(records: DnsRecords): ResolverBackend {
  return {
    resolveName: (name, family) => {
      const r = records.lookup(name, family);
      if (r === undefined) return undefined;
      return family === 4 ? r.map((a) => ipv4Number(a)) : r;
    },
    resolveIp: (reversed) => {
      const a = addressFromReverse(reversed);
      return a === undefined ? undefined : records.reverse(a);
    },
    ndotsSet: () => records.userNdots,
  };
}

function ipv4Number(text: string): number {
  const p = text.split('.').map(Number);
  return (((p[0]! << 24) | (p[1]! << 16) | (p[2]! << 8) | p[3]!) >>> 0);
}

/** Starts one container's embedded DNS server on the ports the daemon chose. */
export const embeddedDnsFactory: EmbeddedDnsFactory = (ctx: EmbeddedDnsContext): DaemonDnsServer => {
  const server = EmbeddedDnsServer.start(ctx.machine.ns, {
    backend: contractBackend(ctx.records),
    random: ctx.machine.random.fork('embedded-dns'),
    address: formatIpv4(ctx.address),
    udpPort: ctx.udpPort,
    tcpPort: ctx.tcpPort,
    extServers: () => ctx.records.upstreams().map((u) => ({ address: u.address, port: u.port, hostLoopback: false, ns: u.ns })),
  });
  return server;
};
