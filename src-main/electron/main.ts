// Electron's main process: the same Core as the browser host, carried over IPC to one sandboxed window.
// Security posture: contextIsolation + sandbox + no Node in the renderer, a preload that exposes exactly the
// contract, a strict CSP on every response of our own scheme, the sender of every IPC message checked,
// navigation and new windows refused, permission requests denied.
import { app, BrowserWindow, dialog, ipcMain, net, protocol, session, shell, type IpcMainInvokeEvent } from 'electron';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createCore, type Core } from '../services/core.ts';
import { CALL_CHANNEL, EVENT_CHANNEL } from './channels.ts';
import { labFilesInArgv, OpenQueue } from './open-files.ts';

const SCHEME = 'flotilla';
const ORIGIN = `${SCHEME}://app`;
const RENDERER_DIR = path.join(__dirname, '../renderer');
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

protocol.registerSchemesAsPrivileged([{ scheme: SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);

let core: Core | undefined;
let mainWindow: BrowserWindow | undefined;

// One app: a second launch (a double-clicked lab file while Flotilla runs) hands its command line to this one.
const labFiles = new OpenQueue();
if (!app.requestSingleInstanceLock()) app.quit();
app.on('second-instance', (_event, argv, cwd) => {
  for (const f of labFilesInArgv(argv, cwd)) labFiles.push(f);
  if (mainWindow?.isMinimized()) mainWindow.restore();
  mainWindow?.focus();
});
// macOS hands files over by event, possibly before 'ready'.
app.on('open-file', (event, file) => {
  event.preventDefault();
  labFiles.push(file);
});
for (const f of labFilesInArgv(process.argv.slice(1), process.cwd())) labFiles.push(f);

/** Adds a lab file to the library (checked as any import is); the window's lab list follows by onLabsChanged. */
async function openLabFile(file: string): Promise<void> {
  try {
    await core!.api.labs.import({ name: path.basename(file), dataBase64: readFileSync(file).toString('base64') });
  } catch (err) {
    dialog.showErrorBox('Flotilla could not open this lab file', `${file}\n\n${err instanceof Error ? err.message : String(err)}`);
  }
}

/** Only our own window, showing our own page, may call the contract. */
function trustedSender(event: IpcMainInvokeEvent): boolean {
  const url = event.senderFrame?.url ?? '';
  return mainWindow !== undefined && event.sender === mainWindow.webContents && url.startsWith(`${ORIGIN}/`);
}

function serveRenderer(): void {
  protocol.handle(SCHEME, async (request) => {
    const url = new URL(request.url);
    const rel = decodeURIComponent(url.pathname === '/' ? '/index.html' : url.pathname);
    const file = path.resolve(RENDERER_DIR, '.' + rel);
    if (url.host !== 'app' || !file.startsWith(RENDERER_DIR + path.sep)) return new Response('forbidden', { status: 403 });
    const response = await net.fetch(pathToFileURL(file).toString());
    const headers = new Headers(response.headers);
    headers.set('Content-Security-Policy', CSP);
    headers.set('X-Content-Type-Options', 'nosniff');
    return new Response(response.body, { status: response.status, headers });
  });
}

function createWindow(): void {
  mainWindow = new BrowserWindow({
    width: 1400,
    height: 900,
    minWidth: 900,
    minHeight: 600,
    title: 'Flotilla',
    show: false,
    webPreferences: {
      preload: path.join(__dirname, 'preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  });
  mainWindow.once('ready-to-show', () => mainWindow?.show());
  void mainWindow.loadURL(`${ORIGIN}/index.html`);
  mainWindow.on('closed', () => (mainWindow = undefined));
}

app.on('web-contents-created', (_event, contents) => {
  contents.on('will-navigate', (event, url) => {
    if (!url.startsWith(`${ORIGIN}/`)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    // Links to documentation open in the user's browser, never inside the app.
    if (url.startsWith('https://')) void shell.openExternal(url);
    return { action: 'deny' };
  });
});

void app.whenReady().then(() => {
  // better-sqlite3 compiled for Electron's ABI (see cli/electron-native.ts); the Node build serves the CLI.
  const native = path.join(__dirname, '../electron-native/better_sqlite3.node');
  core = createCore({ shell: 'electron', ...(existsSync(native) ? { nativeBinding: native } : {}) });
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  serveRenderer();

  ipcMain.handle(CALL_CHANNEL, (event, method: unknown, params: unknown) => {
    if (!trustedSender(event)) {
      return { ok: false, error: { code: 'invalid-argument', message: 'IPC from an untrusted sender', field: 'sender' } };
    }
    return core!.call(method, params);
  });
  core.subscribe((name, payload) => mainWindow?.webContents.send(EVENT_CHANNEL, name, payload));

  createWindow();
  labFiles.ready((file) => void openLabFile(file));
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
app.on('will-quit', () => core?.close());
