// cat [-n] [FILE...]: files and standard input (`-`) in order.
import type { CommandImpl } from '../interpreter.ts';
import { forEachInput, getopt, lines } from './util.ts';

export const cat: CommandImpl = (ctx) => {
  const o = getopt(ctx, 'nAeEtTuv');
  if (o === null) return 1;
  let n = 0;
  return forEachInput(ctx, o.args, (text) => {
    if (!o.flags.has('n')) ctx.stdout(text);
    else ctx.stdout(lines(text).map((l) => `${String(++n).padStart(6)}\t${l}\n`).join(''));
  });
};
