// tee [-a] [FILE...]: standard input to standard output and to each file.
import type { CommandImpl } from '../interpreter.ts';
import { VfsError } from '../../common/vfs.ts';
import { getopt } from './util.ts';

export const tee: CommandImpl = (ctx) => {
  const o = getopt(ctx, 'ai', { append: 'a' });
  if (o === null) return 1;
  const text = ctx.stdin;
  let status = 0;
  for (const f of o.args) {
    try {
      if (o.flags.has('a')) ctx.fs.appendFile(f, text, ctx.cwd);
      else ctx.fs.writeFile(f, text, ctx.cwd);
    } catch (e) {
      if (!(e instanceof VfsError)) throw e;
      ctx.stderr(`tee: ${f}: ${e.reason}\n`);
      status = 1;
    }
  }
  ctx.stdout(text);
  return status;
};
