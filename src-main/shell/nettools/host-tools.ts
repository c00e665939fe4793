// The tools of a Docker host's console that read the kernel's tables: iptables, ipvsadm and conntrack (the
// command helpers of net/netfilter and net/ipvs on the namespace's netfilter, netfilter-glue.ts), brctl show
// (bridge-utils 1.7), bridge fdb show (iproute2), sysctl (procps) for the net.* keys the emulator has.

import { formatMac } from '../../common/wire/mac.ts';
import type { Machine } from '../../docker/machine.ts';
import type { Bridge } from '../../net/bridge.ts';
import { enableNetfilter, netfilterOf } from '../../net/netfilter-glue.ts';
import { NO_IPVS_MESSAGE } from '../../net/ipvs/ipvsadm.ts';
import type { VxlanDevice } from '../../net/vxlan.ts';
import type { CommandContext, CommandImpl } from '../interpreter.ts';

function print(ctx: CommandContext, r: { stdout: string; stderr: string; exitCode: number }): number {
  if (r.stdout !== '') ctx.stdout(r.stdout);
  if (r.stderr !== '') ctx.stderr(r.stderr);
  return r.exitCode;
}

export function iptablesCommand(m: Machine): CommandImpl {
  return (ctx) => print(ctx, (netfilterOf(m.ns) ?? enableNetfilter(m.ns)).iptables(ctx.argv.slice(1)));
}

export function conntrackCommand(m: Machine): CommandImpl {
  return (ctx) => print(ctx, (netfilterOf(m.ns) ?? enableNetfilter(m.ns)).conntrack(ctx.argv.slice(1)));
}

export function ipvsadmCommand(m: Machine): CommandImpl {
  return (ctx) => {
    const fw = netfilterOf(m.ns);
    if (fw === undefined) return print(ctx, { stdout: '', stderr: NO_IPVS_MESSAGE, exitCode: 2 });
    return print(ctx, fw.ipvsadm(ctx.argv.slice(1)));
  };
}

function bridges(m: Machine): Bridge[] {
  return m.ns.deviceList.filter((d): d is Bridge => d.kind === 'bridge');
}

export function brctlCommand(m: Machine): CommandImpl {
  return (ctx) => {
    const [cmd, name] = ctx.argv.slice(1);
    if (cmd !== 'show') {
      ctx.stderr(cmd === undefined ? 'Usage: brctl [commands]\n' : `never heard of command [${cmd}]\n`);
      return 1;
    }
    let list = bridges(m);
    if (name !== undefined) {
      list = list.filter((b) => b.name === name);
      if (list.length === 0) {
        ctx.stdout('bridge name\tbridge id\t\tSTP enabled\tinterfaces\n');
        ctx.stderr(`bridge ${name} does not exist!\n`);
        return 1;
      }
    }
    let out = 'bridge name\tbridge id\t\tSTP enabled\tinterfaces\n';
    for (const b of [...list].sort((a, z) => (a.name < z.name ? -1 : 1))) {
      const id = `8000.${formatMac(b.mac).replace(/:/g, '')}`;
      out += `${b.name}\t\t${id}\tno\t\t`;
      const ports = b.ports.map((p) => p.dev.name).sort();
      if (ports.length === 0) out += '\n';
      ports.forEach((p, i) => (out += i === 0 ? `${p}\n` : `\t\t\t\t\t\t\t${p}\n`));
    }
    ctx.stdout(out);
    return 0;
  };
}

