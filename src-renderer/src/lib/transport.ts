// Chooses the carrier of the API contract: Electron's preload (window.flotilla) or the browser host's WebSocket.
// Either way the rest of the renderer holds the same typed `Api` and cannot tell them apart; only the status
// bar asks which one it is, through `Carrier.kind` and `Carrier.status`.

import { createClient, type Api, type CallResult, type EventName, type MethodName, type Transport } from '../../../src-main/common/api/index.ts';

export type CarrierKind = 'electron' | 'browser';

/** Where the connection stands. Electron's IPC is always `open`. */
export type ConnectionStatus =
  | { state: 'connecting' }
  | { state: 'open' }
  | { state: 'reconnecting'; attempt: number; retryInMs: number }
  | { state: 'unavailable'; reason: string };

export interface Carrier {
  readonly kind: CarrierKind;
  readonly api: Api;
  status(): ConnectionStatus;
  /** Called on every status change; returns an unsubscribe. */
  onStatus(listener: (status: ConnectionStatus) => void): () => void;
  dispose(): void;
}

/** The surface the Electron preload exposes: `labs.create(params)`, `onLabsChanged(listener)`, ... */
type PreloadFunction = (arg: unknown) => unknown;
type PreloadSurface = Record<string, Record<string, PreloadFunction> | PreloadFunction>;

declare global {
  interface Window {
    flotilla?: PreloadSurface;
  }
}

const LOST: CallResult = { ok: false, error: { code: 'internal', message: 'connection to Flotilla lost' } };

export function connect(): Carrier {
  return window.flotilla ? electronCarrier(window.flotilla) : browserCarrier();
}

// --- Electron -------------------------------------------------------------------------------------------------

function electronCarrier(surface: PreloadSurface): Carrier {
  const transport: Transport = {
    call(method: MethodName, params: unknown): Promise<CallResult> {
      const [ns, name] = method.split('.') as [string, string];
      const group = surface[ns];
      const fn = typeof group === 'object' ? group[name] : undefined;
      if (typeof fn !== 'function') {
        return Promise.resolve({ ok: false, error: { code: 'unknown-method', message: `the preload does not expose ${method}` } });
      }
      // The preload answers with a CallResult; a rejection means the IPC itself failed.
      return Promise.resolve()
        .then(() => fn(params) as CallResult)
        .catch((err: unknown): CallResult => ({
          ok: false,
          error: { code: 'internal', message: err instanceof Error ? err.message : String(err) },
        }));
    },
    subscribe(event: EventName, listener: (payload: unknown) => void): () => void {
      const fn = surface[event];
      if (typeof fn !== 'function') return () => {};
      const off = fn(listener);
      return typeof off === 'function' ? () => void off() : () => {};
    },
  };
  const status: ConnectionStatus = { state: 'open' };
  return {
    kind: 'electron',
    api: createClient(transport),
    status: () => status,
    onStatus: () => () => {},
    dispose() {},
  };
}

// --- Browser host ---------------------------------------------------------------------------------------------

const TOKEN_KEY = 'flotilla.token';
const BACKOFF_MS = [250, 500, 1000, 2000, 4000, 8000];

/** Takes the token from `?token=` (then hides it from the address bar) or from this tab's session storage. */
export function takeToken(): string | null {
  const url = new URL(window.location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    try {
      sessionStorage.setItem(TOKEN_KEY, fromUrl);
    } catch {
      // storage may be unavailable (private mode): the token then lives only in this page
    }
    url.searchParams.delete('token');
    history.replaceState(history.state, '', url.pathname + url.search + url.hash);
    return fromUrl;
  }
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

interface Pending {
  resolve(result: CallResult): void;
  frame: string;
  sent: boolean;
}

function browserCarrier(): Carrier {
  const token = takeToken();
  const statusListeners = new Set<(s: ConnectionStatus) => void>();
  const eventListeners = new Map<string, Set<(payload: unknown) => void>>();
  const pending = new Map<number, Pending>();
  let nextId = 1;
  let socket: WebSocket | null = null;
  let attempt = 0;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let disposed = false;
  let status: ConnectionStatus = token
    ? { state: 'connecting' }
    : { state: 'unavailable', reason: 'no access token: open the URL that `flotilla serve` printed' };

  function setStatus(next: ConnectionStatus) {
    status = next;
    for (const l of statusListeners) l(next);
  }

  function failAll() {
    for (const p of pending.values()) p.resolve(LOST);
    pending.clear();
  }

  function open() {
    if (disposed || !token) return;
    const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
    const ws = new WebSocket(`${scheme}://${window.location.host}/api?token=${encodeURIComponent(token)}`);
    socket = ws;
    ws.addEventListener('open', () => {
      attempt = 0;
      setStatus({ state: 'open' });
      for (const p of pending.values()) {
        if (!p.sent) {
          ws.send(p.frame);
          p.sent = true;
        }
      }
    });
    ws.addEventListener('message', (e) => receive(e.data));
    ws.addEventListener('close', () => {
      if (socket !== ws) return;
      socket = null;
      failAll();
      if (disposed) return;
      const retryInMs = BACKOFF_MS[Math.min(attempt, BACKOFF_MS.length - 1)] ?? 8000;
      attempt += 1;
      setStatus({ state: 'reconnecting', attempt, retryInMs });
      retryTimer = setTimeout(open, retryInMs);
    });
  }

  function receive(data: unknown) {
    if (typeof data !== 'string') return;
    let msg: unknown;
    try {
      msg = JSON.parse(data);
    } catch {
      return;
    }
    if (typeof msg !== 'object' || msg === null) return;
    const m = msg as { id?: unknown; result?: unknown; event?: unknown; payload?: unknown };
    if (typeof m.id === 'number') {
      const p = pending.get(m.id);
      if (!p) return;
      pending.delete(m.id);
      p.resolve(isCallResult(m.result) ? m.result : { ok: false, error: { code: 'internal', message: 'malformed reply from the browser host' } });
    } else if (typeof m.event === 'string') {
      for (const l of eventListeners.get(m.event) ?? []) l(m.payload);
    }
  }

  const transport: Transport = {
    call(method, params) {
      if (!token) return Promise.resolve({ ok: false, error: { code: 'internal', message: 'no access token for the browser host' } });
      return new Promise<CallResult>((resolve) => {
        const id = nextId++;
        const entry: Pending = { resolve, frame: JSON.stringify({ id, method, params }), sent: false };
        pending.set(id, entry);
        if (socket?.readyState === WebSocket.OPEN) {
          socket.send(entry.frame);
          entry.sent = true;
        }
      });
    },
    subscribe(event, listener) {
      let set = eventListeners.get(event);
      if (!set) eventListeners.set(event, (set = new Set()));
      set.add(listener);
      return () => void set.delete(listener);
    },
  };

  open();
  return {
    kind: 'browser',
    api: createClient(transport),
    status: () => status,
    onStatus(listener) {
      statusListeners.add(listener);
      return () => void statusListeners.delete(listener);
    },
    dispose() {
      disposed = true;
      clearTimeout(retryTimer);
      socket?.close();
      socket = null;
      failAll();
    },
  };
}

function isCallResult(x: unknown): x is CallResult {
  if (typeof x !== 'object' || x === null) return false;
  const r = x as { ok?: unknown; error?: unknown };
  return r.ok === true || (r.ok === false && typeof r.error === 'object' && r.error !== null);
}
