// The workstation's `docker-machine` (create, ls, ip, ssh, rm, url, env, status, active) and `flotilla node add`,
// over the lab's DockerWorld. Output follows docker-machine 0.16 with the virtualbox driver.

import { GoStruct } from '../docker/format/govalue.ts';
import type { GoValue } from '../docker/format/govalue.ts';
import { tabwrite } from '../docker/format/tabwriter.ts';
import { parseDockerTemplate, TemplateError } from '../docker/format/template.ts';
import type { DockerNode } from '../docker/world.ts';
import type { CommandContext, CommandImpl } from './interpreter.ts';
import type { DockerLab } from './lab-host.ts';
import { runSnapshotCommand } from './snapshot-command.ts';

const notExist = (name: string): string => `Docker machine "${name}" does not exist. Use "docker-machine ls" to list machines. Use "docker-machine create" to add a new one.\n`;

function createLines(name: string, driver: string): string[] {
  const home = '/home/user/.docker/machine';
  return [
    'Running pre-create checks...',
    'Creating machine...',
    `(${name}) Copying ${home}/cache/boot2docker.iso to ${home}/machines/${name}/boot2docker.iso...`,
    `(${name}) Creating VirtualBox VM...`,
    `(${name}) Creating SSH key...`,
    `(${name}) Starting the VM...`,
    `(${name}) Check network to re-create if needed...`,
    `(${name}) Waiting for an IP...`,
    'Waiting for machine to be running, this may take a few minutes...',
    'Detecting operating system of created instance...',
    'Waiting for SSH to be available...',
    'Detecting the provisioner...',
    `Provisioning with ${driver === 'virtualbox' ? 'boot2docker' : 'ubuntu(systemd)'}...`,
    'Copying certs to the local machine directory...',
    'Copying certs to the remote machine...',
    'Setting Docker configuration on the remote daemon...',
    'Checking connection to Docker...',
    'Docker is up and running!',
    `To see how to connect your Docker Client to the Docker Engine running on this virtual machine, run: docker-machine env ${name}`,
  ];
}

function hostContext(n: DockerNode): GoStruct {
  const f: Record<string, GoValue> = {
    Name: n.name,
    Active: '-',
    ActiveHost: false,
    ActiveSwarm: false,
    DriverName: n.driver,
    State: n.state,
    URL: n.state === 'Running' ? n.url : '',
    SwarmOptions: null,
    Swarm: '',
    EngineOptions: null,
    Error: n.state === 'Running' && !n.daemon.running ? `Unable to query docker version: Get ${n.url.replace('tcp:', 'https:')}/v1.15/version: dial tcp ${n.ipText}:2376: connect: connection refused` : '',
    DockerVersion: n.state === 'Running' && n.daemon.running ? `v${n.engine}` : 'Unknown',
    ResponseTime: 0,
  };
  return new GoStruct('commands.HostListItem', f);
}

