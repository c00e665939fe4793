// Every contract method rejects malformed arguments with a typed error naming the field, before any service
// runs. The table must list every method: a method added to the contract without cases here fails this test.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { methodNames, type MethodName } from '../../src-main/common/api/contract.ts';
import type { Core } from '../../src-main/services/core.ts';
import { tempCore } from './helpers.ts';

const ID = '0123456789abcdef0123456789abcdef';

/** [params, the field the error must name]. */
const malformed: Record<MethodName, [unknown, string][]> = {
  'app.info': [[null, 'argument'], [[], 'argument'], [{ extra: 1 }, 'extra']],
  'settings.get': [['x', 'argument'], [{ theme: 'dark' }, 'theme']],
  'settings.set': [[{}, 'theme'], [{ theme: 'blue' }, 'theme'], [{ theme: 1 }, 'theme'], [{ theme: 'dark', x: 1 }, 'x']],
  'labs.list': [[42, 'argument'], [{ all: true }, 'all']],
  'labs.create': [
    [{}, 'name'],
    [{ name: '' }, 'name'],
    [{ name: 5 }, 'name'],
    [{ name: ' padded ' }, 'name'],
    [{ name: 'a'.repeat(101) }, 'name'],
    [{ name: 'line\nbreak' }, 'name'],
    [{ name: 'ok', id: ID }, 'id'],
    [Object.assign(Object.create({ inherited: true }) as object, { name: 'x' }), 'argument'],
  ],
  'labs.rename': [[{ name: 'x' }, 'id'], [{ id: 'abc', name: 'x' }, 'id'], [{ id: ID }, 'name'], [{ id: ID.toUpperCase(), name: 'x' }, 'id']],
  'labs.open': [[{}, 'id'], [{ id: 12 }, 'id'], [{ id: `${ID}0` }, 'id']],
  'labs.delete': [[{}, 'id'], [{ id: null }, 'id'], [{ id: '../../etc' }, 'id']],
  'snapshots.list': [[{}, 'labId'], [{ labId: 'x' }, 'labId'], [{ id: ID }, 'id']],
  'snapshots.save': [[{}, 'labId'], [{ labId: ID, name: '' }, 'name'], [{ labId: ID, name: 3 }, 'name'], [{ labId: ID, name: 'a', at: 1 }, 'at']],
  'snapshots.delete': [[{}, 'id'], [{ id: true }, 'id']],
};

let core: Core;
let dispose: () => void;
before(() => ({ core, dispose } = tempCore()));
after(() => dispose());

test('the table covers every method of the contract', () => {
  assert.deepEqual(Object.keys(malformed).sort(), [...methodNames].sort());
});

for (const method of methodNames) {
  test(`${method} rejects malformed arguments, naming the field`, async () => {
    for (const [params, field] of malformed[method]) {
      const result = await core.call(method, params);
      assert.equal(result.ok, false, `${method}(${JSON.stringify(params)}) should fail`);
      if (result.ok) continue;
      assert.equal(result.error.code, 'invalid-argument', `${method}(${JSON.stringify(params)}): ${result.error.message}`);
      assert.equal(result.error.field, field, `${method}(${JSON.stringify(params)}): ${result.error.message}`);
      assert.ok(result.error.message.startsWith(field), `message names the field: ${result.error.message}`);
    }
  });
}

test('an unknown method is refused as such', async () => {
  for (const method of ['labs.drop', '__proto__', 'constructor', 42, null]) {
    const result = await core.call(method, {});
    assert.equal(result.ok, false);
    if (!result.ok) assert.equal(result.error.code, 'unknown-method');
  }
});

test('valid calls go through, and the typed client throws FlotillaError with the code', async () => {
  const lab = await core.api.labs.create({ name: 'Typed' });
  assert.match(lab.id, /^[0-9a-f]{32}$/);
  assert.equal((await core.api.labs.open({ id: lab.id })).name, 'Typed');
  await assert.rejects(core.api.labs.open({ id: ID }), (err: Error & { code?: string }) => err.code === 'not-found');
  await assert.rejects(core.api.labs.create({ name: 'typed' }), (err: Error & { code?: string }) => err.code === 'conflict');
  const info = await core.api.app.info();
  assert.equal(info.shell, 'cli');
  assert.equal(info.schemaVersion >= 1, true);
});
