// The iptables rules the bridge driver programs on a node, as the real daemon does (docker-networking.md §4.3,
// moby's golden files for the ≥28.0.1 layout; libnetwork's setup_ip_tables for the older one):
//
//   ≥28.0.1  filter FORWARD → DOCKER-USER, DOCKER-FORWARD → {DOCKER-CT, DOCKER-ISOLATION-STAGE-1, DOCKER-BRIDGE → DOCKER};
//            raw PREROUTING direct-access DROP per endpoint (≥28.0.0);
//   older    filter FORWARD → DOCKER-USER, DOCKER-ISOLATION-STAGE-1, then per bridge the conntrack/DOCKER/ACCEPT rules
//            directly in FORWARD; STAGE-1/2 end in RETURN.
//   both     nat PREROUTING/OUTPUT -m addrtype --dst-type LOCAL → DOCKER; POSTROUTING MASQUERADE per subnet;
//            nat DOCKER -i <br> -j RETURN and the DNAT per published port; filter DOCKER ACCEPT per published port.
//
// Every rule goes through the namespace's `iptables` command line, so `iptables -S` shows exactly what was added.

import { enableNetfilter, type NamespaceNetfilter } from '../../net/netfilter-glue.ts';
import type { NetNamespace } from '../../net/namespace.ts';
import { atLeast, type EngineVersion } from '../version.ts';

export type FirewallLayout = 'v28' | 'legacy';

export interface BridgeRuleSpec {
  readonly bridge: string;
  /** "172.18.0.0/16". */
  readonly subnet: string;
  readonly icc: boolean;
  readonly masquerade: boolean;
  readonly internal: boolean;
}

export interface PortRuleSpec {
  readonly bridge: string;
  readonly proto: 'tcp' | 'udp' | 'sctp';
  /** "" or "0.0.0.0" for every address. */
  readonly hostIp: string;
  readonly hostPort: number;
  readonly containerIp: string;
  readonly containerPort: number;
}

export class DockerFirewall {
  readonly fw: NamespaceNetfilter;
  readonly layout: FirewallLayout;
  /** 28.0.0 and newer: raw-table protection of container addresses. */
  readonly rawProtection: boolean;
  /** Before 28.2.2 DOCKER-USER ended in an explicit RETURN rule (moby dc519a0f18 dropped it). */
  private readonly userReturn: boolean;
  /** Errors of rules that failed (should stay empty; kept for tests). */
  readonly errors: string[] = [];

  constructor(
    readonly ns: NetNamespace,
    version: EngineVersion,
  ) {
    this.fw = enableNetfilter(ns, { bridgeNfCallIptables: true });
    this.layout = atLeast(version, 28, 0, 1) ? 'v28' : 'legacy';
    this.rawProtection = atLeast(version, 28);
    this.userReturn = !atLeast(version, 28, 2, 2);
    ns.sysctl.ipForward = true;
    this.setupBase();
  }

  private run(line: string): void {
    const r = this.fw.iptables(line);
    if (r.exitCode !== 0) this.errors.push(`iptables ${line}: ${r.stderr.trim()}`);
  }

  private setupBase(): void {
    const v28 = this.layout === 'v28';
    this.run('-P FORWARD DROP');
    this.run('-N DOCKER');
    if (v28) {
      this.run('-N DOCKER-BRIDGE');
      this.run('-N DOCKER-CT');
      this.run('-N DOCKER-FORWARD');
    }
    this.run('-N DOCKER-ISOLATION-STAGE-1');
    this.run('-N DOCKER-ISOLATION-STAGE-2');
    this.run('-N DOCKER-USER');
    this.run('-A FORWARD -j DOCKER-USER');
    if (v28) {
      this.run('-A FORWARD -j DOCKER-FORWARD');
      this.run('-A DOCKER-FORWARD -j DOCKER-CT');
      this.run('-A DOCKER-FORWARD -j DOCKER-ISOLATION-STAGE-1');
      this.run('-A DOCKER-FORWARD -j DOCKER-BRIDGE');
    } else {
      this.run('-A FORWARD -j DOCKER-ISOLATION-STAGE-1');
      this.run('-A DOCKER-ISOLATION-STAGE-1 -j RETURN');
      this.run('-A DOCKER-ISOLATION-STAGE-2 -j RETURN');
    }
    if (this.userReturn) this.run('-A DOCKER-USER -j RETURN');
    this.run('-t nat -N DOCKER');
    this.run('-t nat -A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER');
    this.run('-t nat -A OUTPUT ! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j DOCKER');
  }

