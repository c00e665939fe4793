// curl 7.88.1 (gnu userlands where the image has it, the nodes, the workstation) and busybox 1.36's wget, over
// http-client.ts. curl: -s -S -o FILE -w FORMAT -I -i -v -m -X -H -d -L -f --connect-timeout; its error lines
// ("curl: (6) Could not resolve host: X", "curl: (7) Failed to connect to X port N after T ms: Couldn't connect to
// server", "curl: (28) ...") and exit codes; `localhost` resolved by curl itself (7.78+). The progress meter is
// not drawn (a terminal is assumed). wget: -q -O FILE|- -T SEC -S, "Connecting to HOST (IP:PORT)", the notty
// progress line, "wget: server returned error: ...", "wget: bad address 'X'".

import { formatIpv4, parseIpv4, type Ipv4Address } from '../../common/wire/ipv4-address.ts';
import type { Machine } from '../../docker/machine.ts';
import { MILLISECOND, SECOND, type Time } from '../../sim/time.ts';
import { VfsError } from '../../common/vfs.ts';
import type { CommandContext, CommandImpl } from '../interpreter.ts';
import { now, resolve } from './common.ts';
import { decodeText, encodeText, header, httpRequest, parseUrl, type HttpOutcome, type HttpResponse } from './http-client.ts';

const CURL_UA = 'curl/7.88.1';

interface CurlOptions {
  silent: boolean;
  showError: boolean;
  output: string | undefined;
  writeOut: string | undefined;
  head: boolean;
  include: boolean;
  verbose: boolean;
  maxTime: number | undefined;
  connectTimeout: number | undefined;
  method: string | undefined;
  headers: string[];
  data: string[];
  follow: boolean;
  fail: boolean;
  urls: string[];
}

const SHORT_WITH_ARG = new Set(['o', 'w', 'm', 'X', 'H', 'd', 'u', 'A', 'e', 'x', 'T']);
const LONG: Record<string, string> = {
  silent: 's', 'show-error': 'S', output: 'o', 'write-out': 'w', head: 'I', include: 'i', verbose: 'v', 'max-time': 'm', request: 'X', header: 'H',
  data: 'd', 'data-raw': 'd', 'data-binary': 'd', location: 'L', fail: 'f', 'user-agent': 'A', 'connect-timeout': 'C',
};

function parseCurl(ctx: CommandContext): CurlOptions | number {
  const o: CurlOptions = { silent: false, showError: false, output: undefined, writeOut: undefined, head: false, include: false, verbose: false, maxTime: undefined, connectTimeout: undefined, method: undefined, headers: [], data: [], follow: false, fail: false, urls: [] };
  const argv = ctx.argv.slice(1);
  const set = (k: string, v: string | undefined): boolean => {
    switch (k) {
      case 's': o.silent = true; break;
      case 'S': o.showError = true; break;
      case 'o': o.output = v; break;
      case 'w': o.writeOut = v; break;
      case 'I': o.head = true; break;
      case 'i': o.include = true; break;
      case 'v': o.verbose = true; break;
      case 'm': o.maxTime = Number(v); break;
      case 'C': o.connectTimeout = Number(v); break;
      case 'X': o.method = v; break;
      case 'H': o.headers.push(v ?? ''); break;
      case 'd': o.data.push(v ?? ''); break;
      case 'A': o.headers.push(`User-Agent: ${v ?? ''}`); break;
      case 'L': o.follow = true; break;
      case 'f': o.fail = true; break;
      case 'k': case '4': case 'N': case 'q': case 'g': break;
      default: return false;
    }
    return true;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a.startsWith('--')) {
      const [name, inline] = a.slice(2).split(/=(.*)/s);
      const k = LONG[name!];
      if (k === undefined) {
        if (name === 'insecure' || name === 'compressed' || name === 'ipv4' || name === 'no-buffer') continue;
        ctx.stderr(`curl: option ${a}: is unknown\ncurl: try 'curl --help' or 'curl --manual' for more information\n`);
        return 2;
      }
      const takes = SHORT_WITH_ARG.has(k) || k === 'C';
      const v = takes ? (inline ?? argv[++i]) : undefined;
      if (takes && v === undefined) {
        ctx.stderr(`curl: option ${a}: requires parameter\ncurl: try 'curl --help' or 'curl --manual' for more information\n`);
        return 2;
      }
      set(k, v);
      continue;
    }
    if (a.startsWith('-') && a.length > 1) {
      for (let j = 1; j < a.length; j++) {
        const c = a[j]!;
        if (SHORT_WITH_ARG.has(c)) {
          const v = j + 1 < a.length ? a.slice(j + 1) : argv[++i];
          if (v === undefined) {
            ctx.stderr(`curl: option -${c}: requires parameter\ncurl: try 'curl --help' or 'curl --manual' for more information\n`);
            return 2;
          }
          set(c, v);
          break;
        }
        if (!set(c, undefined)) {
          ctx.stderr(`curl: option -${c}: is unknown\ncurl: try 'curl --help' or 'curl --manual' for more information\n`);
          return 2;
        }
      }
      continue;
    }
    o.urls.push(a);
  }
  return o;
}

