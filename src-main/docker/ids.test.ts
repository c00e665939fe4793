import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Random } from '../sim/random.ts';
import {
  findContainer,
  findNetwork,
  generateContainerName,
  generateId,
  generateSwarmId,
  isFullId,
  isSwarmId,
  joinToken,
  nameConflictError,
  networkDbNodeName,
  truncateId,
  validateContainerName,
  vethName,
} from './ids.ts';
import { ADJECTIVES, SURNAMES, randomName } from './names.ts';
import { DockerError } from './errors.ts';

const rng = (name = 'ids'): Random => new Random(42).fork(name);

test('§1 64-hex IDs: 32 random bytes, short ID never all digits, deterministic per seed', () => {
  const r = rng();
  const ids = Array.from({ length: 200 }, () => generateId(r));
  for (const id of ids) {
    assert.ok(isFullId(id), id);
    assert.ok(!/^[0-9]{12}$/.test(id.slice(0, 12)));
  }
  assert.equal(new Set(ids).size, 200);
  assert.equal(generateId(rng('x')), generateId(rng('x')));
});

test('§1 a short ID that would be all digits is drawn again', () => {
  // A stream whose first 32 bytes are all 0x11 ("1111…") and whose next are 0xab.
  let n = 0;
  const fake = { nextU32: (): number => (n++ < 8 ? 0x11111111 : 0xabababab) };
  assert.equal(generateId(fake), 'ab'.repeat(32));
});

test('§1 TruncateID: 12 characters, "sha256:" prefix stripped', () => {
  assert.equal(truncateId('5f0c3e0b9d8a7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b'), '5f0c3e0b9d8a');
  assert.equal(truncateId('sha256:5f0c3e0b9d8a7c6b5a4f'), '5f0c3e0b9d8a');
  assert.equal(truncateId('trtnl4tqnc3n8k2m'), 'trtnl4tqnc3n');
  assert.equal(truncateId('abc'), 'abc');
});

test('§1 swarm IDs: 25 chars base 36', () => {
  const r = rng('swarm');
  for (let i = 0; i < 100; i++) {
    const id = generateSwarmId(r);
    assert.ok(isSwarmId(id), id);
  }
  assert.equal(truncateId(generateSwarmId(r)).length, 12);
});

test('§1 veth names, NetworkDB node names and join tokens', () => {
  const r = rng('misc');
  assert.match(vethName(r), /^veth[0-9a-f]{7}$/);
  assert.match(networkDbNodeName(r), /^[0-9a-f]{12}$/);
  assert.match(joinToken(r), /^SWMTKN-1-[0-9a-z]{50}-[0-9a-z]{25}$/);
});

test('names-generator: adjective_surname, a digit on retries, never boring_wozniak', () => {
  assert.ok(ADJECTIVES.length >= 80 && SURNAMES.length >= 150);
  const r = rng('names');
  for (let i = 0; i < 500; i++) {
    const n = randomName(r);
    assert.match(n, /^[a-z]+_[a-z]+$/);
    assert.notEqual(n, 'boring_wozniak');
    const [a, s] = n.split('_');
    assert.ok(ADJECTIVES.includes(a!) && SURNAMES.includes(s!));
  }
  assert.match(randomName(r, 1), /^[a-z]+_[a-z]+[0-9]$/);
});

test('generateNewName: six tries, then the short ID', () => {
  const id = 'ab'.repeat(32);
  const seen: string[] = [];
  const name = generateContainerName(rng('n2'), id, (n) => {
    seen.push(n);
    return true;
  });
  assert.equal(seen.length, 6);
  assert.match(seen[0]!, /^[a-z]+_[a-z]+$/);
  for (const s of seen.slice(1)) assert.match(s, /[0-9]$/);
  assert.equal(name, 'abababababab');
  assert.match(generateContainerName(rng('n3'), id, () => false), /^[a-z]+_[a-z]+$/);
});

test('container names: validation and conflict wording', () => {
  assert.equal(validateContainerName('/web-1.a_b'), 'web-1.a_b');
  assert.throws(() => validateContainerName('a'), { message: 'Invalid container name (a), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed' });
  assert.throws(() => validateContainerName('-web'), /Invalid container name \(-web\)/);
  assert.equal(
    nameConflictError('web', 'f'.repeat(64)).cliText(),
    `Error response from daemon: Conflict. The container name "/web" is already in use by container "${'f'.repeat(64)}". You have to remove (or rename) that container to be able to reuse that name.`,
  );
  assert.equal(nameConflictError('web', 'x').status, 409);
});

const nets = [
  { id: 'aaaa1111' + '0'.repeat(56), name: 'dev' },
  { id: 'aaaa2222' + '0'.repeat(56), name: 'dev' },
  { id: 'bbbb3333' + '0'.repeat(56), name: 'prod' },
  { id: 'cccc4444' + '0'.repeat(56), name: 'aaaa' },
];

test('§10.2 network lookup: full ID, then name, then ID prefix', () => {
  assert.equal(findNetwork(nets[1]!.id, nets).id, nets[1]!.id);
  assert.equal(findNetwork('prod', nets).name, 'prod');
  assert.equal(findNetwork('bbbb', nets).name, 'prod');
  // a name wins over an ID prefix
  assert.equal(findNetwork('aaaa', nets).name, 'aaaa');
});

test('§10.2 ambiguity and not-found wording (router vs daemon FindNetwork)', () => {
  const err = (f: () => unknown): DockerError => {
    try {
      f();
    } catch (e) {
      assert.ok(e instanceof DockerError);
      return e;
    }
    assert.fail('no error');
  };
  const e1 = err(() => findNetwork('dev', nets));
  assert.equal(e1.cliText(), 'Error response from daemon: network dev is ambiguous (2 matches found based on name)');
  assert.equal(e1.status, 400);
  assert.equal(err(() => findNetwork('dev', nets, 'daemon')).message, 'network dev is ambiguous (2 matches found on name)');
  assert.equal(err(() => findNetwork('aaaa', nets.slice(0, 3))).message, 'network aaaa is ambiguous (2 matches found based on ID prefix)');
  const nf = err(() => findNetwork('nope', nets));
  assert.equal(nf.cliText(), 'Error response from daemon: network nope not found');
  assert.equal(nf.status, 404);
});

test('container lookup: exact ID, name, prefix; Docker wording', () => {
  const cs = [
    { id: 'abc1' + '0'.repeat(60), name: '/web' },
    { id: 'abc2' + '0'.repeat(60), name: '/db' },
  ];
  assert.equal(findContainer('web', cs).name, '/web');
  assert.equal(findContainer('/db', cs).name, '/db');
  assert.equal(findContainer('abc2', cs).name, '/db');
  assert.throws(() => findContainer('abc', cs), { message: 'multiple IDs found with provided prefix: abc' });
  assert.throws(() => findContainer('zzz', cs), { message: 'No such container: zzz' });
});
