// The lab a transcript (or a console) runs in: a DockerWorld over one scheduler, with the shells of the
// workstation, of each node and of each container. Commands and the packet engine share one virtual time through a
// SchedulerClock; `settle` (how to let promise reactions run between two events) is injected by the services
// (setImmediate in Node), as the shell layer uses no Node API.
//
// Commands come from providers (providers.ts): this module's own (docker-machine and flotilla on the workstation;
// docker, systemctl, sh on nodes; sh in containers), then those registered by the composition root — the network
// tools of shell/nettools/ plug in there.

import type { Container } from '../docker/daemon/container.ts';
import type { CommandRunner, EmbeddedDnsFactory, ImageCatalog, ImageDefinition, ProcessInterrupt, ProcessIo, StopSignal } from '../docker/daemon/contracts.ts';
import { composeCatalog, BASE_IMAGES } from '../docker/daemon/images.ts';
import type { Machine } from '../docker/machine.ts';
import { DockerWorld, type DockerNode } from '../docker/world.ts';
import { Scheduler } from '../sim/scheduler.ts';
import { standardCommands } from './commands.ts';
import { dateCommand } from './tools/date.ts';
import { wallNs } from './nettools/common.ts';
import { dockerCommand } from './docker/cli.ts';
import { dockerMachineCommand, flotillaCommand } from './docker-machine.ts';
import type { CommandImpl, CommandContext } from './interpreter.ts';
import { Shell } from './interpreter.ts';
import { commandsFrom, type CommandProvider, type ShellTarget } from './providers.ts';
import { SchedulerClock } from './scheduler-clock.ts';
import type { LabSnapshots } from './snapshot-command.ts';
import { journalctlCommand, systemctlCommand } from './systemd.ts';
import type { LabHost } from './session.ts';
import type { Prompt } from './transcript.ts';

export interface DockerLabOptions {
  readonly seed?: number;
  /** Lets promise reactions run (Node: () => new Promise((r) => setImmediate(r))). */
  readonly settle?: () => Promise<void>;
  /** The images' definitions (docker/images/), added over the base images. */
  readonly images?: readonly ImageDefinition[] | ImageCatalog;
  /** The embedded DNS server (docker/dns/). */
  readonly dns?: EmbeddedDnsFactory;
  /** Command providers beyond the lab's own (nettools ...). */
  readonly providers?: readonly CommandProvider[];
}

const defaultSettle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/** `sh [-c CMD [ARG0 [ARGS]]]` / `bash`: a child shell over the same files (reads a script from stdin without -c). */
export const shCommand: CommandImpl = async (ctx: CommandContext) => {
  const args = ctx.argv.slice(1);
  const child = ctx.shell.fork();
  for (const [k, v] of ctx.env) child.setVar(k, v, true);
  let script: string;
  if (args[0] === '-c') {
    if (args[1] === undefined) {
      ctx.stderr(`${ctx.argv[0]}: -c: option requires an argument\n`);
      return 2;
    }
    script = args[1];
  } else if (args[0] !== undefined && !args[0].startsWith('-')) {
    try {
      script = ctx.fs.readFile(args[0], ctx.cwd);
    } catch {
      ctx.stderr(ctx.shell.dialect === 'bash' ? `bash: ${args[0]}: No such file or directory\n` : `sh: can't open '${args[0]}': No such file or directory\n`);
      return 127;
    }
  } else {
    script = ctx.stdin;
  }
  return child.execute(script, { stdout: ctx.stdout, stderr: ctx.stderr, signal: ctx.signal });
};

/** The lab's own commands per target. */
export function labProvider(lab: DockerLab): CommandProvider {
  return (t: ShellTarget): Record<string, CommandImpl> => {
    const date = dateCommand(() => wallNs(t.machine), t.machine.userland === 'busybox');
    switch (t.machine.kind) {
      case 'workstation':
        return { 'docker-machine': dockerMachineCommand(lab), flotilla: flotillaCommand(lab), date };
      case 'node':
        return { docker: dockerCommand(lab, t.node!), sh: shCommand, bash: shCommand, systemctl: systemctlCommand(t.node!), journalctl: journalctlCommand(t.node!), date };
      case 'container':
        return t.machine.userland === 'busybox' ? { sh: shCommand, ash: shCommand, date } : { sh: shCommand, bash: shCommand, date };
    }
  };
}

export class DockerLab implements LabHost {
  readonly world: DockerWorld;
  readonly clock: SchedulerClock;
  readonly providers: CommandProvider[];
  /** Where `flotilla snapshot` keeps snapshots: set by the lab's owner (none: the command says so). */
  snapshots: LabSnapshots | undefined;
  private readonly sessions = new Map<string, Shell>();
  private pid = 4242;

