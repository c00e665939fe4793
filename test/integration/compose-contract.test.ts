// labs.importCompose, as the window calls it: one node or a stack on N nodes, the lab named after the file, and a
// bad file refused naming the file and the field, with the library unchanged.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { FlotillaError } from '../../src-main/common/api/errors.ts';
import { tempCore } from './helpers.ts';

const { core, dispose } = tempCore('browser');
after(dispose);
const api = core.api;
const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

const FILE = 'services:\n  web:\n    image: nginx\n    ports: ["8080:80"]\n    deploy:\n      replicas: 2\n';

test('one node: the lab is named after the file and its journal runs the container', async () => {
  const lab = await api.labs.importCompose({ fileName: 'shop.yml', dataBase64: b64(FILE), mode: 'node' });
  assert.equal(lab.name, 'shop');
  assert.equal(lab.nodeCount, 1);
  const doc = (await api.labs.open({ id: lab.id })).document;
  assert.ok(doc.journal.some((e) => e.line === 'docker run -d --name web --network shop_default -p 8080:80 nginx'), JSON.stringify(doc.journal.map((e) => e.line)));
});

test('a stack on a swarm of 2 nodes, named by the caller', async () => {
  const lab = await api.labs.importCompose({ fileName: 'shop.yml', name: 'Shop swarm', dataBase64: b64(FILE), mode: 'stack', nodes: 2, stack: 'shop' });
  assert.equal(lab.name, 'Shop swarm');
  assert.equal(lab.nodeCount, 2);
  const lines = (await api.labs.open({ id: lab.id })).document.journal.map((e) => e.line).filter((l) => l !== '');
  assert.equal(lines.at(-1), 'docker stack deploy -c shop.yml shop');
});

test('bad files are refused with the file and the field or line; the library is unchanged', async () => {
  const before = await api.labs.list();
  const cases: [Parameters<typeof api.labs.importCompose>[0], RegExp][] = [
    [{ fileName: 'a.yml', dataBase64: b64('journal: []\n'), mode: 'node' }, /^a\.yml: not a compose file/],
    [{ fileName: 'a.yml', dataBase64: Buffer.from([0x73, 0xff, 0xfe]).toString('base64'), mode: 'node' }, /^a\.yml: not UTF-8 text/],
    [{ fileName: 'b.yml', dataBase64: b64('services:\n  web:\n    image: nginx\n   x: 1\n'), mode: 'node' }, /^b\.yml: yaml: line 4: /],
    [{ fileName: 'c.yml', dataBase64: b64('services:\n  web:\n    image: nginx\n    ports: ["x"]\n'), mode: 'node' }, /^c\.yml: services\.web\.ports\[0\]: invalid port "x"/],
    [{ fileName: 'd.yml', dataBase64: b64('services:\n  web:\n    image: nginx\n    deploy:\n      replicas: many\n'), mode: 'stack', nodes: 2 }, /^d\.yml: services\.web\.deploy\.replicas: must be a whole number/],
    [{ fileName: 'e.yml', dataBase64: b64(FILE), mode: 'node', nodes: 2 }, /nodes and stack go with mode "stack"/],
  ];
  for (const [params, expected] of cases) {
    await assert.rejects(api.labs.importCompose(params), (e: unknown) => e instanceof FlotillaError && e.code === 'invalid-argument' && expected.test(e.message), params.fileName);
  }
  assert.deepEqual(await api.labs.list(), before);
});
