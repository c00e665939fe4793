import assert from 'node:assert/strict';
import { test } from 'node:test';
import { composeServices, splitProblem, stackNameOf, type ChosenFile } from './import-file.ts';

const file = (text: string): ChosenFile => ({ name: 'app.yml', base64: '', text, kind: 'compose', services: [] });

test('a refusal splits into file, place and reason; a YAML line is quoted from the file', () => {
  const f = file('services:\n  web:\n    image: nginx\n   ports: 1\n');
  assert.deepEqual(splitProblem('app.yml: yaml: line 4: mapping values are not allowed in this context', f), {
    file: 'app.yml',
    place: 'line 4',
    message: 'mapping values are not allowed in this context',
    line: { no: 4, text: '   ports: 1' },
  });
  assert.deepEqual(splitProblem('app.yml: services.web.ports[0]: invalid port "x"', f), { file: 'app.yml', place: 'services.web.ports[0]', message: 'invalid port "x"', line: null });
  assert.deepEqual(splitProblem('app.yml: nodes[1].name: "a" is already the name of nodes[0]', f).place, 'nodes[1].name');
  assert.deepEqual(splitProblem('app.yml: `docker run -d x` failed (exit 125): Unable to find image', f), { file: 'app.yml', place: null, message: '`docker run -d x` failed (exit 125): Unable to find image', line: null });
  assert.deepEqual(splitProblem('Could not reach the host.', null), { file: null, place: null, message: 'Could not reach the host.', line: null });
});

test('the services of a compose file, in its order; nested keys and comments are not services', () => {
  assert.deepEqual(composeServices('version: "3"\nservices:\n  # the front\n  web:\n    image: x\n    ports:\n      - a: 1\n  "api":\n    image: y\nnetworks:\n  n: {}\n'), ['web', 'api']);
  assert.deepEqual(composeServices('networks: {}\n'), []);
});

test('a stack name from a file name', () => {
  assert.deepEqual(['Shop Stack', 'docker-compose', '__', 'a.b'].map(stackNameOf), ['shop-stack', 'docker-compose', 'stack', 'a-b']);
});