function secs(t: Time): string {
  return (t / SECOND).toFixed(6);
}

export function curlCommand(m: Machine): CommandImpl {
  return async (ctx) => {
    const o = parseCurl(ctx);
    if (typeof o === 'number') return o;
    if (o.urls.length === 0) {
      ctx.stderr("curl: try 'curl --help' or 'curl --manual' for more information\n");
      return 2;
    }
    let exit = 0;
    for (const url of o.urls) exit = await curlOne(m, ctx, o, url);
    return exit;
  };
}

async function curlOne(m: Machine, ctx: CommandContext, o: CurlOptions, firstUrl: string): Promise<number> {
  const start = now(m);
  const errLine = (code: number, msg: string): number => {
    if (!o.silent || o.showError) ctx.stderr(`curl: (${code}) ${msg}\n`);
    return code;
  };
  const vlog = (s: string): void => {
    if (o.verbose) ctx.stderr(s);
  };
  let url = firstUrl;
  let redirects = 0;
  let remoteIp = '';
  let remotePort = 0;
  let last: HttpResponse | undefined;
  let sizeDownload = 0;
  const writeOut = (code: number): void => {
    if (o.writeOut === undefined) return;
    const fmt = o.writeOut.replace(/\\n/g, '\n').replace(/\\t/g, '\t').replace(/\\r/g, '\r');
    const vars: Record<string, string> = {
      http_code: String(code).padStart(3, '0'),
      response_code: String(code).padStart(3, '0'),
      time_total: secs(now(m) - start),
      remote_ip: remoteIp,
      remote_port: remotePort === 0 ? '' : String(remotePort),
      size_download: String(sizeDownload),
      url_effective: url,
      num_redirects: String(redirects),
      content_type: last !== undefined ? (header(last, 'content-type') ?? '') : '',
      time_connect: secs(0),
      scheme: 'HTTP',
    };
    ctx.stdout(fmt.replace(/%\{([a-z_]+)\}/g, (all, k: string) => vars[k] ?? (k === 'time_connect' ? secs(0) : all === '' ? '' : '')));
  };
  for (;;) {
    const u = parseUrl(url);
    if (u === undefined) {
      writeOut(0);
      return errLine(3, `URL using bad/illegal format or missing URL`);
    }
    if (u.scheme !== 'http') {
      writeOut(0);
      return errLine(1, `Protocol "${u.scheme}" not supported or disabled in libcurl`);
    }
    let address: Ipv4Address;
    if (u.host === 'localhost' || u.host.endsWith('.localhost')) address = parseIpv4('127.0.0.1');
    else {
      const r = await resolve(m, u.host, { aaaa: true });
      if (r.status !== 'ok' || r.addresses.length === 0) {
        writeOut(0);
        return errLine(6, `Could not resolve host: ${u.host}`);
      }
      address = r.addresses[0]!;
    }
    remoteIp = formatIpv4(address);
    remotePort = u.port;
    const method = o.method ?? (o.head ? 'HEAD' : o.data.length > 0 ? 'POST' : 'GET');
    const body = o.data.join('&');
    const hdrs: [string, string][] = [['Host', u.hostPort], ['User-Agent', CURL_UA], ['Accept', '*/*']];
    if (o.data.length > 0) hdrs.push(['Content-Length', String(encodeText(body).length)], ['Content-Type', 'application/x-www-form-urlencoded']);
    for (const h of o.headers) {
      const c = h.indexOf(':');
      if (c < 0) continue;
      const k = h.slice(0, c).trim();
      const v = h.slice(c + 1).trim();
      const i = hdrs.findIndex(([x]) => x.toLowerCase() === k.toLowerCase());
      if (v === '' && h.trimEnd().endsWith(':')) {
        if (i >= 0) hdrs.splice(i, 1);
      } else if (i >= 0) hdrs[i] = [k, v];
      else hdrs.push([k, v]);
    }
    const head = `${method} ${u.path} HTTP/1.1\r\n${hdrs.map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`;
    vlog(`*   Trying ${remoteIp}:${u.port}...\n`);
    const outcome: HttpOutcome = await httpRequest(m.ns, {
      address,
      port: u.port,
      request: encodeText(head + (o.data.length > 0 ? body : '')),
      head: method === 'HEAD',
      ...(o.maxTime !== undefined ? { maxTime: Math.max(0, Math.round(o.maxTime * SECOND) - (now(m) - start)) } : {}),
      ...(o.connectTimeout !== undefined ? { connectTimeout: Math.round(o.connectTimeout * SECOND) } : {}),
      onConnect: () => {
        vlog(`* Connected to ${u.host} (${remoteIp}) port ${u.port} (#0)\n`);
        if (o.verbose) {
          const lines = head.split('\r\n').slice(0, -1);
          ctx.stderr(lines.map((l) => `> ${l}\r\n`).join(''));
        }
      },
      onHeaders: (r) => {
        if (!o.verbose) return;
        if (r.version === 'HTTP/1.0') ctx.stderr('* HTTP 1.0, assume close after body\n');
        ctx.stderr(r.rawHeaders.split('\r\n').slice(0, -1).map((l) => `< ${l}\r\n`).join(''));
      },
    });
    const elapsedMs = Math.floor((now(m) - start) / MILLISECOND);
    if (!outcome.ok) {
      if (outcome.kind === 'connect') {
        writeOut(0);
        vlog(`* connect to ${remoteIp} port ${u.port} failed: ${outcome.errno === 'ECONNREFUSED' ? 'Connection refused' : outcome.errno === 'ETIMEDOUT' ? 'Connection timed out' : 'No route to host'}\n`);
        vlog(`* Failed to connect to ${u.host} port ${u.port} after ${elapsedMs} ms: Couldn't connect to server\n* Closing connection 0\n`);
        return errLine(7, `Failed to connect to ${u.host} port ${u.port} after ${elapsedMs} ms: Couldn't connect to server`);
      }
      if (outcome.kind === 'timeout') {
        writeOut(0);
        if (outcome.phase === 'connect') return errLine(28, `${o.connectTimeout !== undefined ? 'Connection timed out' : 'Connection timed out'} after ${elapsedMs} milliseconds`);
        const total = outcome.response !== undefined ? header(outcome.response, 'content-length') : undefined;
        return errLine(28, `Operation timed out after ${elapsedMs} milliseconds with ${outcome.received}${total !== undefined ? ` out of ${total}` : ''} bytes received`);
      }
      writeOut(outcome.response?.status ?? 0);
      return errLine(outcome.response === undefined ? 52 : 56, outcome.response === undefined ? 'Empty reply from server' : 'Recv failure: Connection reset by peer');
    }
    const r = outcome.response;
    last = r;
    sizeDownload = r.body.length;
    const location = header(r, 'location');
    if (o.follow && r.status >= 300 && r.status < 400 && location !== undefined && redirects < 50) {
      if (o.head || o.include) ctx.stdout(r.rawHeaders);
      vlog(`* Issue another request to this URL: '${location}'\n`);
      redirects++;
      url = location.startsWith('/') ? `http://${u.hostPort}${location}` : location;
      continue;
    }
    if (o.fail && r.status >= 400) {
      vlog('* Closing connection 0\n');
      writeOut(r.status);
      return errLine(22, `The requested URL returned error: ${r.status}`);
    }
    let payload = o.head || o.include ? r.rawHeaders : '';
    if (!o.head) payload += decodeText(r.body);
    if (o.output !== undefined && o.output !== '-') {
      try {
        ctx.fs.writeFile(o.output, payload, ctx.cwd);
      } catch (e) {
        if (!(e instanceof VfsError)) throw e;
        writeOut(r.status);
        return errLine(23, `Failure writing output to destination`);
      }
    } else ctx.stdout(payload);
    const keep = r.version === 'HTTP/1.1' && (header(r, 'connection') ?? '').toLowerCase() !== 'close' && !outcome.closedByServer;
    vlog(keep ? `* Connection #0 to host ${u.host} left intact\n` : '* Closing connection 0\n');
    writeOut(r.status);
    return 0;
  }
}

