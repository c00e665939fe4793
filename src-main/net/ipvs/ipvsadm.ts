// The `ipvsadm` command (ipvsadm 1.31): listing as ipvsadm prints it (print_title / print_service_entry /
// print_conn of ipvsadm.c: services sorted by fwmark, protocol, address, port and destinations by address, port
// unless --nosort), saving (-S), and the service / real-server commands with libipvs' error messages.
// Without IPVS in the kernel (Ipvs undefined) every command fails as on the reference machine
// (reference/linux/facts.md §4): "Can't initialize ipvs: Protocol not available".

import { formatIpv4, parseIpv4, type Ipv4Address } from '../../common/wire/ipv4-address.ts';
import { SECOND } from '../../sim/time.ts';
import { PROTO_TCP } from '../netfilter/ipbytes.ts';
import { IpvsError, isScheduler, type ForwardMethod, type Ipvs, type IpvsService, type ServiceKey } from './ipvs.ts';

export interface CommandResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number;
}

/** NVERSION of the kernel's IP_VS_VERSION_CODE (1.2.1 since Linux 2.6.x). */
export const IPVS_VERSION = '1.2.1';

export const NO_IPVS_MESSAGE = "Can't initialize ipvs: Protocol not available\nAre you sure that IP Virtual Server is built in the kernel or as module?\n";

const PORT_NAMES: Readonly<Record<number, string>> = { 21: 'ftp', 22: 'ssh', 25: 'smtp', 53: 'domain', 80: 'http', 443: 'https', 8080: 'http-alt' };

function addrPort(addr: Ipv4Address, port: number, numeric: boolean): string {
  const p = !numeric && PORT_NAMES[port] !== undefined ? PORT_NAMES[port]! : String(port);
  return `${formatIpv4(addr)}:${p}`;
}

function cmpServices(a: IpvsService, b: IpvsService): number {
  const fa = a.key.kind === 'fwmark' ? a.key.fwmark : 0;
  const fb = b.key.kind === 'fwmark' ? b.key.fwmark : 0;
  if (fa !== fb) return fa - fb;
  if (a.key.kind === 'addr' && b.key.kind === 'addr') {
    const pa = a.key.protocol === 'tcp' ? 6 : 17;
    const pb = b.key.protocol === 'tcp' ? 6 : 17;
    if (pa !== pb) return pa - pb;
    if (a.key.addr !== b.key.addr) return a.key.addr - b.key.addr;
    return a.key.port - b.key.port;
  }
  return 0;
}

function serviceColumn(k: ServiceKey, numeric: boolean): string {
  if (k.kind === 'fwmark') return `FWM  ${k.fwmark}`;
  return `${k.protocol === 'tcp' ? 'TCP' : 'UDP'}  ${addrPort(k.addr, k.port, numeric)}`.slice(0, 33);
}

function serviceRule(k: ServiceKey): string {
  if (k.kind === 'fwmark') return `-f ${k.fwmark}`;
  return `${k.protocol === 'tcp' ? '-t' : '-u'} ${formatIpv4(k.addr)}:${k.port}`;
}

const FWD_SWITCH: Readonly<Record<ForwardMethod, string>> = { Masq: '-m', Tunnel: '-i', Route: '-g', Local: '-g' };

export interface ListOptions {
  readonly numeric?: boolean;
  readonly nosort?: boolean;
  /** Only this service (ipvsadm -L -t addr:port). */
  readonly service?: ServiceKey;
}

/** `ipvsadm -L[n]`. */
export function listIpvs(ipvs: Ipvs, o: ListOptions = {}): string {
  const numeric = o.numeric === true;
  let s = '';
  let services = [...ipvs.listServices()];
  if (o.service !== undefined) {
    const one = ipvs.findService(o.service);
    if (one === undefined) throw new IpvsError('No such service');
    services = [one];
  } else {
    s += `IP Virtual Server version ${IPVS_VERSION} (size=${ipvs.tableSize})\n`;
  }
  if (!o.nosort) services.sort(cmpServices);
  ipvs.connections(); // expire first so the counters are current
  s += 'Prot LocalAddress:Port Scheduler Flags\n';
  s += '  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n';
  for (const svc of services) {
    s += `${serviceColumn(svc.key, numeric)} ${svc.scheduler}\n`;
    const dests = [...svc.dests];
    if (!o.nosort) dests.sort((a, b) => (a.addr !== b.addr ? a.addr - b.addr : a.port - b.port));
    for (const d of dests) {
      const name = addrPort(d.addr, d.port, numeric).slice(0, 28);
      s += `  -> ${name.padEnd(28)} ${d.forward.padEnd(7)} ${String(d.weight).padEnd(6)} ${String(d.activeConns).padEnd(10)} ${String(d.inactConns).padEnd(10)}\n`;
    }
  }
  return s;
}

