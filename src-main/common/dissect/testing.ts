// Test helpers: the kernel's reference captures, read and summarized in order with one context per file.
// (Test-only; imported by *.test.ts.)
import { readdirSync, readFileSync } from 'node:fs';
import { readPcap } from '../pcap/index.ts';
import { sharedPath } from '../../../test/shared-path.ts';
import { CaptureContext, summarize, type FrameMeta, type Summary } from './dissect.ts';

export interface RefFrame {
  readonly data: Uint8Array;
  readonly meta: FrameMeta;
}

export interface RefFile {
  readonly name: string;
  readonly path: string;
  readonly frames: RefFrame[];
  /** Summaries from the first pass, in order. */
  readonly summaries: Summary[];
  /** The context after the first pass (for revisiting frames). */
  readonly ctx: CaptureContext;
}

export function referenceDir(): string {
  return sharedPath('reference', 'linux');
}

export function loadReference(name: string): RefFile {
  const path = `${referenceDir()}/${name}`;
  const file = readPcap(new Uint8Array(readFileSync(path)));
  const ctx = new CaptureContext();
  const frames = file.packets.map((p, i): RefFrame => ({ data: p.data, meta: { number: i + 1, tsNs: p.tsNs, origLen: p.origLen } }));
  const summaries = frames.map((f) => summarize(f.data, f.meta, ctx));
  return { name, path, frames, summaries, ctx };
}

export function referenceNames(): string[] {
  return readdirSync(referenceDir())
    .filter((f) => f.endsWith('.pcap'))
    .sort();
}
