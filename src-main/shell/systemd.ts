// A node's systemd as far as Docker tutorials use it: `systemctl start|stop|restart|is-active|status docker` and
// `journalctl -u docker`. dockerd reads /etc/docker/daemon.json when it starts; when it refuses the file (a directive
// its version does not know, such as `cluster-store` on 23.0 and newer) it exits 1, the unit fails and systemctl
// says so as systemd 249+ does, and the journal has dockerd's reason followed by systemd's lines.

import type { DockerNode } from '../docker/world.ts';
import { SECOND } from '../sim/time.ts';
import type { CommandImpl } from './interpreter.ts';

const UNIT = 'Docker Application Container Engine';
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function systemdLine(node: DockerNode, text: string): void {
  node.daemon.journal.push({ at: node.daemon.now, ident: 'systemd[1]', text });
}

/** Starts dockerd; false when it exited at once (the reason is in the journal). */
function startDocker(node: DockerNode): boolean {
  const d = node.daemon;
  systemdLine(node, `Starting ${UNIT}...`);
  try {
    d.start();
  } catch {
    systemdLine(node, 'docker.service: Main process exited, code=exited, status=1/FAILURE');
    systemdLine(node, "docker.service: Failed with result 'exit-code'.");
    systemdLine(node, `Failed to start ${UNIT}.`);
    return false;
  }
  d.log('info', 'Daemon has completed initialization');
  d.log('info', 'API listen on /run/docker.sock');
  systemdLine(node, `Started ${UNIT}.`);
  return true;
}

function stopDocker(node: DockerNode): void {
  const d = node.daemon;
  systemdLine(node, `Stopping ${UNIT}...`);
  d.log('info', "Processing signal 'terminated'");
  d.shutdown();
  systemdLine(node, 'docker.service: Deactivated successfully.');
  systemdLine(node, `Stopped ${UNIT}.`);
}

const FAILED = 'Job for docker.service failed because the control process exited with error code.\nSee "systemctl status docker.service" and "journalctl -xeu docker.service" for details.\n';

/** `systemctl VERB docker`. */
export function systemctlCommand(node: DockerNode): CommandImpl {
  return async (ctx) => {
    const args = ctx.argv.slice(1).filter((a) => !a.startsWith('-'));
    const [verb, unit] = args;
    if (unit !== 'docker' && unit !== 'docker.service') {
      ctx.stderr(`Failed to ${verb ?? 'do'} ${unit ?? ''}.service: Unit ${unit ?? ''}.service not found.\n`);
      return 5;
    }
    const d = node.daemon;
    const started = async (): Promise<number> => {
      if (!startDocker(node)) {
        ctx.stderr(FAILED);
        return 1;
      }
      // dockerd with a cluster store reads it before it answers (a few seconds at most)
      const store = d.clusterStore;
      if (store) await Promise.race([store.ready(), ctx.clock.sleep(3 * SECOND)]);
      return 0;
    };
    switch (verb) {
      case 'restart': {
        const wasRunning = [...d.containers.values()].filter((c) => c.running);
        if (d.running) stopDocker(node);
        const code = await started();
        if (code === 0) d.applyRestartPolicies(wasRunning);
        return code;
      }
      case 'stop':
        if (d.running) stopDocker(node);
        return 0;
      case 'start':
        if (d.running) return 0;
        return started();
      case 'is-active': {
        const failed = !d.running && d.journal.at(-1)?.text === `Failed to start ${UNIT}.`;
        ctx.stdout(d.running ? 'active\n' : failed ? 'failed\n' : 'inactive\n');
        return d.running ? 0 : 3;
      }
      case 'status': {
        const failed = !d.running && d.journal.at(-1)?.text === `Failed to start ${UNIT}.`;
        const state = d.running ? 'active (running)' : failed ? 'failed (Result: exit-code)' : 'inactive (dead)';
        ctx.stdout(`${d.running ? '●' : failed ? '×' : '○'} docker.service - ${UNIT}\n     Loaded: loaded (/lib/systemd/system/docker.service; enabled; vendor preset: enabled)\n     Active: ${state}\n`);
        for (const e of d.journal.slice(-10)) ctx.stdout(`${stamp(node, e.at)} ${node.name} ${e.ident}: ${e.text}\n`);
        return d.running ? 0 : 3;
      }
      default:
        ctx.stderr(`Unknown command verb ${verb ?? ''}.\n`);
        return 1;
    }
  };
}

/** "Jan 01 00:00:12": the journal's short timestamp in the lab's wall-clock time. */
function stamp(node: DockerNode, at: number): string {
  const t = new Date(Math.floor((node.daemon.wallClock.epochUnixSeconds * 1e9 + at) / 1e6));
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${MONTHS[t.getUTCMonth()]!} ${p(t.getUTCDate())} ${p(t.getUTCHours())}:${p(t.getUTCMinutes())}:${p(t.getUTCSeconds())}`;
}

/** `journalctl [-u docker] [-n N] [--no-pager] [-e] [-x] [-b]`. */
export function journalctlCommand(node: DockerNode): CommandImpl {
  return (ctx) => {
    const a = ctx.argv.slice(1);
    let lines: number | undefined;
    let unit: string | undefined;
    for (let i = 0; i < a.length; i++) {
      const x = a[i]!;
      if (x === '-u' || x === '--unit') unit = a[++i];
      else if (x.startsWith('--unit=')) unit = x.slice(7);
      else if (x.startsWith('-u') && x.length > 2 && !x.startsWith('-xe')) unit = x.slice(2);
      else if (x === '-n' || x === '--lines') lines = Number(a[++i]);
      else if (x.startsWith('--lines=')) lines = Number(x.slice(8));
      else if (/^-[xeb]+u$/.test(x)) unit = a[++i];
      else if (/^-[xeb]+$/.test(x) || x === '--no-pager' || x === '--boot') continue;
      else {
        ctx.stderr(`journalctl: unrecognized option '${x}'\n`);
        return 1;
      }
    }
    if (unit !== undefined && unit !== 'docker' && unit !== 'docker.service') {
      ctx.stdout('-- No entries --\n');
      return 0;
    }
    let entries = node.daemon.journal;
    if (lines !== undefined && Number.isFinite(lines)) entries = entries.slice(Math.max(0, entries.length - lines));
    if (entries.length === 0) ctx.stdout('-- No entries --\n');
    for (const e of entries) ctx.stdout(`${stamp(node, e.at)} ${node.name} ${e.ident}: ${e.text}\n`);
    return 0;
  };
}
