// Scalars in the compose and stack files Flotilla writes: keys bare only when plain, values always quoted.
import assert from 'node:assert/strict';
import test from 'node:test';
import { yamlKey, yamlString } from './yaml-text.ts';

test('yamlKey: plain names bare, anything YAML could read otherwise quoted', () => {
  assert.equal(yamlKey('web_1.front-end'), 'web_1.front-end');
  assert.equal(yamlKey('-x'), '"-x"');
  assert.equal(yamlKey('a b'), '"a b"');
  assert.equal(yamlKey('a:b'), '"a:b"');
  assert.equal(yamlKey(''), '""');
});

test('yamlString: always double-quoted, so no value turns into a number, bool or null', () => {
  assert.equal(yamlString('yes'), '"yes"');
  assert.equal(yamlString('8080'), '"8080"');
  assert.equal(yamlString('say "hi"\n'), '"say \\"hi\\"\\n"');
});
