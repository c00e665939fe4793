// Lab files from the web: `flotilla lab open https://…` and the window's "Open from URL". Only https, with the
// certificate checked (the system's authorities, or `ca` given by the caller — never verification turned off); at
// most LAB_URL_MAX_BYTES, refused as soon as the size is known to be more (Content-Length) or the body passes it;
// a deadline for the whole download; up to MAX_REDIRECTS https redirects. What arrives is checked as a file from
// disk is (LabFiles.import): a bad file changes nothing.
import https from 'node:https';
import path from 'node:path';
import { FlotillaError } from '../common/api/errors.ts';

/** Largest lab file taken from a URL (lab files are small: a big lab with ten snapshots is a few MiB). */
export const LAB_URL_MAX_BYTES = 64 * 1024 * 1024;
/** The whole download, connection to last byte. */
export const LAB_URL_TIMEOUT_MS = 30_000;
const MAX_REDIRECTS = 3;

export interface FetchOptions {
  /** Certificate authorities to trust instead of the system's (PEM), as https.request's `ca`. */
  readonly ca?: string | Buffer | readonly (string | Buffer)[];
  readonly maxBytes?: number;
  readonly timeoutMs?: number;
}

export interface FetchedFile {
  /** The file's name from the URL's last path segment (for messages and the lab's name). */
  readonly name: string;
  readonly bytes: Uint8Array;
}

/** Checks that `text` is an https URL; returns it parsed. */
export function parseLabUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new FlotillaError('invalid-argument', `url: not a URL: ${text}`, 'url');
  }
  if (url.protocol !== 'https:') throw new FlotillaError('invalid-argument', `url: only https:// addresses are opened, not ${url.protocol}//`, 'url');
  if (url.username || url.password) throw new FlotillaError('invalid-argument', 'url: must not carry a user name or password', 'url');
  return url;
}

/** The file name a URL names: its last path segment, decoded, else "lab.flotilla". */
export function fileNameOf(url: URL): string {
  let last = url.pathname.split('/').pop() ?? '';
  try {
    last = decodeURIComponent(last);
  } catch {
    // keep it as it is
  }
  return path.basename(last).trim() || 'lab.flotilla';
}

/** Downloads a lab file (see the file's comment); errors say what went wrong and name the URL. */
export async function fetchLabFile(text: string, options: FetchOptions = {}): Promise<FetchedFile> {
  let url = parseLabUrl(text);
  const maxBytes = options.maxBytes ?? LAB_URL_MAX_BYTES;
  const deadline = Date.now() + (options.timeoutMs ?? LAB_URL_TIMEOUT_MS);
  for (let hop = 0; ; hop++) {
    const r = await getOnce(url, options, maxBytes, deadline);
    if (r.kind === 'file') return { name: fileNameOf(url), bytes: r.bytes };
    if (hop >= MAX_REDIRECTS) throw fail(text, `more than ${MAX_REDIRECTS} redirects`);
    const next = new URL(r.location, url);
    if (next.protocol !== 'https:') throw fail(text, `redirected to ${next.protocol}// (only https is followed)`);
    url = next;
  }
}

function fail(url: string, why: string): FlotillaError {
  return new FlotillaError('invalid-argument', `${url}: ${why}`, 'url');
}

type Got = { kind: 'file'; bytes: Uint8Array } | { kind: 'redirect'; location: string };

function getOnce(url: URL, options: FetchOptions, maxBytes: number, deadline: number): Promise<Got> {
  const shown = url.toString();
  return new Promise<Got>((resolve, reject) => {
    const left = deadline - Date.now();
    if (left <= 0) {
      reject(fail(shown, 'timed out'));
      return;
    }
    const req = https.get(url, { ...(options.ca ? { ca: options.ca as string | Buffer | (string | Buffer)[] } : {}), headers: { accept: 'application/x-flotilla-lab, application/octet-stream, text/yaml, */*' } }, (res) => {
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400 && res.headers.location) {
        res.resume();
        resolve({ kind: 'redirect', location: res.headers.location });
        return;
      }
      if (status !== 200) {
        res.resume();
        reject(fail(shown, `the server answered ${status}${res.statusMessage ? ` ${res.statusMessage}` : ''}`));
        return;
      }
      const declared = Number(res.headers['content-length'] ?? NaN);
      if (declared > maxBytes) {
        res.destroy();
        reject(fail(shown, `the file is ${declared} bytes, more than the ${maxBytes} a lab file may have`));
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBytes) {
          res.destroy();
          reject(fail(shown, `the file is more than the ${maxBytes} bytes a lab file may have`));
          return;
        }
        chunks.push(chunk);
      });
      res.on('end', () => {
        if (size > maxBytes) return;
        if (!res.complete) reject(fail(shown, 'the connection closed before the whole file arrived'));
        else resolve({ kind: 'file', bytes: new Uint8Array(Buffer.concat(chunks)) });
      });
      res.on('error', (err) => reject(fail(shown, err.message)));
    });
    const timer = setTimeout(() => req.destroy(new Error('timed out')), left);
    req.on('close', () => clearTimeout(timer));
    req.on('error', (err: NodeJS.ErrnoException) => {
      const why = err.message === 'timed out' ? 'timed out' : (certificateProblem(err) ?? connectionProblem(err, url) ?? err.message);
      reject(fail(shown, why));
    });
  });
}

/** A failure to reach the server in plain words, or undefined for other errors. */
function connectionProblem(err: NodeJS.ErrnoException, url: URL): string | undefined {
  const where = url.port ? `${url.hostname}:${url.port}` : url.hostname;
  if (err.code === 'ECONNREFUSED') return `nothing answers at ${where} (connection refused)`;
  if (err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN') return `no host named ${url.hostname} was found`;
  if (err.code === 'ECONNRESET') return 'the server closed the connection';
  if (err.code === 'ETIMEDOUT' || err.code === 'EHOSTUNREACH' || err.code === 'ENETUNREACH') return `${where} cannot be reached (${err.code})`;
  return undefined;
}

/** A TLS verification failure in plain words, or undefined for other errors. */
function certificateProblem(err: NodeJS.ErrnoException): string | undefined {
  const code = err.code ?? '';
  if (code === 'DEPTH_ZERO_SELF_SIGNED_CERT' || code === 'SELF_SIGNED_CERT_IN_CHAIN' || code === 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' || code === 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY') {
    return `its certificate is not trusted (${code})`;
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') return `its certificate is for another name (${err.message})`;
  if (code === 'CERT_HAS_EXPIRED') return 'its certificate has expired';
  return undefined;
}