  constructor(o: DockerLabOptions = {}) {
    const scheduler = new Scheduler();
    this.clock = new SchedulerClock(scheduler, o.settle ?? defaultSettle);
    const images = o.images === undefined ? composeCatalog(BASE_IMAGES) : 'lookup' in o.images ? o.images : composeCatalog(BASE_IMAGES, o.images);
    this.world = new DockerWorld({ seed: o.seed ?? 1, scheduler, clock: this.clock, images, ...(o.dns ? { dns: o.dns } : {}) });
    this.world.commandRunner = this.runner();
    this.providers = [labProvider(this), ...(o.providers ?? [])];
  }

  /** Registers more commands (a provider added later applies to shells created afterwards). */
  addProvider(p: CommandProvider): void {
    this.providers.push(p);
  }

  // LabHost

  shellFor(prompt: Prompt): Shell | undefined {
    const key = prompt.kind === 'workstation' ? '' : prompt.name;
    let sh = this.sessions.get(key);
    if (sh) return sh;
    if (prompt.kind === 'workstation') sh = this.workstationShell();
    else {
      const node = this.world.node(prompt.name);
      if (!node) return undefined;
      sh = this.nodeShell(node);
    }
    this.sessions.set(key, sh);
    return sh;
  }

  advance(ns: number): Promise<void> {
    return this.clock.advance(ns);
  }

  complete<T>(work: Promise<T>): Promise<T> {
    return this.clock.complete(work);
  }

  // shells

  targetOf(machine: Machine): ShellTarget {
    if (machine.kind === 'workstation') return { machine, world: this.world };
    for (const node of this.world.nodeList()) {
      if (node.machine === machine) return { machine, world: this.world, node };
      for (const c of node.daemon.containers.values()) if (c.machine === machine) return { machine, world: this.world, node, container: c };
    }
    return { machine, world: this.world };
  }

  commandsFor(target: ShellTarget): Map<string, CommandImpl> {
    return standardCommands(commandsFrom(this.providers, target));
  }

  workstationShell(): Shell {
    const m = this.world.workstation;
    const home = '/home/user';
    return new Shell({
      clock: this.clock,
      fs: m.fs,
      commands: this.commandsFor(this.targetOf(m)),
      dialect: 'bash',
      hostname: m.hostname(),
      env: { HOME: home, USER: 'user', PATH: '/usr/local/bin:/usr/bin:/bin', SHELL: '/bin/bash', LANG: 'C.UTF-8' },
      cwd: home,
      pid: this.pid++,
    });
  }

  /** A login shell on a node (docker-machine ssh: user docker). */
  nodeShell(node: DockerNode): Shell {
    const m = node.machine;
    return new Shell({
      clock: this.clock,
      fs: m.fs,
      commands: this.commandsFor({ machine: m, world: this.world, node }),
      dialect: 'bash',
      hostname: m.hostname(),
      env: { HOME: '/home/docker', USER: 'docker', PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', SHELL: '/bin/bash' },
      cwd: '/home/docker',
      pid: this.pid++,
    });
  }

  /** A shell inside a container (a process of it: exec, the main command). */
  containerShell(node: DockerNode, c: Container, env: ReadonlyMap<string, string>, cwd?: string): Shell {
    const m = c.machine;
    return new Shell({
      clock: this.clock,
      fs: m.fs,
      commands: this.commandsFor({ machine: m, world: this.world, node, container: c }),
      dialect: m.userland === 'busybox' ? 'ash' : 'bash',
      hostname: m.hostname(),
      env: Object.fromEntries(env),
      cwd: cwd ?? '/',
      pid: 1,
    });
  }

  /** The CommandRunner the daemons use for main processes and exec. */
  private runner(): CommandRunner {
    return {
      run: async (machine: Machine, argv: readonly string[], io: ProcessIo, opts: { env: ReadonlyMap<string, string>; signal?: StopSignal; interrupt?: ProcessInterrupt; cwd?: string }): Promise<number> => {
        const t = this.targetOf(machine);
        const shell =
          t.container && t.node
            ? this.containerShell(t.node, t.container, opts.env, opts.cwd)
            : new Shell({ clock: this.clock, fs: machine.fs, commands: this.commandsFor(t), dialect: machine.userland === 'busybox' ? 'ash' : 'bash', hostname: machine.hostname(), env: Object.fromEntries(opts.env), cwd: opts.cwd ?? '/' });
        const live = (f: (s: string) => void) => (s: string): void => {
          if (!opts.signal?.stopped) f(s);
        };
        const args = [...argv];
        if (args[0] !== undefined && args[0].includes('/')) {
          const base = args[0].slice(args[0].lastIndexOf('/') + 1);
          if (shell.commands.has(base)) args[0] = base;
        }
        // SIGINT reaches the process as a console's Ctrl-C reaches a foreground command (ctx.signal).
        return shell.runArgv(args, { stdin: io.stdin ?? '', stdout: live(io.stdout), stderr: live(io.stderr), signal: opts.interrupt }, new Map(opts.env));
      },
    };
  }
}