export function bridgeCommand(m: Machine): CommandImpl {
  return (ctx) => {
    const args = ctx.argv.slice(1);
    const obj = args.shift();
    if (obj === undefined || !'fdb'.startsWith(obj)) {
      ctx.stderr(obj === undefined ? 'Usage: bridge [ OPTIONS ] OBJECT { COMMAND | help }\n' : `Object "${obj}" is unknown, try "bridge help".\n`);
      return obj === undefined ? 255 : 255;
    }
    const cmd = args.shift() ?? 'show';
    if (cmd !== 'show' && cmd !== 'list' && cmd !== 'ls') {
      ctx.stderr(`Command "${cmd}" is unknown, try "bridge fdb help".\n`);
      return 255;
    }
    let br: string | undefined;
    let dev: string | undefined;
    while (args.length > 0) {
      const w = args.shift()!;
      if (w === 'br') br = args.shift();
      else if (w === 'dev') dev = args.shift();
    }
    const now = m.ns.env.scheduler.now;
    const lines: string[] = [];
    for (const d of m.ns.deviceList) {
      if (d.kind === 'bridge') {
        if (br !== undefined && d.name !== br) continue;
        for (const e of (d as Bridge).fdb.list(now)) {
          if (dev !== undefined && e.port.name !== dev) continue;
          const flags = e.local ? ' permanent' : e.isStatic ? ' static' : '';
          lines.push(`${formatMac(e.mac)} dev ${e.port.name} master ${d.name}${flags}`);
        }
      } else if (d.kind === 'vxlan') {
        if (dev !== undefined && d.name !== dev) continue;
        if (br !== undefined && d.master?.name !== br) continue;
        for (const l of (d as VxlanDevice).fdbShow()) {
          const sp = l.indexOf(' ');
          lines.push(`${l.slice(0, sp)} dev ${d.name}${l.slice(sp)}`);
        }
      }
    }
    for (const l of lines) ctx.stdout(l + ' \n');
    return 0;
  };
}

interface Key {
  get(): string;
  set?(v: string): boolean;
}

function keys(m: Machine): Record<string, Key> {
  const s = m.ns.sysctl;
  const bool = (get: () => boolean, set: (b: boolean) => void): Key => ({
    get: () => (get() ? '1' : '0'),
    set: (v) => {
      if (v !== '0' && v !== '1') return false;
      set(v === '1');
      return true;
    },
  });
  return {
    'net.ipv4.ip_forward': bool(() => s.ipForward, (b) => (s.ipForward = b)),
    'net.ipv4.conf.all.forwarding': bool(() => s.ipForward, (b) => (s.ipForward = b)),
    'net.ipv4.icmp_echo_ignore_all': bool(() => s.icmpEchoIgnoreAll, (b) => (s.icmpEchoIgnoreAll = b)),
    'net.ipv4.icmp_echo_ignore_broadcasts': bool(() => s.icmpEchoIgnoreBroadcasts, (b) => (s.icmpEchoIgnoreBroadcasts = b)),
    'net.ipv4.ip_default_ttl': {
      get: () => String(s.defaultTtl),
      set: (v) => {
        const n = Number(v);
        if (!Number.isInteger(n) || n < 1 || n > 255) return false;
        s.defaultTtl = n;
        return true;
      },
    },
    'net.ipv4.ip_local_port_range': { get: () => `${s.localPortRange[0]}\t${s.localPortRange[1]}` },
    'net.bridge.bridge-nf-call-iptables': bool(
      () => netfilterOf(m.ns)?.bridgeNfCallIptables ?? false,
      (b) => {
        (netfilterOf(m.ns) ?? enableNetfilter(m.ns)).bridgeNfCallIptables = b;
      },
    ),
  };
}

export function sysctlCommand(m: Machine): CommandImpl {
  return (ctx) => {
    const args = ctx.argv.slice(1);
    let valuesOnly = false;
    let write = false;
    const names: string[] = [];
    for (const a of args) {
      if (a === '-n') valuesOnly = true;
      else if (a === '-w') write = true;
      else if (a === '-a' || a === '--all') names.push(...Object.keys(keys(m)).sort());
      else if (a === '-q') continue;
      else names.push(a);
    }
    const table = keys(m);
    let status = 0;
    for (const raw of names) {
      const eq = raw.indexOf('=');
      const name = (eq < 0 ? raw : raw.slice(0, eq)).replace(/\//g, '.');
      const k = table[name];
      if (k === undefined) {
        ctx.stderr(`sysctl: cannot stat /proc/sys/${name.replace(/\./g, '/')}: No such file or directory\n`);
        status = 255;
        continue;
      }
      if (eq >= 0 || write) {
        const v = eq < 0 ? '' : raw.slice(eq + 1);
        if (k.set === undefined || !k.set(v)) {
          ctx.stderr(`sysctl: setting key "${name}": Invalid argument\n`);
          status = 255;
          continue;
        }
      }
      ctx.stdout(valuesOnly ? `${k.get()}\n` : `${name} = ${k.get()}\n`);
    }
    return status;
  };
}

