// The `conntrack` command of conntrack-tools (1.4.6), the part a lab console needs: -L / --dump (entries on
// stdout, the summary on stderr), -C / --count, -F / --flush, with -p PROTO as a filter for -L.

import type { Netfilter } from './netfilter.ts';
import { Conntrack } from './conntrack.ts';

export interface ConntrackCommandResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number;
}

const PROTOS: Readonly<Record<string, number>> = { icmp: 1, tcp: 6, udp: 17 };

export function conntrackCommand(nf: Netfilter, args: readonly string[], version = '1.4.6'): ConntrackCommandResult {
  const prog = `conntrack v${version} (conntrack-tools)`;
  let cmd: 'L' | 'C' | 'F' | undefined;
  let proto: number | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-L' || a === '--dump') cmd = 'L';
    else if (a === '-C' || a === '--count') cmd = 'C';
    else if (a === '-F' || a === '--flush') cmd = 'F';
    else if (a === '-p' || a === '--proto') {
      const v = args[++i];
      if (v === undefined || PROTOS[v] === undefined) return { stdout: '', stderr: `${prog}: unknown protocol \`${v ?? ''}'\n`, exitCode: 2 };
      proto = PROTOS[v];
    } else if (a === '-n' || a === '-o' || a === '--output') {
      if (a !== '-n') i++;
    } else return { stdout: '', stderr: `${prog}: unknown option \`${a}'\nTry \`conntrack -h' or 'conntrack --help' for more information.\n`, exitCode: 2 };
  }
  const ct = nf.conntrack;
  switch (cmd ?? 'L') {
    case 'C':
      return { stdout: `${ct.size}\n`, stderr: '', exitCode: 0 };
    case 'F':
      ct.flush();
      return { stdout: '', stderr: `${prog}: connection tracking table has been emptied.\n`, exitCode: 0 };
    default: {
      const all = ct.list();
      const lines = ct.entries().flatMap((e, i) => (proto === undefined || e.tuple[0].proto === proto ? [all[i]!] : []));
      return { stdout: lines.map((l) => `${l}\n`).join(''), stderr: `${Conntrack.summary(lines.length, version)}\n`, exitCode: 0 };
    }
  }
}
