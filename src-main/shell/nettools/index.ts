// The network tools a machine's console has, in the dialect of its userland (shell/lab-host.ts adds them to the
// machine's shell). Which tools exist follows what the machine is:
//
// - a container with a busybox userland (alpine, busybox): busybox's ping, nslookup, wget, ip, ifconfig, route,
//   hostname, nc, netstat, traceroute;
// - a container with a gnu userland (debian, ubuntu, centos, netshoot): iputils ping, curl, BIND's dig, nslookup
//   and host, getent, iproute2's ip and ss, tcpdump, hostname (an image that lacks some of them can pass `only`);
// - a node (a Docker host): the host tools of TRANSCRIPTS.md (ip, ping, curl, tcpdump, iptables, ipvsadm,
//   conntrack, brctl, bridge, sysctl, hostname) and the name tools, with iproute2's ss (busybox's netstat
//   on a busybox node);
// - the workstation: ping, curl, wget, nslookup, dig, host, getent, ip, hostname.
// A tool that is not in the set gives the shell's own "not found".

import type { Machine } from '../../docker/machine.ts';
import type { CommandImpl } from '../interpreter.ts';
import { curlCommand, wgetCommand } from './curl.ts';
import { dnsTools } from './dns-tools.ts';
import { brctlCommand, bridgeCommand, conntrackCommand, iptablesCommand, ipvsadmCommand, sysctlCommand } from './host-tools.ts';
import { ifconfigCommand, ipCommand, routeCommand } from './ip.ts';
import { netstatCommand } from './netstat.ts';
import { ncCommand } from './nc.ts';
import { pingCommand } from './ping.ts';
import { ssCommand } from './ss.ts';
import { tcpdumpCommand } from './tcpdump.ts';
import { tracerouteCommand } from './traceroute.ts';

export { binaryFiles, readBinaryFile, writeBinaryFile } from './common.ts';

export interface NetToolsOptions {
  /** Keep only these tools (an image that has fewer than its userland's usual set). */
  readonly only?: readonly string[];
}

const SETS: Record<string, readonly string[]> = {
  'container/busybox': ['ping', 'nslookup', 'wget', 'ip', 'ifconfig', 'route', 'hostname', 'nc', 'netstat', 'traceroute'],
  'container/gnu': ['ping', 'curl', 'dig', 'nslookup', 'host', 'getent', 'ip', 'tcpdump', 'hostname', 'ss'],
  'node/gnu': ['ip', 'ping', 'curl', 'tcpdump', 'iptables', 'ipvsadm', 'conntrack', 'brctl', 'bridge', 'sysctl', 'hostname', 'nslookup', 'dig', 'host', 'getent', 'ss'],
  'node/busybox': ['ip', 'ping', 'wget', 'tcpdump', 'iptables', 'ipvsadm', 'conntrack', 'brctl', 'bridge', 'sysctl', 'hostname', 'nslookup', 'ifconfig', 'route', 'netstat'],
  'workstation/gnu': ['ping', 'curl', 'wget', 'nslookup', 'dig', 'host', 'getent', 'ip', 'hostname'],
  'workstation/busybox': ['ping', 'wget', 'nslookup', 'ip', 'hostname'],
};

/** The network commands of `machine`, by name. */
export function netTools(machine: Machine, options: NetToolsOptions = {}): Record<string, CommandImpl> {
  const all: Record<string, CommandImpl> = {
    ping: pingCommand(machine),
    nc: ncCommand(machine),
    ip: ipCommand(machine),
    ifconfig: ifconfigCommand(machine),
    route: routeCommand(machine),
    curl: curlCommand(machine),
    wget: wgetCommand(machine),
    tcpdump: tcpdumpCommand(machine),
    traceroute: tracerouteCommand(machine),
    iptables: iptablesCommand(machine),
    ipvsadm: ipvsadmCommand(machine),
    conntrack: conntrackCommand(machine),
    brctl: brctlCommand(machine),
    bridge: bridgeCommand(machine),
    sysctl: sysctlCommand(machine),
    netstat: netstatCommand(machine),
    ss: ssCommand(machine),
    ...dnsTools(machine),
  };
  const names = SETS[`${machine.kind}/${machine.userland}`] ?? [];
  const out: Record<string, CommandImpl> = {};
  for (const n of names) if (options.only === undefined || options.only.includes(n)) out[n] = all[n]!;
  return out;
}
