import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Random } from '../../sim/random.ts';
import { Ipam } from '../ipam.ts';
import { NetworkRegistry } from '../model.ts';
import { engineBehaviour } from '../version.ts';
import { marshalGoJson } from './gojson.ts';
import { GoStruct, GoTime, NIL_MAP, NIL_SLICE, goSprint } from './govalue.ts';
import { inspectNetworks, listNetworks, naturalSort } from './network.ts';
import { tabwrite } from './tabwriter.ts';
import { Template, parseDockerTemplate } from './template.ts';

const clock = { epochUnixSeconds: 1759312800 }; // 2025-10-01T10:00:00Z

function lab(version = '28.5.2'): NetworkRegistry {
  const b = engineBehaviour(version);
  let t = 0;
  const r = new NetworkRegistry({ behaviour: b, ipam: new Ipam({ behaviour: b }), rng: new Random(9).fork('d'), now: () => (t += 123_456_789) });
  r.createPredefined();
  return r;
}

const run = (tmpl: string, data: Parameters<Template['execute']>[0]): string => Template.parse(tmpl).execute(data);
const parseErr = (tmpl: string): string => {
  try {
    parseDockerTemplate(tmpl);
  } catch (e) {
    return (e as Error).message;
  }
  return 'parsed';
};

test('§9.3 network ls: default table through the tabwriter (minwidth 10, padding 3), names in natural order', () => {
  const r = lab();
  r.create({ name: 'net10' });
  r.create({ name: 'net9' });
  r.create({ name: 'docker_gwbridge' });
  const out = listNetworks(r.list(), clock);
  const lines = out.split('\n');
  assert.equal(lines[0], 'NETWORK ID     NAME              DRIVER    SCOPE');
  assert.deepEqual(lines.slice(1, -1).map((l) => l.split(/ {2,}/)[1]), ['bridge', 'docker_gwbridge', 'host', 'net9', 'net10', 'none']);
  assert.match(lines[1]!, /^[0-9a-f]{12} {3}bridge {12}bridge {4}local$/);
  assert.equal(lines.at(-1), '');
  // the transcript's regexes (cnm-basics.t)
  const fresh = listNetworks(lab().list(), clock).split('\n');
  assert.match(fresh[0]!, /^NETWORK ID\s+NAME\s+DRIVER\s+SCOPE$/);
  assert.match(fresh[1]!, /^[0-9a-f]{12}\s+bridge\s+bridge\s+local$/);
  assert.match(fresh[2]!, /^[0-9a-f]{12}\s+host\s+host\s+local$/);
  assert.match(fresh[3]!, /^[0-9a-f]{12}\s+none\s+null\s+local$/);
  assert.equal(fresh[0], 'NETWORK ID     NAME      DRIVER    SCOPE');
});

test('§9.3 network ls --format, -q, --no-trunc, table and json formats', () => {
  const r = lab();
  r.create({ name: 'dev' });
  assert.equal(listNetworks(r.list(), clock, { format: '{{.Name}} {{.Driver}}' }), 'bridge bridge\ndev bridge\nhost host\nnone null\n');
  const q = listNetworks(r.list(), clock, { quiet: true }).split('\n');
  assert.equal(q.length, 5);
  assert.match(q[0]!, /^[0-9a-f]{12}$/);
  assert.match(listNetworks(r.list(), clock, { quiet: true, noTrunc: true }).split('\n')[0]!, /^[0-9a-f]{64}$/);
  assert.equal(listNetworks(r.list(), clock, { format: 'table {{.Name}}\\t{{.Scope}}' }).split('\n')[0], 'NAME      SCOPE');
  const j = JSON.parse(listNetworks(r.list(), clock, { format: 'json' }).split('\n')[0]!) as Record<string, string>;
  assert.deepEqual(Object.keys(j), ['CreatedAt', 'Driver', 'ID', 'IPv4', 'IPv6', 'Internal', 'Labels', 'Name', 'Scope']);
  assert.equal(listNetworks(r.list(), clock, { format: '{{.Label "x"}}|{{.Internal}}' }).split('\n')[0], '|false');
});

