// The build of Flotilla's three bundles, one Vite config each:
//   main     — src-main/electron/main.ts → out/main/electron.cjs (Electron's main process; Node built-ins and
//              native modules such as better-sqlite3 stay external)
//   preload  — src-main/electron/preload.ts → out/main/preload.cjs (sandboxed: one self-contained CJS file)
//   renderer — src-renderer → out/renderer (served by Electron from file:// and by the browser host over HTTP)
// The CLI and the browser host need no build of their own: they run the TypeScript sources through tsx.
import { builtinModules } from 'node:module';
import path from 'node:path';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import type { InlineConfig } from 'vite';
import pkg from './package.json' with { type: 'json' };

const root = import.meta.dirname;
const external = [
  'electron',
  ...builtinModules,
  ...builtinModules.map((m) => `node:${m}`),
  ...Object.keys(pkg.dependencies),
];

function nodeBundle(entry: string, fileName: string): InlineConfig {
  return {
    configFile: false,
    root,
    logLevel: 'warn',
    build: {
      outDir: path.join(root, 'out/main'),
      emptyOutDir: false,
      target: 'node20',
      ssr: true,
      sourcemap: true,
      minify: false,
      rollupOptions: {
        input: path.join(root, entry),
        external,
        output: { format: 'cjs', entryFileNames: fileName, codeSplitting: false },
      },
    },
  };
}

export const main = nodeBundle('src-main/electron/main.ts', 'electron.cjs');

// A sandboxed preload may require only 'electron' (and a few shims): everything else is bundled in.
export const preload: InlineConfig = {
  ...nodeBundle('src-main/electron/preload.ts', 'preload.cjs'),
  ssr: { noExternal: true },
};
preload.build!.rollupOptions!.external = ['electron'];

export const renderer: InlineConfig = {
  configFile: false,
  root: path.join(root, 'src-renderer'),
  base: './',
  logLevel: 'warn',
  plugins: [svelte()],
  build: {
    outDir: path.join(root, 'out/renderer'),
    emptyOutDir: true,
    target: 'chrome120',
    sourcemap: true,
    chunkSizeWarningLimit: 1500,
  },
};

export default { main, preload, renderer };
