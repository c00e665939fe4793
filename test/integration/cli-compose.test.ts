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

const hasCompose = (): boolean => spawnSync('sh', ['-c', 'command -v docker-compose']).status === 0;

/** `docker-compose config` on a file of `home`, when Debian's docker-compose is installed. */
function composeConfig(t: { skip: (m: string) => void }, file: string): string | undefined {
  if (!hasCompose()) {
    t.skip('docker-compose is not installed (Debian: apt-get install docker-compose): the real `docker-compose config` check is skipped');
    return undefined;
  }
  const config = spawnSync('docker-compose', ['-f', file, 'config'], { cwd: home, encoding: 'utf8' });
  assert.equal(config.status, 0, `${file}: ${config.stderr}`);
  return config.stdout;
}

/** The journal's command lines of a lab (through its lab.yaml). */
function journalLines(lab: string): string[] {
  const file = `${lab.replace(/\W+/g, '_')}.journal.yaml`;
  const r = flotilla('lab', 'export', lab, '--yaml', file);
  assert.equal(r.code, 0, r.stderr);
  return readFileSync(path.join(home, file), 'utf8')
    .split('\n')
    .filter((l) => /^ {4}line: "[^"]/.test(l))
    .map((l) => JSON.parse(l.slice(10)) as string);
}

const FULL = `services:
  db:
    image: redis
    restart: on-failure:3
    labels:
      tier: data
      com.example.owner: "ops team"
    expose: ["6379", "7000/udp"]
  web:
    image: nginx
    hostname: www1
    restart: unless-stopped
    depends_on: [db]
    links: ["db:database"]
    command: ["nginx", "-g", "daemon off;"]
    environment: [A=1, B=two words]
    network_mode: bridge
  zz:
    image: nginx
    networks:
      mesh:
        aliases: [zed]
  aa:
    image: nginx
    depends_on: [zz]
    networks: [mesh]
networks:
  mesh:
    driver: overlay
`;

test('compose export carries restart, labels, expose, depends_on, links, hostname, command, env; compose → lab → compose → lab is equal', (t) => {
  writeFileSync(path.join(home, 'full.yml'), FULL);
  const imported = flotilla('lab', 'import', 'full.yml', '--name', 'Full');
  assert.equal(imported.code, 0, imported.stderr);
  assert.equal(flotilla('lab', 'export', 'Full', '--compose', 'full-out.yml').code, 0);
  const text = readFileSync(path.join(home, 'full-out.yml'), 'utf8');
  const services = obj(obj(parseYaml(text)).services);
  const db = obj(services.db);
  assert.equal(db.restart, 'on-failure:3');
  assert.deepEqual(db.labels, { tier: 'data', 'com.example.owner': 'ops team' });
  assert.deepEqual(db.expose, ['6379', '7000/udp']);
  const web = obj(services.web);
  assert.deepEqual([web.hostname, web.restart, web.network_mode], ['www1', 'unless-stopped', 'bridge']);
  assert.deepEqual(web.links, ['db:database']);
  assert.deepEqual(web.depends_on, ['db']);
  assert.deepEqual(web.command, ['nginx', '-g', 'daemon off;']);
  assert.deepEqual(web.environment, ['A=1', 'B=two words']);
  // aa was run after zz (its depends_on): the export keeps that order, though not by name
  assert.deepEqual(obj(services.aa).depends_on, ['zz']);
  assert.equal(obj(services.zz).depends_on, undefined);
  // the swarm chose the overlay's subnet: the file does not pin it
  const mesh = obj(obj(obj(parseYaml(text)).networks).mesh);
  assert.equal(mesh.ipam, undefined);

  const again = flotilla('lab', 'import', 'full-out.yml', '--name', 'Full again');
  assert.equal(again.code, 0, again.stderr);
  assert.deepEqual(journalLines('Full again'), journalLines('Full'));
  assert.equal(flotilla('lab', 'export', 'Full again', '--compose', 'full-out2.yml').code, 0);
  assert.equal(readFileSync(path.join(home, 'full-out2.yml'), 'utf8').replace('"Full again"', '"Full"'), text);
  const config = composeConfig(t, 'full-out.yml');
  if (config !== undefined) assert.match(config, /restart: on-failure:3/);
});

