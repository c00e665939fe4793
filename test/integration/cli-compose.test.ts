// `flotilla lab import COMPOSE.yml` and `flotilla lab export LAB --compose FILE` as child processes: compose → lab →
// compose keeps the services, networks, ports and aliases, the exported file passes the real `docker-compose config`
// (when installed), and bad compose input is refused with its line or field path.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { parseYaml } from '../../src-main/docker/swarm/compose.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const home = mkdtempSync(path.join(os.tmpdir(), 'flotilla-cli-compose-'));
after(() => rmSync(home, { recursive: true, force: true }));

function flotilla(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bin/flotilla.mjs'), ...args], {
    cwd: home,
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, FLOTILLA_HOME: path.join(home, 'lib') },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const SHOP = `# a small shop
version: "3.8"
services:
  web:
    image: nginx
    container_name: web
    ports:
      - "8080:80"
      - target: 443
        published: 8443
        protocol: tcp
      - "127.0.0.1:5353:53/udp"
    networks:
      front:
        aliases: [www, shop]
      back:
        aliases:
          - web-internal
    depends_on: [api]
  api:
    image: nginx
    environment:
      MODE: prod
    networks:
      back:
        ipv4_address: 10.10.0.50
  tools:
    image: nicolaka/netshoot
    command: sleep 1d
    networks: [back]
networks:
  front:
    driver: bridge
    attachable: true
  back:
    internal: true
    ipam:
      config:
        - subnet: 10.10.0.0/24
          gateway: 10.10.0.1
`;

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => v as Obj;

test('compose → lab: the journal holds the commands a person would type, networks first, services by depends_on', () => {
  writeFileSync(path.join(home, 'shop.yml'), SHOP);
  const imported = flotilla('lab', 'import', 'shop.yml', '--name', 'Shop');
  assert.equal(imported.code, 0, imported.stderr);
  assert.match(imported.stdout, /^[0-9a-f]{32} {2}Shop\n$/);
  assert.equal(flotilla('lab', 'export', 'Shop', '--yaml', 'shop.lab.yaml').code, 0);
  const lines = readFileSync(path.join(home, 'shop.lab.yaml'), 'utf8').split('\n').filter((l) => /^ {4}line: "[^"]/.test(l)).map((l) => JSON.parse(l.slice(10)) as string);
  assert.deepEqual(lines, [
    'docker-machine create node1',
    'docker network create --attachable front',
    'docker network create --internal --subnet 10.10.0.0/24 --gateway 10.10.0.1 back',
    'docker run -d --name api -e MODE=prod --network back --ip 10.10.0.50 nginx',
    'docker run -d --name tools --network back nicolaka/netshoot sleep 1d',
    'docker run -d --name web --network front --network-alias www --network-alias shop -p 8080:80 -p 8443:443 -p 127.0.0.1:5353:53/udp nginx',
    'docker network connect --alias web-internal back web',
  ]);
});

test('compose → lab → compose keeps services, networks, ports and aliases; docker-compose config accepts it', (t) => {
  const exported = flotilla('lab', 'export', 'Shop', '--compose', 'out.yml');
  assert.equal(exported.code, 0, exported.stderr);
  const text = readFileSync(path.join(home, 'out.yml'), 'utf8');
  const doc = obj(parseYaml(text));
  const services = obj(doc.services);
  assert.deepEqual(Object.keys(services).sort(), ['api', 'tools', 'web']);
  const web = obj(services.web);
  assert.equal(web.image, 'nginx');
  assert.deepEqual(web.ports, ['8080:80', '8443:443', '127.0.0.1:5353:53/udp']);
  assert.deepEqual(obj(web.networks), { front: { aliases: ['www', 'shop'] }, back: { aliases: ['web-internal'] } });
  assert.deepEqual(obj(services.api).networks, { back: { ipv4_address: '10.10.0.50' } });
  assert.deepEqual(obj(services.api).environment, ['MODE=prod']);
  assert.deepEqual(obj(services.tools).command, ['sleep', '1d']);
  const networks = obj(doc.networks);
  assert.deepEqual(networks.back, { name: 'back', driver: 'bridge', internal: true, ipam: { config: [{ subnet: '10.10.0.0/24', gateway: '10.10.0.1' }] } });
  assert.deepEqual(networks.front, { name: 'front', driver: 'bridge', attachable: true });

  // ...and it imports back into the same commands.
  const again = flotilla('lab', 'import', 'out.yml', '--name', 'Shop again');
  assert.equal(again.code, 0, again.stderr);
  assert.equal(flotilla('lab', 'export', 'Shop again', '--compose', 'out2.yml').code, 0);
  assert.equal(readFileSync(path.join(home, 'out2.yml'), 'utf8').replace(/"Shop again"/, '"Shop"'), text);

  if (spawnSync('sh', ['-c', 'command -v docker-compose']).status !== 0) {
    t.skip('docker-compose is not installed (Debian: apt-get install docker-compose): the real `docker-compose config` check is skipped');
    return;
  }
  const config = spawnSync('docker-compose', ['-f', 'out.yml', 'config'], { cwd: home, encoding: 'utf8' });
  assert.equal(config.status, 0, config.stderr);
  assert.match(config.stdout, /ipv4_address: 10\.10\.0\.50/);
});

