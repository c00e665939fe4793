// Builds the renderer (always) and the Electron main and preload bundles. `npm run build [renderer]`.
import { build } from 'vite';
import { main, preload, renderer } from '../electron.config.ts';

const only = process.argv[2];
const started = performance.now();
if (only === undefined || only === 'renderer') await build(renderer);
if (only === undefined || only === 'electron') {
  await build(main);
  await build(preload);
}
console.log(`built ${only ?? 'renderer, main and preload'} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