function ls(lab: DockerLab, ctx: CommandContext, args: string[]): number {
  let format = '';
  let quiet = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-q' || a === '--quiet') quiet = true;
    else if (a === '-f' || a === '--format') format = args[++i] ?? '';
    else if (a.startsWith('--format=')) format = a.slice('--format='.length);
    else if (a === '--filter' || a === '-t' || a === '--timeout') i++;
    else {
      ctx.stderr(`flag provided but not defined: ${a.replace(/=.*/, '')}\n`);
      return 1;
    }
  }
  const nodes = [...lab.world.nodeList()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  if (quiet) {
    for (const n of nodes) ctx.stdout(`${n.name}\n`);
    return 0;
  }
  const tableFormat = 'table {{ .Name }}\t{{ .Active }}\t{{ .DriverName}}\t{{ .State }}\t{{ .URL }}\t{{ .Swarm }}\t{{ .DockerVersion }}\t{{ .Error}}';
  const f = format === '' ? tableFormat : format;
  const isTable = f.startsWith('table');
  const body = (isTable ? f.slice(5) : f).trim().replace(/\\t/g, '\t').replace(/\\n/g, '\n');
  let tmpl;
  try {
    tmpl = parseDockerTemplate(body);
  } catch (e) {
    ctx.stderr(`Template parsing error: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
  let out = '';
  for (const n of nodes) {
    try {
      out += `${tmpl.execute(hostContext(n))}\n`;
    } catch (e) {
      if (e instanceof TemplateError) {
        ctx.stderr(`Template parsing error: ${e.message}\n`);
        return 1;
      }
      throw e;
    }
  }
  if (isTable) {
    const header = 'NAME\tACTIVE\tDRIVER\tSTATE\tURL\tSWARM\tDOCKER\tERRORS';
    ctx.stdout(tabwrite(`${header}\n${out}`, { minWidth: 5, padding: 3, padChar: ' ' }));
  } else ctx.stdout(out);
  return 0;
}

/** `docker-machine`. */
export function dockerMachineCommand(lab: DockerLab): CommandImpl {
  return async (ctx) => {
    const args = ctx.argv.slice(1);
    while (args[0] !== undefined && args[0].startsWith('-') && args[0] !== '--help') args.shift();
    const sub = args.shift();
    const world = lab.world;
    const needNode = (): DockerNode | undefined => {
      const name = args.filter((a) => !a.startsWith('-'))[0];
      if (name === undefined) {
        ctx.stderr('Error: No machine name(s) specified and no "default" machine exists\n');
        return undefined;
      }
      const n = world.node(name);
      if (!n) ctx.stderr(notExist(name));
      return n;
    };
    switch (sub) {
      case 'create': {
        let driver = 'virtualbox';
        let name: string | undefined;
        let engine: string | undefined;
        for (let i = 0; i < args.length; i++) {
          const a = args[i]!;
          if (a === '-d' || a === '--driver') driver = args[++i] ?? '';
          else if (a.startsWith('--driver=')) driver = a.slice(9);
          else if (a === '--engine-install-url' || a === '--virtualbox-boot2docker-url') {
            const v = args[++i] ?? '';
            const m = /(\d+\.\d+\.\d+)/.exec(v);
            if (m) engine = m[1];
          } else if (a.startsWith('-')) {
            if (!a.includes('=') && args[i + 1] !== undefined && !args[i + 1]!.startsWith('-') && i + 2 < args.length) i++;
          } else name = a;
        }
        if (name === undefined) {
          ctx.stderr('Error: No machine name specified\n');
          return 1;
        }
        if (world.node(name)) {
          ctx.stderr(`Host already exists: "${name}"\n`);
          return 1;
        }
        try {
          world.addNode(name, { driver, ...(engine ? { engine } : {}) });
        } catch (e) {
          ctx.stderr(`${e instanceof Error ? e.message : String(e)}\n`);
          return 1;
        }
        ctx.stdout(createLines(name, driver).join('\n') + '\n');
        return 0;
      }
      case 'ls':
        return ls(lab, ctx, args);
      case 'ip':
      case 'url':
      case 'status': {
        const n = needNode();
        if (!n) return 1;
        ctx.stdout(`${sub === 'ip' ? n.ipText : sub === 'url' ? n.url : n.state}\n`);
        return 0;
      }
      case 'ssh': {
        const name = args.shift();
        if (name === undefined) {
          ctx.stderr('Error: No machine name(s) specified and no "default" machine exists\n');
          return 1;
        }
        const n = world.node(name);
        if (!n) {
          ctx.stderr(notExist(name));
          return 1;
        }
        const shell = lab.nodeShell(n);
        if (args.length === 0) return shell.execute(ctx.stdin, { stdout: ctx.stdout, stderr: ctx.stderr, signal: ctx.signal });
        return shell.execute(args.join(' '), { stdin: ctx.stdin, stdout: ctx.stdout, stderr: ctx.stderr, signal: ctx.signal });
      }
      case 'rm': {
        const force = args.some((a) => a === '-f' || a === '--force' || a === '-y');
        const names = args.filter((a) => !a.startsWith('-'));
        let status = 0;
        for (const name of names) {
          if (!world.node(name)) {
            ctx.stderr(`Error removing host "${name}": ${notExist(name).trim()}\n`);
            status = 1;
            continue;
          }
          ctx.stdout(`About to remove ${name}\nWARNING: This action will delete both local reference and remote instance.\n`);
          if (!force) {
            const answer = ctx.readLine();
            ctx.stdout('Are you sure? (y/n): ');
            if (answer === null || !/^y/i.test(answer.trim())) {
              ctx.stdout('\n');
              continue;
            }
          }
          world.removeNode(name);
          ctx.stdout(`Successfully removed ${name}\n`);
        }
        return status;
      }
      case 'env': {
        const n = needNode();
        if (!n) return 1;
        ctx.stdout(
          `export DOCKER_TLS_VERIFY="1"\nexport DOCKER_HOST="${n.url}"\nexport DOCKER_CERT_PATH="/home/user/.docker/machine/machines/${n.name}"\nexport DOCKER_MACHINE_NAME="${n.name}"\n# Run this command to configure your shell: \n# eval $(docker-machine env ${n.name})\n`,
        );
        return 0;
      }
      case 'stop':
      case 'start':
      case 'restart':
      case 'kill': {
        const names = args.filter((a) => !a.startsWith('-'));
        if (names.length === 0) {
          ctx.stderr('Error: No machine name(s) specified and no "default" machine exists\n');
          return 1;
        }
        for (const name of names) {
          const n = world.node(name);
          if (!n) {
            ctx.stderr(notExist(name));
            return 1;
          }
          if (sub !== 'start') {
            if (!n.powered) {
              if (sub !== 'restart') {
                ctx.stderr(`Error ${sub === 'kill' ? 'killing' : 'stopping'} host "${name}": Host is already stopped\n`);
                continue;
              }
            } else {
              ctx.stdout(`${sub === 'kill' ? 'Killing' : 'Stopping'} "${name}"...\n`);
              world.stopNode(name);
              if (sub !== 'restart') ctx.stdout(`Machine "${name}" was ${sub === 'kill' ? 'killed' : 'stopped'}.\n`);
            }
          }
          if (sub === 'start' || sub === 'restart') {
            if (n.powered) {
              ctx.stdout(`Starting "${name}"...\nMachine "${name}" is already running.\n`);
              continue;
            }
            ctx.stdout(`${sub === 'restart' ? 'Restarting' : 'Starting'} "${name}"...\n(${name}) Check network to re-create if needed...\n(${name}) Waiting for an IP...\n`);
            world.startNode(name);
            ctx.stdout(`Machine "${name}" was ${sub === 'restart' ? 'restarted' : 'started'}.\nWaiting for SSH to be available...\nDetecting the provisioner...\n`);
            if (sub === 'start') ctx.stdout('Started machines may have new IP addresses. You may need to re-run the `docker-machine env` command.\n');
            else ctx.stdout('Restarted machines may have new IP addresses. You may need to re-run the `docker-machine env` command.\n');
          }
        }
        return 0;
      }
      case 'active':
        ctx.stderr('No active host found\n');
        return 1;
      case undefined:
      case '--help':
      case 'help':
        ctx.stdout('Usage: docker-machine [OPTIONS] COMMAND [arg...]\n\nCreate and manage machines running Docker.\n\nCommands:\n  active, create, env, ip, kill, ls, restart, rm, ssh, start, status, stop, url\n');
        return 0;
      default:
        ctx.stderr(`docker-machine: '${sub}' is not a docker-machine command.\nSee 'docker-machine --help'.\n`);
        return 1;
    }
  };
}

