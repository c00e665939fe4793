// depends_on written by the compose export: compose import must run the containers again in the order they were
// run (it runs dependencies first, then by name), with as few edges as that needs, plus every link's target.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Container } from '../docker/daemon/container.ts';
import { dependencies } from './compose-lab.ts';

const run = (...specs: string[]): Container[] =>
  specs.map((s) => {
    const [name, links] = s.split('>') as [string, string | undefined];
    return { name, config: { image: 'x', ...(links ? { links: links.split(',') } : {}) } } as unknown as Container;
  });
const deps = (...specs: string[]) => Object.fromEntries([...dependencies(run(...specs))].map(([k, v]) => [k, [...v].sort()]));

test('run in name order: nothing to add', () => {
  assert.deepEqual(deps('a', 'b', 'c'), { a: [], b: [], c: [] });
});

test('a descent in name order gets one edge', () => {
  assert.deepEqual(deps('c', 'a', 'b'), { c: [], a: ['c'], b: [] });
});

test('when single edges cannot keep the order, the whole run is chained', () => {
  assert.deepEqual(deps('b', 'c', 'a'), { b: [], c: ['b'], a: ['c'] });
});

test('links are dependencies (by container name, alias aside)', () => {
  assert.deepEqual(deps('db', 'web>db:database'), { db: [], web: ['db'] });
  assert.deepEqual(deps('z', 'a>z'), { z: [], a: ['z'] });
});
