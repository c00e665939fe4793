// The state digest: snapshot → work → restore gives back the snapshot's digest (and the work changed it).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Prompt } from '../shell/transcript.ts';
import { stateDigest, stateText } from './state-digest.ts';
import { TranscriptLab } from './transcript-lab.ts';

const WS: Prompt = { kind: 'workstation' };
const node = (name: string): Prompt => ({ kind: 'node', name });

/** Types `line` at `prompt` after the 2 s a person takes, as a transcript does; fails on a non-zero exit. */
async function type(host: TranscriptLab, prompt: Prompt, line: string): Promise<string> {
  await host.advance(2e9);
  const shell = host.shellFor(prompt);
  assert.ok(shell, `no shell for ${JSON.stringify(prompt)}`);
  const r = await host.runStep(prompt, shell, line);
  const text = r.output.map((c) => c.text).join('');
  assert.equal(r.exit, 0, `${line}: ${text}`);
  return text;
}

test('snapshot, work, restore: the digest is the snapshot\'s again, and the work had changed it', async () => {
  const host = new TranscriptLab();
  for (const n of ['sw1', 'sw2']) await type(host, WS, `docker-machine create ${n}`);
  await type(host, node('sw1'), 'docker swarm init --advertise-addr 192.168.99.100');
  await type(host, WS, 'docker-machine ssh sw2 docker swarm join --token $(docker-machine ssh sw1 docker swarm join-token -q worker) 192.168.99.100:2377');
  await type(host, node('sw1'), 'docker service create --name who --replicas 2 -p 8080:80 traefik/whoami');
  await type(host, node('sw1'), 'docker network create -d bridge dev');
  await type(host, node('sw1'), 'docker run -d --name box --net dev alpine sleep 3600');
  await type(host, node('sw1'), "docker exec box sh -c 'echo kept > /tmp/note'");
  await type(host, node('sw1'), 'docker run --rm --net dev alpine ping -c 1 box');
  await type(host, WS, 'curl -s 192.168.99.101:8080 | grep -c Hostname');
  await type(host, node('sw1'), 'echo written > /home/docker/mine');

  await type(host, WS, 'flotilla snapshot save s');
  const text0 = stateText(host.lab.world);
  const digest0 = stateDigest(host.lab.world);
  // What the digest covers is really in it.
  for (const part of ['## swarm ', '"kept\\n"', '/home/docker/mine "written\\n"', 'DNAT', 'ESTABLISHED', 'TIME_WAIT', 'REACHABLE', 'fdb ', '"Name": "box"', '"Name": "dev"', 'who']) {
    assert.ok(text0.includes(part), `the state text has ${part}`);
  }
  assert.equal(stateDigest(host.lab.world), digest0, 'reading the state does not change it');

  await type(host, node('sw1'), 'docker service scale who=3');
  await type(host, node('sw1'), 'docker rm -f box');
  await type(host, node('sw1'), 'echo changed > /home/docker/mine');
  await type(host, WS, 'curl -s 192.168.99.100:8080 | grep -c Hostname');
  const digest1 = stateDigest(host.lab.world);
  assert.notEqual(digest1, digest0, 'the work changed the state');

  await type(host, WS, 'flotilla snapshot restore s');
  assert.deepEqual(host.divergences, []);
  assert.equal(stateText(host.lab.world), text0);
  assert.equal(stateDigest(host.lab.world), digest0);
});