const STACK = `version: "3.8"
services:
  web:
    image: traefik/whoami
    command: ["--port", "80"]
    environment:
      MODE: prod
    ports:
      - target: 80
        published: 8000
        mode: ingress
      - "9000:90/udp"
    networks:
      front:
        aliases: [www]
    deploy:
      replicas: 3
      placement:
        constraints: ["node.role == worker"]
      labels:
        tier: front
      restart_policy:
        condition: on-failure
        delay: 2s
  cache:
    image: redis
    deploy:
      mode: global
      endpoint_mode: dnsrr
  api:
    image: nginx
    ports:
      - target: 8080
        published: 8080
        mode: host
    networks: [front, back]
networks:
  front:
    attachable: true
    ipam:
      config:
        - subnet: 10.20.0.0/24
  back: {}
`;

test('a stack file → a swarm of N nodes: docker-machine create × N, swarm init/join, the file on the manager, stack deploy', () => {
  writeFileSync(path.join(home, 'shop-stack.yml'), STACK);
  const imported = flotilla('lab', 'import', 'shop-stack.yml', '--stack', 'shop', '--nodes', '3', '--name', 'Shop stack');
  assert.equal(imported.code, 0, imported.stderr);
  const lines = journalLines('Shop stack');
  assert.deepEqual(lines.slice(0, 6), [
    'docker-machine create node1',
    'docker-machine create node2',
    'docker-machine create node3',
    'docker swarm init',
    'docker-machine ssh node2 docker swarm join --token $(docker-machine ssh node1 docker swarm join-token -q worker) $(docker-machine ip node1):2377',
    'docker-machine ssh node3 docker swarm join --token $(docker-machine ssh node1 docker swarm join-token -q worker) $(docker-machine ip node1):2377',
  ]);
  assert.equal(lines[6], `cat > shop.yml <<'EOF'\n${STACK}EOF`);
  assert.equal(lines[7], 'docker stack deploy -c shop.yml shop');
  assert.equal(lines.length, 8);
  const list = flotilla('lab', 'list').stdout;
  assert.match(list, /Shop stack\s+3\s/);
});

test('a lab\'s services → a stack file docker-compose config accepts; imported back as a stack, the same services', (t) => {
  const exported = flotilla('lab', 'export', 'Shop stack', '--stack', 'stack-out.yml');
  assert.equal(exported.code, 0, exported.stderr);
  const text = readFileSync(path.join(home, 'stack-out.yml'), 'utf8');
  const doc = obj(parseYaml(text));
  const services = obj(doc.services);
  assert.deepEqual(Object.keys(services), ['api', 'cache', 'web']);
  const web = obj(services.web);
  assert.deepEqual(web.ports, [
    { target: 80, published: 8000, protocol: 'tcp', mode: 'ingress' },
    { target: 90, published: 9000, protocol: 'udp', mode: 'ingress' },
  ]);
  assert.deepEqual(web.deploy, {
    mode: 'replicated',
    replicas: 3,
    endpoint_mode: 'vip',
    placement: { constraints: ['node.role == worker'] },
    labels: { tier: 'front' },
    restart_policy: { condition: 'on-failure', delay: '2s' },
  });
  assert.deepEqual(web.networks, { front: { aliases: ['www'] } });
  assert.deepEqual(web.command, ['--port', '80']);
  assert.deepEqual(web.environment, ['MODE=prod']);
  assert.deepEqual(obj(services.cache).deploy, { mode: 'global', endpoint_mode: 'dnsrr', restart_policy: { condition: 'any', delay: '5s' } });
  assert.equal(obj(services.cache).networks, undefined);
  assert.deepEqual(obj(services.api).ports, [{ target: 8080, published: 8080, protocol: 'tcp', mode: 'host' }]);
  assert.deepEqual(obj(services.api).networks, { back: {}, front: {} });
  // only the subnet the user gave; the swarm's choice for back is not written down
  assert.deepEqual(obj(doc.networks), { back: { driver: 'overlay' }, front: { driver: 'overlay', attachable: true, ipam: { config: [{ subnet: '10.20.0.0/24' }] } } });

  const again = flotilla('lab', 'import', 'stack-out.yml', '--stack', 'shop', '--nodes', '3', '--name', 'Shop stack again');
  assert.equal(again.code, 0, again.stderr);
  assert.equal(flotilla('lab', 'export', 'Shop stack again', '--stack', 'stack-out2.yml').code, 0);
  assert.equal(readFileSync(path.join(home, 'stack-out2.yml'), 'utf8').replace('"Shop stack again"', '"Shop stack"'), text);

  const config = composeConfig(t, 'stack-out.yml');
  if (config !== undefined) assert.match(config, /endpoint_mode: dnsrr/);
});