test('§9.2 network inspect: the doc\'s shape byte for byte (modulo IDs and MAC), 4-space indent, [ ] wrapper', () => {
  const r = lab();
  const nw = r.create({ name: 'mynet', ipam: { driver: 'default', config: [], options: {} }, options: {}, labels: {} });
  const cid = 'a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2e3f4a5b6c7d8e9f0a1b2';
  r.createEndpoint(nw, { name: 'web', key: cid, containerId: cid });
  const out = inspectNetworks([nw], engineBehaviour('28.5.2'), clock)
    .replace(/"Id": "[0-9a-f]{64}"/, '"Id": "<id>"')
    .replace(/"EndpointID": "[0-9a-f]{64}"/, '"EndpointID": "<ep>"')
    .replace(/"MacAddress": "[0-9a-f:]{17}"/, '"MacAddress": "<mac>"')
    .replace(/"Created": "[^"]+"/, '"Created": "<t>"');
  assert.equal(
    out,
    `[
    {
        "Name": "mynet",
        "Id": "<id>",
        "Created": "<t>",
        "Scope": "local",
        "Driver": "bridge",
        "EnableIPv4": true,
        "EnableIPv6": false,
        "IPAM": {
            "Driver": "default",
            "Options": {},
            "Config": [
                {
                    "Subnet": "172.18.0.0/16",
                    "Gateway": "172.18.0.1"
                }
            ]
        },
        "Internal": false,
        "Attachable": false,
        "Ingress": false,
        "ConfigFrom": {
            "Network": ""
        },
        "ConfigOnly": false,
        "Containers": {
            "${cid}": {
                "Name": "web",
                "EndpointID": "<ep>",
                "MacAddress": "<mac>",
                "IPv4Address": "172.18.0.2/16",
                "IPv6Address": ""
            }
        },
        "Options": {},
        "Labels": {}
    }
]
`,
  );
  // ≤27: no EnableIPv4, MAC 02:42 + IPv4
  const old = lab('27.5.1');
  const n2 = old.create({ name: 'mynet' });
  old.createEndpoint(n2, { name: 'web', key: cid });
  const o = inspectNetworks([n2], engineBehaviour('27.5.1'), clock);
  assert.ok(!o.includes('EnableIPv4'));
  assert.ok(o.includes('"MacAddress": "02:42:ac:12:00:02"'));
  assert.equal(inspectNetworks([], engineBehaviour(), clock), '[]\n');
});

test('§9.1 IPAM.Config echoes the user config (no Gateway when only --subnet); bridge shows its six options', () => {
  const r = lab();
  const pub = r.create({ name: 'pubnet', ipam: { config: [{ subnet: '10.66.0.0/16', auxAddresses: {} }], options: {} } });
  const out = inspectNetworks([pub], engineBehaviour(), clock);
  assert.ok(out.includes('"Config": [\n                {\n                    "Subnet": "10.66.0.0/16"\n                }\n            ]'));
  const b = inspectNetworks([r.byName('bridge')!], engineBehaviour(), clock);
  assert.ok(b.includes('"Options": null,'));
  assert.ok(b.includes('"com.docker.network.bridge.name": "docker0",'));
});

test('inspect -f: typed first, raw fallback with missingkey=error (cnm-basics/swarm-basics templates)', () => {
  const r = lab();
  const front = r.create({ name: 'front', ipam: { config: [{ subnet: '10.0.1.0/24', gateway: '10.0.1.1' }] } });
  const b = engineBehaviour();
  assert.equal(inspectNetworks([front], b, clock, '{{range .IPAM.Config}}{{.Subnet}} {{.Gateway}}{{end}}'), '10.0.1.0/24 10.0.1.1\n');
  assert.equal(inspectNetworks([front], b, clock, '{{.Name}} {{.Driver}} {{.Scope}}'), 'front bridge local\n');
  assert.equal(inspectNetworks([front], b, clock, '{{.Created}}'), '2025-10-01 10:00:00.493827156 +0000 UTC\n');
  assert.match(inspectNetworks([front], b, clock, '{{.Id}}'), /^[0-9a-f]{64}\n$/);
  assert.equal(inspectNetworks([front], b, clock, '{{json .Options}}'), '{}\n');
  assert.throws(() => inspectNetworks([front], b, clock, '{{.Nope}}'), { message: 'template parsing error: template: :1:2: executing "" at <.Nope>: map has no entry for key "Nope"' });
  assert.throws(() => inspectNetworks([front], b, clock, '{{.Name}'), { message: 'template parsing error: template: :1: unexpected "}" in operand' });
});

