// mkdir [-p], touch, rm [-r] [-f]: the few file commands a tutorial types around its text files.
import type { CommandImpl } from '../interpreter.ts';
import { VfsError } from '../../common/vfs.ts';
import { getopt } from './util.ts';

function missing(tool: string): string {
  return `${tool}: missing operand\nTry '${tool} --help' for more information.\n`;
}

export const mkdir: CommandImpl = (ctx) => {
  const o = getopt(ctx, 'pm:v', { parents: 'p' });
  if (o === null) return 1;
  if (o.args.length === 0) {
    ctx.stderr(missing('mkdir'));
    return 1;
  }
  let status = 0;
  for (const d of o.args) {
    try {
      ctx.fs.mkdir(d, ctx.cwd, { parents: o.flags.has('p') });
    } catch (e) {
      if (!(e instanceof VfsError)) throw e;
      ctx.stderr(`mkdir: cannot create directory '${d}': ${e.reason}\n`);
      status = 1;
    }
  }
  return status;
};

export const touch: CommandImpl = (ctx) => {
  const o = getopt(ctx, 'ac');
  if (o === null) return 1;
  if (o.args.length === 0) {
    ctx.stderr(missing('touch'));
    return 1;
  }
  let status = 0;
  for (const f of o.args) {
    try {
      if (!ctx.fs.exists(f, ctx.cwd)) ctx.fs.writeFile(f, '', ctx.cwd);
    } catch (e) {
      if (!(e instanceof VfsError)) throw e;
      ctx.stderr(`touch: cannot touch '${f}': ${e.reason}\n`);
      status = 1;
    }
  }
  return status;
};

export const rm: CommandImpl = (ctx) => {
  const o = getopt(ctx, 'rRfv', { recursive: 'r', force: 'f' });
  if (o === null) return 1;
  const force = o.flags.has('f');
  const recursive = o.flags.has('r') || o.flags.has('R');
  if (o.args.length === 0 && !force) {
    ctx.stderr(missing('rm'));
    return 1;
  }
  let status = 0;
  for (const f of o.args) {
    if (!ctx.fs.exists(f, ctx.cwd)) {
      if (!force) {
        ctx.stderr(`rm: cannot remove '${f}': No such file or directory\n`);
        status = 1;
      }
      continue;
    }
    if (ctx.fs.isDir(f, ctx.cwd) && !recursive) {
      ctx.stderr(`rm: cannot remove '${f}': Is a directory\n`);
      status = 1;
      continue;
    }
    ctx.fs.remove(f, ctx.cwd, { recursive });
  }
  return status;
};