test('overlay networks: the node joins a swarm first and the network is attachable', () => {
  writeFileSync(path.join(home, 'ovl.yml'), 'services:\n  app:\n    image: nginx\n    networks: [mesh]\nnetworks:\n  mesh:\n    driver: overlay\n');
  const imported = flotilla('lab', 'import', 'ovl.yml', '--node', 'n1');
  assert.equal(imported.code, 0, imported.stderr);
  const exported = flotilla('lab', 'export', 'ovl', '--compose', 'ovl-out.yml', '--node', 'n1');
  assert.equal(exported.code, 0, exported.stderr);
  const doc = obj(parseYaml(readFileSync(path.join(home, 'ovl-out.yml'), 'utf8')));
  const mesh = obj(obj(doc.networks).mesh);
  assert.deepEqual([mesh.name, mesh.driver, mesh.attachable], ['mesh', 'overlay', true]);
  assert.deepEqual(Object.keys(obj(obj(obj(doc.services).app).networks)), ['mesh']);
});

test('bad compose input is refused with its line or field path; the library keeps what it had', () => {
  const before = flotilla('lab', 'list').stdout;
  const cases: [string, string, RegExp][] = [
    ['syntax.yml', 'services:\n  web:\n    image: nginx\n   bad: [1\n', /^flotilla: syntax\.yml: yaml: line \d+: /],
    ['port.yml', 'services:\n  web:\n    image: nginx\n    ports: ["80:abc"]\n', /^flotilla: port\.yml: services\.web\.ports\[0\]: invalid port "80:abc"/],
    ['longport.yml', 'services:\n  web:\n    image: nginx\n    ports:\n      - published: 80\n', /^flotilla: longport\.yml: services\.web\.ports\[0\]\.target: is missing/],
    ['net.yml', 'services:\n  web:\n    image: nginx\n    networks: [nowhere]\n', /^flotilla: net\.yml: services\.web\.networks\[0\]: service "web" refers to undefined network nowhere/],
    ['noimage.yml', 'services:\n  web:\n    container_name: w\n', /^flotilla: noimage\.yml: services\.web\.image: is missing/],
    ['cycle.yml', 'services:\n  a:\n    image: nginx\n    depends_on: [b]\n  b:\n    image: nginx\n    depends_on: [a]\n', /dependency cycle: a → b → a/],
    ['subnet.yml', 'services:\n  a:\n    image: nginx\nnetworks:\n  n:\n    ipam:\n      config:\n        - subnet: 10.0.0.0\n', /networks\.n\.ipam\.config\[0\]\.subnet: invalid IPv4 subnet/],
    ['build.yml', 'services:\n  a:\n    image: nginx\n    volumes: ["./x:/x"]\n', /services\.a\.volumes: not supported/],
  ];
  for (const [file, text, expected] of cases) {
    writeFileSync(path.join(home, file), text);
    const r = flotilla('lab', 'import', file);
    assert.equal(r.code, 1, `${file}: ${r.stdout}${r.stderr}`);
    assert.match(r.stderr, expected, file);
  }
  assert.equal(flotilla('lab', 'list').stdout, before);
});