test('template: fields, nested map paths, json, range, if/else, index, join, lower/upper, println', () => {
  const data = { Name: 'fixed', NetworkSettings: { Networks: { pubnet: { IPAddress: '10.66.66.66', Aliases: ['a', 'b'] } } }, Labels: { z: '1', a: '<2>' } };
  assert.equal(run('{{.NetworkSettings.Networks.pubnet.IPAddress}}', data), '10.66.66.66');
  assert.equal(run('{{json .Labels}}', data), '{"a":"<2>","z":"1"}');
  assert.equal(run('{{json .NetworkSettings.Networks.pubnet.Aliases}}', data), '["a","b"]');
  assert.equal(run('{{range $k, $v := .Labels}}{{$k}}={{$v}} {{end}}', data), 'a=<2> z=1 ');
  assert.equal(run('{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}', data), '10.66.66.66');
  assert.equal(run('{{if eq .Name "x"}}x{{else if .Name}}{{.Name}}{{else}}none{{end}}', data), 'fixed');
  assert.equal(run('{{index .Labels "z"}} {{index .NetworkSettings.Networks.pubnet.Aliases 1}}', data), '1 b');
  assert.equal(run('{{join .NetworkSettings.Networks.pubnet.Aliases ", "}}', data), 'a, b');
  assert.equal(run('{{upper .Name}}-{{lower "AbC"}}-{{title "hello world"}}', data), 'FIXED-abc-Hello World');
  assert.equal(run('{{println .Name}}{{print 1 2}}', data), 'fixed\n1 2');
  assert.equal(run('{{.Missing}}', data), '<no value>');
  assert.equal(run('{{range .Labels}}{{.}}{{break}}{{end}}', data), '<2>');
  assert.equal(run('{{with $x := .Name}}{{$x}}{{end}} {{len .Labels}} {{not true}}', data), 'fixed 2 false');
  assert.equal(run('  {{- .Name -}}  !', data), 'fixed!');
  assert.equal(run('{{printf "%s:%d" .Name 5}}', data), 'fixed:5');
  assert.equal(run('{{split "a,b" ","}}', data), '[a b]');
  assert.equal(run('{{range .Nothing}}x{{else}}empty{{end}}', data), 'empty');
});

test('template: Go error texts for bad templates', () => {
  assert.equal(parseErr('{{.Name}'), 'template parsing error: template: :1: unexpected "}" in operand');
  assert.equal(parseErr('{{.Name'), 'template parsing error: template: :1: unclosed action');
  assert.equal(parseErr('{{range .X}}'), 'template parsing error: template: :1: unexpected EOF');
  assert.equal(parseErr('{{end}}'), 'template parsing error: template: :1: unexpected {{end}}');
  assert.equal(parseErr('{{nosuch .X}}'), 'template parsing error: template: :1: function "nosuch" not defined');
  assert.equal(parseErr('{{$x}}'), 'template parsing error: template: :1: undefined variable "$x"');
  assert.equal(parseErr('{{if}}{{end}}'), 'template parsing error: template: :1: missing value for if');
  assert.equal(parseErr('{{"abc}}'), 'template parsing error: template: :1: unterminated quoted string');
  assert.equal(parseErr('a\n{{else}}'), 'template parsing error: template: :2: unexpected {{else}}');
  const exec = (t: string, d: Parameters<Template['execute']>[0], missing = false): string => {
    try {
      Template.parse(t).execute(d, { missingKeyError: missing });
    } catch (e) {
      return (e as Error).message;
    }
    return 'ok';
  };
  assert.equal(exec('{{.Foo}}', new GoStruct('network.Inspect', { Name: 'x' })), 'template: :1:2: executing "" at <.Foo>: can\'t evaluate field Foo in type network.Inspect');
  assert.equal(exec('{{index .L 3}}', { L: ['a'] }), 'template: :1:2: executing "" at <index .L 3>: error calling index: index out of range: 3');
  assert.equal(exec('x\n {{.A.B}}', {}, true), 'template: :2:3: executing "" at <.A.B>: map has no entry for key "A"');
});

test('Go values: %v printing and encoding/json', () => {
  assert.equal(goSprint({ b: [1, 'x'], a: NIL_MAP }), 'map[a:map[] b:[1 x]]');
  assert.equal(goSprint(new GoStruct('network.IPAMConfig', { Subnet: '10.0.0.0/24', IPRange: '', Gateway: '10.0.0.1', AuxAddress: NIL_MAP })), '{10.0.0.0/24  10.0.0.1 map[]}');
  assert.equal(goSprint(NIL_SLICE), '[]');
  assert.equal(new GoTime(1759312800, 0).rfc3339Nano(), '2025-10-01T10:00:00Z');
  assert.equal(new GoTime(1759312800, 120_000_000).toString(), '2025-10-01 10:00:00.12 +0000 UTC');
  assert.equal(marshalGoJson({ a: '<&>' }), '{"a":"\\u003c\\u0026\\u003e"}');
  assert.equal(marshalGoJson({ a: '<&>' }, { escapeHtml: false }), '{"a":"<&>"}');
  assert.equal(marshalGoJson({ e: [], m: {}, n: NIL_SLICE }, { indent: '    ' }), '{\n    "e": [],\n    "m": {},\n    "n": null\n}');
});

test('tabwriter: column blocks, last cell free, min width 10, padding 3', () => {
  assert.equal(tabwrite('A\tB\tC\nxxxxxxxxxxxx\ty\tz\n'), 'A              B         C\nxxxxxxxxxxxx   y         z\n');
  assert.equal(tabwrite('no tabs\n'), 'no tabs\n');
});

test('natural sort of names', () => {
  assert.deepEqual(naturalSort(['net10', 'net9', 'bridge', 'net010', 'a'], (s) => s), ['a', 'bridge', 'net9', 'net10', 'net010']);
});
