#!/usr/bin/env node
// The `flotilla` command. It runs the TypeScript sources through tsx, so it works right after `npm install`
// with no build step of its own.
import { register } from 'tsx/esm/api';

register();
await import('../src-main/cli/main.ts');
