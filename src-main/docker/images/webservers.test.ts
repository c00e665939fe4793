// nginx and httpd over TCP between two namespaces: exact response heads and bodies, keep-alive and Connection: close,
// error pages, HEAD, files changed in the container, access logs, and captures clean in tshark.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ms, s } from '../../sim/time.ts';
import { expertErrors, hasErrors, tshark, writeTemp } from '../../../test/tshark.ts';
import { IMAGES } from './catalog.ts';
import { curlGet, splitResponse, startProgram, tcpExchange, testNet } from './testing.ts';
import { NGINX_INDEX, nginxErrorPage } from './webservers.ts';

const image = (name: string) => IMAGES.find((i) => i.name === name)!;

test('nginx: the welcome page with nginx headers; keep-alive; 404 and 405 pages; tshark-clean', () => {
  const n = testNet(2);
  const run = startProgram(n.lab, n.server, image('nginx'));
  n.lab.run(ms(1));
  const cap = n.lab.capture(n.br);
  const ex = tcpExchange(n.lab, n.client, '172.18.0.2', 80, [curlGet('172.18.0.2'), curlGet('172.18.0.2', '/nope'), 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc'], { wait: s(2) });
  cap.stop();
  const parts = ex.text.split(/(?=HTTP\/1\.1 )/);
  assert.equal(parts.length, 3, ex.text);
  const ok = splitResponse(parts[0]!);
  assert.equal(ok.status, 'HTTP/1.1 200 OK');
  assert.deepEqual(ok.headers, [
    'Server: nginx/1.27.5',
    'Date: Sat, 03 May 2025 10:00:00 GMT',
    'Content-Type: text/html',
    'Content-Length: 615',
    'Last-Modified: Wed, 16 Apr 2025 12:01:11 GMT',
    'Connection: keep-alive',
    'ETag: "67ff9c07-267"',
    'Accept-Ranges: bytes',
  ]);
  assert.equal(ok.body, NGINX_INDEX);
  assert.match(ok.body, /<title>Welcome to nginx!<\/title>/);
  const nf = splitResponse(parts[1]!);
  assert.equal(nf.status, 'HTTP/1.1 404 Not Found');
  assert.equal(nf.body, nginxErrorPage(404, 'Not Found'));
  assert.ok(nf.headers.includes('Content-Length: 153'));
  const na = splitResponse(parts[2]!);
  assert.equal(na.status, 'HTTP/1.1 405 Not Allowed');
  assert.ok(na.headers.includes('Connection: close'));
  assert.equal(ex.closedByServer, true, 'Connection: close: the server closes');
  assert.match(run.out.at(-3)!, /^172\.18\.0\.3 - - \[03\/May\/2025:10:00:0\d \+0000\] "GET \/ HTTP\/1\.1" 200 615 "-" "curl\/7\.88\.1" "-"$/);
  assert.ok(run.err.some((l) => l.endsWith('[notice] 1#1: nginx/1.27.5')));
  const file = writeTemp('nginx.pcap', cap.toPcap());
  assert.ok(!hasErrors(expertErrors(file)), expertErrors(file));
  assert.equal(tshark(['-r', file, '-Y', 'http.response.code == 200']).split('\n').filter((l) => l.trim() !== '').length, 1);
});

test('nginx: HEAD has no body; HTTP/1.0 closes; a changed index.html is served; the connection idles out after 65 s', () => {
  const n = testNet(3);
  const run = startProgram(n.lab, n.server, image('nginx'));
  const head = tcpExchange(n.lab, n.client, '172.18.0.2', 80, ['HEAD / HTTP/1.0\r\n\r\n']);
  assert.equal(head.closedByServer, true);
  const h = splitResponse(head.text);
  assert.equal(h.body, '');
  assert.ok(h.headers.includes('Content-Length: 615'));
  assert.ok(h.headers.includes('Connection: close'));
  run.machine.fs.writeFile('/usr/share/nginx/html/index.html', 'hello from web\n');
  const changed = splitResponse(tcpExchange(n.lab, n.client, '172.18.0.2', 80, [curlGet('x')]).text);
  assert.equal(changed.body, 'hello from web\n');
  assert.ok(changed.headers.includes('Content-Length: 15'));
  const idle = tcpExchange(n.lab, n.client, '172.18.0.2', 80, [curlGet('x')], { wait: s(70) });
  assert.equal(idle.closedByServer, true);
});

test('httpd: "It works!" with Apache headers and ETag; 404 page of 196 bytes', () => {
  const n = testNet(4);
  startProgram(n.lab, n.server, image('httpd'));
  const ex = tcpExchange(n.lab, n.client, '172.18.0.2', 80, [curlGet('172.18.0.2'), curlGet('172.18.0.2', '/missing.html')]);
  const [a, b] = ex.text.split(/(?=HTTP\/1\.1 )/).map(splitResponse) as [ReturnType<typeof splitResponse>, ReturnType<typeof splitResponse>];
  assert.equal(a.status, 'HTTP/1.1 200 OK');
  assert.deepEqual(a.headers, [
    'Date: Sat, 03 May 2025 10:00:00 GMT',
    'Server: Apache/2.4.63 (Unix)',
    'Last-Modified: Mon, 11 Jun 2007 18:53:14 GMT',
    'ETag: "2d-432a5e4a73a80"',
    'Accept-Ranges: bytes',
    'Content-Length: 45',
    'Content-Type: text/html',
  ]);
  assert.equal(a.body, '<html><body><h1>It works!</h1></body></html>\n');
  assert.equal(b.status, 'HTTP/1.1 404 Not Found');
  assert.ok(b.headers.includes('Content-Length: 196'));
  assert.ok(b.headers.includes('Content-Type: text/html; charset=iso-8859-1'));
  assert.equal(ex.closedByServer, false, 'kept alive (5 s)');
  const later = tcpExchange(n.lab, n.client, '172.18.0.2', 80, [curlGet('x')], { wait: s(6) });
  assert.equal(later.closedByServer, true, 'KeepAliveTimeout 5');
});
