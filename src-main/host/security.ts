// The browser host's gatekeeping: only this machine, only with this run's token, only from our own origin.
// - Host header must name the loopback address and our port (defeats DNS rebinding: a foreign name that
//   resolves to 127.0.0.1 still sends its own name in Host).
// - Origin, when a browser sends one, must be our own origin (no other page on the machine can drive us).
// - The token must come with every request: in the query (the first page load and the CLI), as a bearer
//   header, or in the port-specific cookie set on the first page load (so the page's own assets load).
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const LOOPBACK = '127.0.0.1';

export function cookieName(port: number): string {
  return `flotilla_token_${port}`;
}

export function allowedHosts(port: number): Set<string> {
  return new Set([`${LOOPBACK}:${port}`, `localhost:${port}`]);
}

export function allowedOrigins(port: number): Set<string> {
  return new Set([`http://${LOOPBACK}:${port}`, `http://localhost:${port}`]);
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function cookies(req: IncomingMessage): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) out.set(part.slice(0, eq).trim(), decodeURIComponent(part.slice(eq + 1).trim()));
  }
  return out;
}

export type Verdict =
  | { ok: true; tokenFromQuery: boolean }
  | { ok: false; status: 401 | 403; reason: string };

export function checkRequest(req: IncomingMessage, port: number, token: string): Verdict {
  const host = req.headers.host ?? '';
  if (!allowedHosts(port).has(host.toLowerCase())) {
    return { ok: false, status: 403, reason: `Host ${JSON.stringify(host)} is not this Flotilla host` };
  }
  const origin = req.headers.origin;
  if (origin !== undefined && !allowedOrigins(port).has(origin)) {
    return { ok: false, status: 403, reason: `Origin ${JSON.stringify(origin)} may not use this Flotilla host` };
  }
  const url = new URL(req.url ?? '/', `http://${LOOPBACK}:${port}`);
  const fromQuery = url.searchParams.get('token');
  if (fromQuery !== null && sameSecret(fromQuery, token)) return { ok: true, tokenFromQuery: true };
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ') && sameSecret(auth.slice(7), token)) return { ok: true, tokenFromQuery: false };
  const fromCookie = cookies(req).get(cookieName(port));
  if (fromCookie !== undefined && sameSecret(fromCookie, token)) return { ok: true, tokenFromQuery: false };
  return { ok: false, status: 401, reason: 'a valid token is required (open the URL that `flotilla serve` printed)' };
}
