// `flotilla serve`: the browser host in this process, until Ctrl-C.
import { startHost, type Host } from '../host/server.ts';
import { createCore, type Core } from '../services/core.ts';
import { ensureRendererBuilt, RENDERER_DIR } from './renderer-build.ts';

export async function serve(port: number, log: (line: string) => void): Promise<{ host: Host; core: Core }> {
  await ensureRendererBuilt((line) => console.error(line));
  const core = createCore({ shell: 'browser' });
  const host = await startHost({ core, port, rendererDir: RENDERER_DIR });
  log(`Flotilla is serving at ${host.url}`);
  const stop = () => {
    void host.close().then(() => {
      core.close();
      process.exit(0);
    });
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return { host, core };
}
