// Stack files: the checks name the field they refuse, the here-document delimiter never ends the file early, and
// durations are written the way `docker stack deploy` reads them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseYaml } from '../docker/swarm/compose.ts';
import { formatStack, goDuration } from '../lab/stack-export.ts';
import { checkStack, heredocDelimiter } from '../lab/stack-import.ts';

const check = (text: string) => checkStack(parseYaml(text), 'f.yml');

test('checkStack accepts what the deploy reads and lists services and networks', () => {
  const r = check('services:\n  b:\n    image: x\n    networks: [n]\n    deploy: { mode: global }\n  a:\n    image: y\n    ports:\n      - "80"\n      - 8080:80/udp\n      - target: 1\n        mode: host\n    deploy:\n      replicas: "3"\nnetworks:\n  n: {}\n');
  assert.deepEqual(r, { services: ['a', 'b'], networks: ['n'] });
});

test('checkStack refuses with the file and the field path', () => {
  const cases: [string, RegExp][] = [
    ['- a\n', /^f\.yml: \(root\): must be a mapping, got list$/],
    ['services: {}\n', /^f\.yml: services: no services defined$/],
    ['services:\n  w:\n    image: x\n    build: .\n', /^f\.yml: services\.w\.build: not supported/],
    ['services:\n  w:\n    image: x\n    deploy:\n      replicas: 1.5\n', /^f\.yml: services\.w\.deploy\.replicas: must be a whole number from 0 to 1000, got 1\.5$/],
    ['services:\n  w:\n    image: x\n    deploy:\n      labels: [1, [2]]\n', /^f\.yml: services\.w\.deploy\.labels\[1\]: must be a string or a number, got list$/],
    ['services:\n  w:\n    image: x\n    ports: ["1.2.3.4:80:80"]\n', /^f\.yml: services\.w\.ports\[0\]: invalid port "1\.2\.3\.4:80:80" for a stack/],
    ['services:\n  w:\n    image: x\n    ports: ["70000:80"]\n', /services\.w\.ports\[0\]: port 70000 is out of range/],
    ['services:\n  w:\n    image: x\n    networks:\n      n:\n        ipv4_address: 10.0.0.2\nnetworks:\n  n: {}\n', /services\.w\.networks\.n\.ipv4_address: not supported/],
    ['services:\n  w:\n    image: x\nnetworks:\n  n:\n    ipam:\n      config:\n        - subnet: 10.0.0.0/33x\n', /networks\.n\.ipam\.config\[0\]\.subnet: invalid IPv4 subnet/],
    ['services:\n  w:\n    image: x\nnetworks:\n  n:\n    external: true\n', /networks\.n\.external: not supported/],
    ['services:\n  w:\n    image: x\nnetworks:\n  n:\n    internal: "yes"\n', /^f\.yml: networks\.n\.internal: must be true or false, got string$/],
    ['services:\n  w:\n    image: x\n    depends_on: [v]\n', /services\.w\.depends_on: service "w" depends on undefined service "v"/],
  ];
  for (const [text, expected] of cases) assert.throws(() => check(text), (e: Error) => expected.test(e.message), text);
});

test('the here-document delimiter is no line of the file', () => {
  assert.equal(heredocDelimiter('a: 1\n'), 'EOF');
  assert.equal(heredocDelimiter('x: |\n  EOF\nEOF\nEOF1\n'), 'EOF2');
});

test('durations as Go writes them', () => {
  assert.deepEqual([5e9, 90e9, 3600e9 + 1e9, 500e6, 0].map(goDuration), ['5s', '1m30s', '1h1s', '500ms', '0s']);
});

test('formatStack quotes what YAML would misread and parses back', () => {
  const text = formatStack(
    [{ key: 'n', name: 'other_net', attachable: false, internal: true, options: { encrypted: '' }, labels: {} }],
    [
      {
        key: 'w',
        image: 'a: b',
        command: ['sh', '-c', 'echo "#1"'],
        environment: ['X=yes'],
        ports: [{ target: 80, protocol: 'tcp', mode: 'ingress' }],
        networks: [{ key: 'n', aliases: ['no'] }],
        mode: 'replicated',
        replicas: 0,
        endpointMode: 'vip',
        constraints: [],
        labels: { 'a.b': 'true' },
        containerLabels: { 'c.d': 'no' },
        restartCondition: 'any',
        restartDelay: 5e9,
      },
    ],
  );
  const doc = parseYaml(text) as Record<string, Record<string, Record<string, unknown>>>;
  const w = doc.services!.w!;
  assert.equal(w.image, 'a: b');
  assert.deepEqual(w.command, ['sh', '-c', 'echo "#1"']);
  assert.deepEqual(w.networks, { n: { aliases: ['no'] } });
  assert.deepEqual((w.deploy as Record<string, unknown>).labels, { 'a.b': 'true' });
  assert.deepEqual(w.labels, { 'c.d': 'no' });
  assert.deepEqual(doc.networks!.n, { name: 'other_net', driver: 'overlay', internal: true, driver_opts: { encrypted: '' } });
  assert.deepEqual(checkStack(parseYaml(text), 'out.yml'), { services: ['w'], networks: ['n'] });
});