/** `ipvsadm -S [-n]`. */
export function saveIpvs(ipvs: Ipvs, nosort = false): string {
  const services = [...ipvs.listServices()];
  if (!nosort) services.sort(cmpServices);
  let s = '';
  for (const svc of services) {
    const name = serviceRule(svc.key);
    s += `-A ${name} -s ${svc.scheduler}\n`;
    const dests = [...svc.dests];
    if (!nosort) dests.sort((a, b) => (a.addr !== b.addr ? a.addr - b.addr : a.port - b.port));
    for (const d of dests) s += `-a ${name} -r ${formatIpv4(d.addr)}:${d.port} ${FWD_SWITCH[d.forward]} -w ${d.weight}\n`;
  }
  return s;
}

/** `ipvsadm -L -n -c`. */
export function listConnections(ipvs: Ipvs, now: number, numeric = true): string {
  let s = 'IPVS connection entries\n';
  s += `pro expire ${'state'.padEnd(11)} ${'source'.padEnd(18)} ${'virtual'.padEnd(18)} destination\n`;
  for (const c of ipvs.connections()) {
    const secs = Math.max(0, Math.floor((c.expires - now) / SECOND));
    const exp = `${String(Math.floor(secs / 60)).padStart(2, '0')}:${String(secs % 60).padStart(2, '0')}`;
    const proto = c.protocol === PROTO_TCP ? 'TCP' : 'UDP';
    s += `${proto.padEnd(3)} ${exp.padEnd(6)} ${c.state.padEnd(11)} ${addrPort(c.caddr, c.cport, numeric).padEnd(18)} ${addrPort(c.vaddr, c.vport, numeric).padEnd(18)} ${addrPort(c.daddr, c.dport, numeric)}\n`;
  }
  return s;
}

class Fail extends Error {
  constructor(
    message: string,
    readonly code: number,
  ) {
    super(message);
  }
}

type Cmd = 'add-service' | 'edit-service' | 'delete-service' | 'clear' | 'add-server' | 'edit-server' | 'delete-server' | 'list' | 'save' | 'zero';

const CMDS: Readonly<Record<string, Cmd>> = {
  '-A': 'add-service',
  '--add-service': 'add-service',
  '-E': 'edit-service',
  '--edit-service': 'edit-service',
  '-D': 'delete-service',
  '--delete-service': 'delete-service',
  '-C': 'clear',
  '--clear': 'clear',
  '-a': 'add-server',
  '--add-server': 'add-server',
  '-e': 'edit-server',
  '--edit-server': 'edit-server',
  '-d': 'delete-server',
  '--delete-server': 'delete-server',
  '-L': 'list',
  '-l': 'list',
  '--list': 'list',
  '-S': 'save',
  '--save': 'save',
  '-Z': 'zero',
  '--zero': 'zero',
};

function parseAddrPort(text: string, what: string, needPort: boolean): { addr: Ipv4Address; port: number } {
  const i = text.lastIndexOf(':');
  const host = i < 0 ? text : text.slice(0, i);
  const portText = i < 0 ? undefined : text.slice(i + 1);
  let addr: Ipv4Address;
  try {
    addr = parseIpv4(host);
  } catch {
    throw new Fail(`illegal ${what} address[:port] specified`, 2);
  }
  let port = 0;
  if (portText !== undefined) {
    if (!/^[0-9]+$/.test(portText) || Number(portText) > 65535) throw new Fail(`illegal ${what} address[:port] specified`, 2);
    port = Number(portText);
  } else if (needPort) {
    throw new Fail(`illegal ${what} address[:port] specified`, 2);
  }
  return { addr, port };
}

/**
 * Runs one `ipvsadm` invocation (argv without the program name). `ipvs` undefined means the kernel has no IPVS.
 * `now` is needed only for `-L -c` (expire column).
 */
export function ipvsadm(ipvs: Ipvs | undefined, args: readonly string[], now = 0): CommandResult {
  if (ipvs === undefined) return { stdout: '', stderr: NO_IPVS_MESSAGE, exitCode: 2 };
  try {
    return run(ipvs, [...args], now);
  } catch (e) {
    if (e instanceof Fail) return { stdout: '', stderr: `${e.message}\n`, exitCode: e.code };
    if (e instanceof IpvsError) return { stdout: '', stderr: `${e.message}\n`, exitCode: 1 };
    throw e;
  }
}