const FLOTILLA_USAGE =
  'usage: flotilla node add NAME [--ip ADDR/PREFIX] [--engine VERSION] | flotilla node ls | flotilla node rm|stop|start NAME | flotilla link down|up NAME | flotilla snapshot save|restore NAME | flotilla snapshot ls\n';

/**
 * `flotilla snapshot save|restore|ls` (snapshot-command.ts), `flotilla node add NAME [--ip ADDR/PREFIX] [--engine VERSION]`, `flotilla node ls|rm`, faults: `flotilla node
 * stop|start NAME` (power: the NIC, the daemon and what runs on the node go down; up again at start) and `flotilla
 * link down|up NAME` (the node's underlay cable, pulled or plugged back: the node keeps running, unreachable).
 */
export function flotillaCommand(lab: DockerLab): CommandImpl {
  return (ctx) => {
    const args = ctx.argv.slice(1);
    if (args[0] === 'snapshot') return runSnapshotCommand(lab.snapshots, args.slice(1), ctx);
    if ((args[0] === 'node' && (args[1] === 'stop' || args[1] === 'start')) || (args[0] === 'link' && (args[1] === 'down' || args[1] === 'up'))) {
      const names = args.slice(2).filter((a) => !a.startsWith('-'));
      if (names.length === 0) {
        ctx.stderr('flotilla: node name missing\n');
        return 2;
      }
      for (const name of names) {
        try {
          if (args[0] === 'link') {
            lab.world.setLink(name, args[1] === 'up');
            ctx.stdout(`link ${name}: ${args[1]!}\n`);
          } else {
            if (args[1] === 'stop') lab.world.stopNode(name);
            else lab.world.startNode(name);
            ctx.stdout(`node ${name}: ${args[1] === 'stop' ? 'powered off' : 'powered on'}\n`);
          }
        } catch (e) {
          ctx.stderr(`flotilla: ${e instanceof Error ? e.message : String(e)}\n`);
          return 1;
        }
      }
      return 0;
    }
    if (args[0] !== 'node' || (args[1] !== 'add' && args[1] !== 'ls' && args[1] !== 'rm')) {
      ctx.stderr(FLOTILLA_USAGE);
      return 2;
    }
    if (args[1] === 'ls') {
      for (const n of lab.world.nodeList()) ctx.stdout(`${n.name}\t${n.ipText}/${n.lan.prefixLength}\t${n.engine}\n`);
      return 0;
    }
    const rest = args.slice(2);
    let name: string | undefined;
    let ip: string | undefined;
    let engine: string | undefined;
    for (let i = 0; i < rest.length; i++) {
      const a = rest[i]!;
      if (a === '--ip') ip = rest[++i];
      else if (a.startsWith('--ip=')) ip = a.slice(5);
      else if (a === '--engine') engine = rest[++i];
      else if (a.startsWith('--engine=')) engine = a.slice(9);
      else if (a.startsWith('-')) {
        ctx.stderr(`flotilla: unknown flag ${a}\n`);
        return 2;
      } else name = a;
    }
    if (name === undefined) {
      ctx.stderr('flotilla: node name missing\n');
      return 2;
    }
    try {
      if (args[1] === 'rm') lab.world.removeNode(name);
      else {
        const n = lab.world.addNode(name, { ...(ip ? { ip } : {}), ...(engine ? { engine } : {}), driver: 'generic' });
        ctx.stdout(`node ${n.name}: ${n.ipText}/${n.lan.prefixLength}, Docker Engine ${n.engine}\n`);
      }
    } catch (e) {
      ctx.stderr(`flotilla: ${e instanceof Error ? e.message : String(e)}\n`);
      return 1;
    }
    return 0;
  };
}