// ------------------------------------------------------------------------------------------ busybox wget

function smart5(n: number): string {
  if (n < 100000) return String(n).padStart(5);
  const units = ' kMGTPEZY';
  let v = n;
  let i = 0;
  while (v >= 100000 && i < units.length - 1) {
    v = Math.floor(v / 1024);
    i++;
  }
  return `${String(v).padStart(4)}${units[i]}`;
}

function progressLine(name: string, got: number, total: number | undefined): string {
  const file = name.slice(0, 20).padEnd(20);
  if (total === undefined || total === 0) return `${file} ${smart5(got)} --:--:-- ETA\n`;
  const ratio = Math.floor((100 * got) / total);
  const bar = 32;
  const stars = Math.floor((bar * got) / total);
  return `${file} ${String(ratio).padStart(3)}% |${'*'.repeat(stars)}${' '.repeat(bar - stars)}| ${smart5(got)}  0:00:00 ETA\n`;
}

export function wgetCommand(m: Machine): CommandImpl {
  return async (ctx) => {
    const argv = ctx.argv.slice(1);
    let quiet = false;
    let outFile: string | undefined;
    let timeout = 900;
    let serverResponse = false;
    const urls: string[] = [];
    for (let i = 0; i < argv.length; i++) {
      const a = argv[i]!;
      if (a === '-q' || a === '--quiet') quiet = true;
      else if (a === '-O') outFile = argv[++i];
      else if (a.startsWith('-O')) outFile = a.slice(2);
      else if (a === '-T') timeout = Number(argv[++i]) || 900;
      else if (a.startsWith('-T')) timeout = Number(a.slice(2)) || 900;
      else if (a === '-S' || a === '--server-response') serverResponse = true;
      else if (a === '-qO' || a === '-qO-') {
        quiet = true;
        outFile = a === '-qO-' ? '-' : argv[++i];
      } else if (a.startsWith('-') && a !== '-') {
        ctx.stderr(`wget: unrecognized option '${a}'\nBusyBox v1.36.1 (2023-07-27 17:12:24 UTC) multi-call binary.\n\nUsage: wget [-cqS] [--spider] [-O FILE] [-o LOGFILE] [--header STR]\n\t[--post-data STR | --post-file FILE] [-Y on/off]\n\t[-P DIR] [-U AGENT] [-T SEC] URL...\n`);
        return 1;
      } else urls.push(a);
    }
    if (urls.length === 0) {
      ctx.stderr('BusyBox v1.36.1 (2023-07-27 17:12:24 UTC) multi-call binary.\n\nUsage: wget [-cqS] [--spider] [-O FILE] [-o LOGFILE] [--header STR]\n\t[--post-data STR | --post-file FILE] [-Y on/off]\n\t[-P DIR] [-U AGENT] [-T SEC] URL...\n');
      return 1;
    }
    for (const url of urls) {
      const u = parseUrl(url);
      if (u === undefined || u.scheme !== 'http') {
        ctx.stderr(`wget: not an http or ftp url: ${url}\n`);
        return 1;
      }
      const r = await resolve(m, u.host, { aaaa: true });
      if (r.status !== 'ok' || r.addresses.length === 0) {
        ctx.stderr(`wget: bad address '${u.host}'\n`);
        return 1;
      }
      const ip = formatIpv4(r.addresses[0]!);
      if (!quiet) ctx.stderr(`Connecting to ${u.hostPort} (${ip}:${u.port})\n`);
      const request = `GET ${u.path} HTTP/1.1\r\nHost: ${u.hostPort}\r\nUser-Agent: Wget\r\nConnection: close\r\n\r\n`;
      const o = await httpRequest(m.ns, { address: r.addresses[0]!, port: u.port, request: encodeText(request), maxTime: timeout * SECOND, requestDelay: 200 * 1000 });
      if (!o.ok) {
        if (o.kind === 'connect') ctx.stderr(`wget: can't connect to remote host (${ip}): ${o.errno === 'ECONNREFUSED' ? 'Connection refused' : o.errno === 'ETIMEDOUT' ? 'Connection timed out' : 'No route to host'}\n`);
        else if (o.kind === 'timeout') ctx.stderr('wget: download timed out\n');
        else ctx.stderr(o.response === undefined ? 'wget: error getting response: Connection reset by peer\n' : 'wget: error getting response\n');
        return 1;
      }
      const res = o.response;
      if (serverResponse) ctx.stderr(res.rawHeaders.split('\r\n').filter((l) => l !== '').map((l) => `  ${l}\n`).join(''));
      if (res.status < 200 || res.status >= 300) {
        ctx.stderr(`wget: server returned error: ${res.statusLine}\n`);
        return 1;
      }
      const name = outFile ?? (u.path.replace(/[?#].*$/, '').split('/').pop() || 'index.html');
      const total = header(res, 'content-length') !== undefined ? Number(header(res, 'content-length')) : undefined;
      if (name === '-') {
        if (!quiet) ctx.stderr('writing to stdout\n');
        ctx.stdout(decodeText(res.body));
        if (!quiet) ctx.stderr(progressLine('-', res.body.length, total) + 'written to stdout\n');
      } else {
        if (!quiet) ctx.stderr(`saving to '${name}'\n`);
        try {
          ctx.fs.writeFile(name, decodeText(res.body), ctx.cwd);
        } catch (e) {
          if (!(e instanceof VfsError)) throw e;
          ctx.stderr(`wget: can't open '${name}': ${e.reason}\n`);
          return 1;
        }
        if (!quiet) ctx.stderr(progressLine(name, res.body.length, total) + `'${name}' saved\n`);
      }
    }
    return 0;
  };
}
