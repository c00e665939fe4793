// The I/O graph, Wireshark's Statistics → I/O Graphs: frames and bytes (frame.len) per interval from the first
// frame, for every frame or those a display filter passes. The interval is the user's, or the smallest of
// 1, 2, 5 × 10^k seconds that draws the capture in at most AUTO_BUCKETS intervals.

import { FlotillaError } from '../api/errors.ts';
import type { AnalysisIndex } from './analysis-index.ts';

export const AUTO_BUCKETS = 200;
/** Intervals one graph holds at most. */
export const IO_BUCKETS_MAX = 20_000;
const MIN_INTERVAL = 1e-6;

/** The interval that shows `duration` seconds in at most AUTO_BUCKETS intervals. */
export function autoInterval(duration: number): number {
  for (let exp = -6; exp <= 6; exp++) {
    for (const m of [1, 2, 5]) {
      const step = Number(`${m}e${exp}`);
      if (Math.floor(duration / step) + 1 <= AUTO_BUCKETS) return step;
    }
  }
  return 1e6;
}

/** How many intervals of `interval` seconds cover `duration`; refused past IO_BUCKETS_MAX. */
export function bucketCount(duration: number, interval: number): number {
  const n = Math.floor(duration / interval + 1e-9) + 1;
  if (n > IO_BUCKETS_MAX) {
    throw new FlotillaError('invalid-argument', `interval: ${interval} s cuts ${duration.toFixed(6)} s into ${n.toLocaleString('en-US')} intervals; a graph holds at most ${IO_BUCKETS_MAX.toLocaleString('en-US')} (choose at least ${(duration / (IO_BUCKETS_MAX - 1)).toPrecision(2)} s)`, 'interval');
  }
  return n;
}

/** Frames and bytes per interval of the frames `mask` passes (every frame without one). */
export function ioBuckets(ix: AnalysisIndex, mask: Uint8Array | null, interval: number, buckets: number): { frames: number[]; bytes: number[] } {
  const frames = new Array<number>(buckets).fill(0);
  const bytes = new Array<number>(buckets).fill(0);
  const step = Math.max(interval, MIN_INTERVAL);
  for (let i = 0; i < ix.count; i++) {
    if (mask && mask[i] === 0) continue;
    const b = Math.max(0, Math.min(buckets - 1, Math.floor(ix.time[i]! / step + 1e-9)));
    frames[b]!++;
    bytes[b]! += ix.length[i]!;
  }
  return { frames, bytes };
}