function run(ipvs: Ipvs, args: string[], now: number): CommandResult {
  let cmd: Cmd | undefined;
  let service: ServiceKey | undefined;
  let scheduler: string | undefined;
  let real: { addr: Ipv4Address; port: number } | undefined;
  let weight: number | undefined;
  let forward: ForwardMethod | undefined;
  let numeric = false;
  let conns = false;
  let nosort = false;
  const setCmd = (c: Cmd): void => {
    if (cmd !== undefined) throw new Fail('ipvsadm: only one command may be given', 2);
    cmd = c;
  };
  for (let i = 0; i < args.length; i++) {
    let a = args[i]!;
    // Clusters like -Ln, -Lnc.
    if (/^-[a-zA-Z]{2,}$/.test(a)) {
      args.splice(i, 1, ...a.slice(1).split('').map((l) => `-${l}`));
      a = args[i]!;
    }
    const c = CMDS[a];
    if (c !== undefined) {
      setCmd(c);
      continue;
    }
    const val = (): string => {
      const v = args[++i];
      if (v === undefined) throw new Fail(`${a}: missing argument`, 2);
      return v;
    };
    switch (a) {
      case '-t':
      case '--tcp-service':
      case '-u':
      case '--udp-service': {
        const ap = parseAddrPort(val(), 'virtual server', false);
        service = { kind: 'addr', protocol: a === '-t' || a === '--tcp-service' ? 'tcp' : 'udp', addr: ap.addr, port: ap.port };
        break;
      }
      case '-f':
      case '--fwmark-service': {
        const v = val();
        if (!/^[0-9]+$/.test(v) || Number(v) === 0 || Number(v) > 0xffffffff) throw new Fail('illegal virtual server fwmark specified', 2);
        service = { kind: 'fwmark', fwmark: Number(v) };
        break;
      }
      case '-s':
      case '--scheduler':
        scheduler = val();
        break;
      case '-r':
      case '--real-server':
        real = parseAddrPort(val(), 'real server', false);
        break;
      case '-w':
      case '--weight': {
        const v = val();
        if (!/^[0-9]+$/.test(v) || Number(v) > 65535) throw new Fail('illegal weight specified', 2);
        weight = Number(v);
        break;
      }
      case '-m':
      case '--masquerading':
        forward = 'Masq';
        break;
      case '-g':
      case '--gatewaying':
        forward = 'Route';
        break;
      case '-i':
      case '--ipip':
        forward = 'Tunnel';
        break;
      case '-n':
      case '--numeric':
        numeric = true;
        break;
      case '-c':
      case '--connection':
        conns = true;
        break;
      case '--nosort':
        nosort = true;
        break;
      default:
        throw new Fail(`${a}: unknown option`, 2);
    }
  }
  const ok = (stdout = ''): CommandResult => ({ stdout, stderr: '', exitCode: 0 });
  const needService = (name: string): ServiceKey => {
    if (service === undefined) throw new Fail(`You need to supply the 'service-address' option for the '${name}' command`, 2);
    return service;
  };
  const needReal = (name: string): { addr: Ipv4Address; port: number } => {
    if (real === undefined) throw new Fail(`You need to supply the 'real-server' option for the '${name}' command`, 2);
    return real;
  };
  switch (cmd ?? 'list') {
    case 'list':
      if (conns) return ok(listConnections(ipvs, now, numeric));
      return ok(listIpvs(ipvs, { numeric, nosort, ...(service ? { service } : {}) }));
    case 'save':
      return ok(saveIpvs(ipvs, nosort));
    case 'clear':
      ipvs.clear();
      return ok();
    case 'zero':
      return ok();
    case 'add-service': {
      const k = needService('add-service');
      const sched = scheduler ?? 'wlc';
      if (!isScheduler(sched)) throw new IpvsError('Scheduler or persistence engine not found');
      if (k.kind === 'addr' && k.port === 0) throw new Fail('Zero port specified for non-persistent service', 2);
      ipvs.addService(k, sched);
      return ok();
    }
    case 'edit-service':
      ipvs.editService(needService('edit-service'), scheduler ?? 'wlc');
      return ok();
    case 'delete-service':
      ipvs.deleteService(needService('delete-service'));
      return ok();
    case 'add-server':
    case 'edit-server': {
      const k = needService(cmd!);
      const r = needReal(cmd!);
      const svc = ipvs.findService(k);
      // A real server without a port takes the service's port (fwmark services: 0).
      const port = r.port !== 0 ? r.port : k.kind === 'addr' ? k.port : 0;
      const spec = { addr: r.addr, port, weight: weight ?? 1, forward: forward ?? 'Route' };
      if (cmd === 'add-server') ipvs.addDest(k, spec);
      else {
        const cur = svc?.dests.find((d) => d.addr === r.addr && d.port === port);
        ipvs.editDest(k, { ...spec, weight: weight ?? cur?.weight ?? 1, forward: forward ?? cur?.forward ?? 'Route' });
      }
      return ok();
    }
    case 'delete-server': {
      const k = needService('delete-server');
      const r = needReal('delete-server');
      const port = r.port !== 0 ? r.port : k.kind === 'addr' ? k.port : 0;
      ipvs.deleteDest(k, r.addr, port);
      return ok();
    }
  }
}