  /** The rules of one bridge network (add = true) or their removal. */
  bridgeRules(s: BridgeRuleSpec, add: boolean): void {
    const A = add ? '-A' : '-D';
    const I = add ? '-I' : '-D';
    const br = s.bridge;
    const lines: string[] = [];
    if (this.layout === 'v28') {
      if (s.internal) {
        // setupInternalNetworkRules inserts the incoming drop, then the outgoing one above it, at the chain's top.
        lines.push(`${I} DOCKER-ISOLATION-STAGE-1 ! -d ${s.subnet} -i ${br} -j DROP`);
        lines.push(`${I} DOCKER-ISOLATION-STAGE-1 ! -s ${s.subnet} -o ${br} -j DROP`);
        if (s.icc) lines.push(`${A} DOCKER-FORWARD -i ${br} -o ${br} -j ACCEPT`);
        else lines.push(`${A} DOCKER-FORWARD -i ${br} -o ${br} -j DROP`);
      } else {
        lines.push(`${A} DOCKER ! -i ${br} -o ${br} -j DROP`);
        lines.push(`${A} DOCKER-BRIDGE -o ${br} -j DOCKER`);
        lines.push(`${A} DOCKER-CT -o ${br} -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT`);
        if (!s.icc) lines.push(`${A} DOCKER-FORWARD -i ${br} -o ${br} -j DROP`);
        lines.push(`${A} DOCKER-FORWARD -i ${br} -j ACCEPT`);
        lines.push(`${A} DOCKER-ISOLATION-STAGE-1 -i ${br} ! -o ${br} -j DOCKER-ISOLATION-STAGE-2`);
        // setINC inserts the STAGE-2 drop (the newest bridge first) and appends the STAGE-1 jump.
        lines.push(`${I} DOCKER-ISOLATION-STAGE-2 -o ${br} -j DROP`);
      }
    } else if (s.internal) {
      lines.push(`${I} DOCKER-ISOLATION-STAGE-1 ! -s ${s.subnet} -o ${br} -j DROP`);
      lines.push(`${I} DOCKER-ISOLATION-STAGE-1 ! -d ${s.subnet} -i ${br} -j DROP`);
      lines.push(`${A} FORWARD -i ${br} -o ${br} -j ${s.icc ? 'ACCEPT' : 'DROP'}`);
    } else {
      lines.push(`${A} FORWARD -o ${br} -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT`);
      lines.push(`${A} FORWARD -o ${br} -j DOCKER`);
      lines.push(`${A} FORWARD -i ${br} ! -o ${br} -j ACCEPT`);
      lines.push(`${A} FORWARD -i ${br} -o ${br} -j ${s.icc ? 'ACCEPT' : 'DROP'}`);
      lines.push(`${I} DOCKER-ISOLATION-STAGE-1 -i ${br} ! -o ${br} -j DOCKER-ISOLATION-STAGE-2`);
      lines.push(`${I} DOCKER-ISOLATION-STAGE-2 -o ${br} -j DROP`);
    }
    if (!s.internal) {
      // programChainRule inserts: the newest network's MASQUERADE comes first.
      if (s.masquerade) lines.push(`-t nat ${I} POSTROUTING -s ${s.subnet} ! -o ${br} -j MASQUERADE`);
      lines.push(`-t nat ${I} DOCKER -i ${br} -j RETURN`);
    }
    if (!add) lines.reverse();
    for (const l of lines) this.run(l);
  }

  /** raw PREROUTING -d C ! -i br -j DROP for an endpoint of a non-internal nat-mode network (≥28). */
  directAccessRule(bridge: string, containerIp: string, add: boolean): void {
    if (!this.rawProtection) return;
    this.run(`-t raw ${add ? '-A' : '-D'} PREROUTING -d ${containerIp}/32 ! -i ${bridge} -j DROP`);
  }

  /** The filter ACCEPT and nat DNAT of one published port (and the ≥28 loopback protection when bound to 127.*). */
  portRules(p: PortRuleSpec, add: boolean): void {
    const A = add ? '-A' : '-D';
    const I = add ? '-I' : '-D';
    const any = p.hostIp === '' || p.hostIp === '0.0.0.0';
    const m = `-p ${p.proto} -m ${p.proto}`;
    const lines = [
      `${I} DOCKER -d ${p.containerIp}/32 ! -i ${p.bridge} -o ${p.bridge} ${m} --dport ${p.containerPort} -j ACCEPT`,
      `-t nat ${A} DOCKER${any ? '' : ` -d ${p.hostIp}/32`} ! -i ${p.bridge} ${m} --dport ${p.hostPort} -j DNAT --to-destination ${p.containerIp}:${p.containerPort}`,
    ];
    if (this.layout === 'legacy') lines.push(`-t nat ${A} POSTROUTING -s ${p.containerIp}/32 -d ${p.containerIp}/32 ${m} --dport ${p.containerPort} -j MASQUERADE`);
    if (this.rawProtection && p.hostIp.startsWith('127.')) lines.push(`-t raw ${A} PREROUTING -d ${p.hostIp}/32 ! -i lo ${m} --dport ${p.hostPort} -j DROP`);
    if (!add) lines.reverse();
    for (const l of lines) this.run(l);
  }
}

/**
 * The embedded DNS redirection Docker installs in a container's namespace: 127.0.0.11:53 → 127.0.0.11:<port>
 * (OUTPUT DNAT) and the replies' source port back to 53 (POSTROUTING SNAT) [M28:libnetwork/resolver_linux.go].
 */
export function programResolverRules(ns: NetNamespace, udpPort: number, tcpPort: number): string[] {
  const fw = enableNetfilter(ns);
  const errors: string[] = [];
  for (const line of [
    '-t nat -N DOCKER_OUTPUT',
    '-t nat -N DOCKER_POSTROUTING',
    '-t nat -A OUTPUT -d 127.0.0.11/32 -j DOCKER_OUTPUT',
    '-t nat -A POSTROUTING -d 127.0.0.11/32 -j DOCKER_POSTROUTING',
    `-t nat -A DOCKER_OUTPUT -d 127.0.0.11/32 -p tcp -m tcp --dport 53 -j DNAT --to-destination 127.0.0.11:${tcpPort}`,
    `-t nat -A DOCKER_OUTPUT -d 127.0.0.11/32 -p udp -m udp --dport 53 -j DNAT --to-destination 127.0.0.11:${udpPort}`,
    `-t nat -A DOCKER_POSTROUTING -s 127.0.0.11/32 -p tcp -m tcp --sport ${tcpPort} -j SNAT --to-source :53`,
    `-t nat -A DOCKER_POSTROUTING -s 127.0.0.11/32 -p udp -m udp --sport ${udpPort} -j SNAT --to-source :53`,
  ]) {
    const r = fw.iptables(line);
    if (r.exitCode !== 0) errors.push(`iptables ${line}: ${r.stderr.trim()}`);
  }
  return errors;
}