test('bad stack input is refused naming the file and the line or field path; the library keeps what it had', () => {
  const before = flotilla('lab', 'list').stdout;
  const svc = (deploy: string) => `services:\n  web:\n    image: nginx\n    deploy:\n${deploy}`;
  const cases: [string, string, string[], RegExp][] = [
    ['s-syntax.yml', 'services:\n  web:\n    image: nginx\n   deploy: 1\n', [], /^flotilla: s-syntax\.yml: yaml: line 4: /],
    ['s-replicas.yml', svc('      replicas: -2\n'), [], /^flotilla: s-replicas\.yml: services\.web\.deploy\.replicas: must be a whole number from 0 to 1000, got -2/],
    ['s-global.yml', svc('      mode: global\n      replicas: 2\n'), [], /services\.web\.deploy\.replicas: replicas can only be used with replicated mode/],
    ['s-mode.yml', svc('      mode: daemonset\n'), [], /services\.web\.deploy\.mode: must be replicated or global, got "daemonset"/],
    ['s-endpoint.yml', svc('      endpoint_mode: dns\n'), [], /services\.web\.deploy\.endpoint_mode: must be vip or dnsrr/],
    ['s-constraint.yml', svc('      placement:\n        constraints: ["role=manager"]\n'), [], /services\.web\.deploy\.placement\.constraints\[0\]: "role=manager" is not a constraint/],
    ['s-restart.yml', svc('      restart_policy:\n        condition: always\n'), [], /services\.web\.deploy\.restart_policy\.condition: must be none, on-failure or any/],
    ['s-delay.yml', svc('      restart_policy:\n        delay: soon\n'), [], /services\.web\.deploy\.restart_policy\.delay: must be a duration/],
    ['s-resources.yml', svc('      resources: {}\n'), [], /services\.web\.deploy\.resources: not supported/],
    ['s-portmode.yml', 'services:\n  web:\n    image: nginx\n    ports:\n      - target: 80\n        mode: bridge\n', [], /services\.web\.ports\[0\]\.mode: must be ingress or host/],
    ['s-dnsrr.yml', 'services:\n  web:\n    image: nginx\n    ports: ["80:80"]\n    deploy:\n      endpoint_mode: dnsrr\n', [], /services\.web\.ports\[0\]: a port published in ingress mode cannot be used with endpoint_mode dnsrr/],
    ['s-driver.yml', 'services:\n  web:\n    image: nginx\nnetworks:\n  n:\n    driver: bridge\n', [], /networks\.n\.driver: a stack's networks are overlay networks/],
    ['s-net.yml', 'services:\n  web:\n    image: nginx\n    networks: [nowhere]\n', [], /services\.web\.networks\[0\]: service "web" refers to undefined network nowhere/],
    ['s-ok.yml', 'services:\n  web:\n    image: nginx\n', ['--nodes', '12'], /--nodes: must be a whole number from 1 to 9, got 12/],
    ['s-ok.yml', 'services:\n  web:\n    image: nginx\n', ['--node', 'x'], /--node is for one-node imports/],
  ];
  for (const [file, text, extra, expected] of cases) {
    writeFileSync(path.join(home, file), text);
    const r = flotilla('lab', 'import', file, '--stack', 'bad', ...extra);
    assert.equal(r.code === 0 ? 0 : 1, 1, `${file}: ${r.stdout}${r.stderr}`);
    assert.match(r.stderr, expected, file);
  }
  assert.equal(flotilla('lab', 'list').stdout, before);
});
