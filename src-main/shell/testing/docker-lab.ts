// What the DockerLab tests share: a lab with the real images, embedded DNS and network tools, and commands typed
// at the workstation ('') or a node, their output joined as a terminal shows it.
import assert from 'node:assert/strict';
import { embeddedDnsFactory } from '../../docker/dns/embedded.ts';
import { IMAGES } from '../../docker/images/catalog.ts';
import { DockerLab } from '../lab-host.ts';
import { netTools } from '../nettools/index.ts';

/** Lets pending promise callbacks run between virtual-time steps. */
export const settle = (): Promise<void> => new Promise((r) => setImmediate(r));

export interface Ran {
  exit: number;
  out: string;
}

/** A lab of the given seed with Docker's images, its embedded DNS and the network tools. */
export function newDockerLab(seed: number): DockerLab {
  return new DockerLab({ seed, settle, images: IMAGES, dns: embeddedDnsFactory, providers: [(t) => netTools(t.machine)] });
}

/** Runs `cmd` at the workstation (where '') or on node `where`, whatever its exit status. */
export async function sh(lab: DockerLab, where: string, cmd: string): Promise<Ran> {
  const shell = lab.shellFor(where === '' ? { kind: 'workstation' } : { kind: 'node', name: where })!;
  const r = await lab.complete(shell.run(cmd));
  return { exit: r.exit, out: r.output.map((c) => c.text).join('') };
}

/** Runs `cmd` like sh and fails the test, showing the command and its output, unless it exits 0. */
export async function ok(lab: DockerLab, where: string, cmd: string): Promise<string> {
  const r = await sh(lab, where, cmd);
  assert.equal(r.exit, 0, `${where}$ ${cmd}\n${r.out}`);
  return r.out;
}
