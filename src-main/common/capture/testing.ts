// Test helpers: a kernel reference capture read into an AnalysisIndex. (Test-only; imported by *.test.ts.)
import { readFileSync } from 'node:fs';
import { referenceDir } from '../dissect/testing.ts';
import { AnalysisIndex } from './analysis-index.ts';
import { parseCaptureFile } from './indexer.ts';

export async function indexOf(name: string): Promise<AnalysisIndex> {
  return AnalysisIndex.build(parseCaptureFile(new Uint8Array(readFileSync(`${referenceDir()}/${name}`))));
}
