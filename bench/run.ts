// `npm run bench`: prints figures, asserts nothing. Each bench file exports `benches`; `npm run bench -- NAME`
// runs the ones whose name contains NAME. Compare against ../shared/bench/README.md's baselines.
import { readdirSync } from 'node:fs';
import path from 'node:path';

export interface Bench {
  name: string;
  /** Runs once and returns the figures to print (name -> value with its unit). */
  run(): Record<string, string> | Promise<Record<string, string>>;
}

const filter = process.argv[2];
const files = readdirSync(import.meta.dirname).filter((f) => f.endsWith('.bench.ts')).sort();
for (const file of files) {
  const { benches } = (await import(path.join(import.meta.dirname, file))) as { benches: Bench[] };
  for (const bench of benches) {
    if (filter && !bench.name.includes(filter)) continue;
    const figures = await bench.run();
    console.log(`${bench.name}`);
    for (const [key, value] of Object.entries(figures)) console.log(`  ${key.padEnd(34)} ${value}`);
  }
}
