// The capture analyses behind the contract: follow stream (captures.follow), the flow diagram (captures.flow) and
// the I/O graph (captures.io). Each works on an AnalysisIndex of the capture (common/capture/analysis-index.ts),
// built once in the background of the first call from the capture's stored frame index (no pass over the file)
// and kept for the few captures analysed last; a live capture that has grown since gets a new one.

import type { Handlers } from '../common/api/contract.ts';
import type { IoSeries } from '../common/api/capture-analysis-types.ts';
import { FlotillaError } from '../common/api/errors.ts';
import { AnalysisIndex } from '../common/capture/analysis-index.ts';
import { compileFilter } from '../common/dissect/index.ts';
import { flowPage } from '../common/capture/flow.ts';
import { followStream } from '../common/capture/follow.ts';
import { autoInterval, bucketCount, ioBuckets } from '../common/capture/io.ts';
import type { Library } from '../store/library.ts';
import type { CaptureService } from './capture-service.ts';

type AnalysisHandlers = Pick<Handlers, 'captures.follow' | 'captures.flow' | 'captures.io'>;

/** Captures whose index is kept. */
const KEPT = 2;

const pause = () => new Promise<void>((resolve) => setImmediate(resolve));

export class CaptureAnalysis {
  readonly #indexes = new Map<string, { packets: number; index: Promise<AnalysisIndex> }>();

  constructor(
    private readonly library: Library,
    private readonly captures: CaptureService,
  ) {}

  handlers(): AnalysisHandlers {
    return {
      'captures.follow': async ({ id, protocol, number, stream, transport }) => {
        if (number === undefined && stream === undefined) throw new FlotillaError('invalid-argument', 'number: give a frame of the stream (number) or the stream index (stream)', 'number');
        if (number !== undefined && stream !== undefined) throw new FlotillaError('invalid-argument', 'stream: give a frame (number) or a stream index (stream), not both', 'stream');
        const ix = await this.#index(id);
        return followStream(ix, protocol, { ...(number !== undefined ? { number } : { stream: stream! }), ...(transport ? { transport } : {}) });
      },
      'captures.flow': async ({ id, filter, offset, limit }) => {
        const ix = await this.#index(id);
        const m = await ix.match(filter ?? '', pause);
        if (!m.ok) return { total: ix.count, matched: 0, offset, nodes: [], items: [], filterError: m.error };
        return flowPage(ix, filter?.trim() ? m.mask : null, m.count, offset, limit);
      },
      'captures.io': async ({ id, interval, series }) => {
        const ix = await this.#index(id);
        let duration = 0;
        for (const t of ix.time) if (t > duration) duration = t;
        const step = interval ?? autoInterval(duration);
        const buckets = bucketCount(duration, step);
        const out: IoSeries[] = [];
        for (const { filter } of series.length > 0 ? series : [{ filter: '' }]) {
          const m = await ix.match(filter, pause);
          if (!m.ok) out.push({ filter, frames: [], bytes: [], filterError: m.error });
          else out.push({ filter, ...ioBuckets(ix, filter.trim() ? m.mask : null, step, buckets) });
        }
        return { interval: step, duration, series: out };
      },
    };
  }

  dispose(): void {
    this.#indexes.clear();
  }

  /** The capture's index (built on first use; again when a live capture has grown). */
  #index(id: string): Promise<AnalysisIndex> {
    const packets = this.library.captures.get(id).packetCount;
    const kept = this.#indexes.get(id);
    this.#indexes.delete(id);
    if (kept && kept.packets === packets) {
      this.#indexes.set(id, kept);
      return kept.index;
    }
    const numbers = async (text: string): Promise<Uint32Array> => {
      const compiled = compileFilter(text);
      if (!compiled.ok) throw new FlotillaError('internal', `the filter "${text}" was checked before`);
      return this.captures.matchNumbers(id, text, compiled.filter);
    };
    const index = AnalysisIndex.fromColumns(this.library.captures.analysisSource(id, (n) => this.captures.passedFields(id, n)), numbers, pause);
    // A failed build is not kept: the next call tries again.
    index.catch(() => this.#indexes.get(id)?.index === index && this.#indexes.delete(id));
    this.#indexes.set(id, { packets, index });
    while (this.#indexes.size > KEPT) this.#indexes.delete(this.#indexes.keys().next().value!);
    return index;
  }
}
