// hostname (the shell's host name) and env [-u NAME] [NAME=VALUE]... [COMMAND [ARG]...].
import type { CommandImpl } from '../interpreter.ts';

export const hostname: CommandImpl = (ctx) => {
  const args = ctx.argv.slice(1);
  if (args.length > 0 && args[0] !== '-s' && args[0] !== '--short') {
    ctx.stderr('hostname: you must be root to change the host name\n');
    return 1;
  }
  ctx.stdout((args[0] === undefined ? ctx.shell.hostname : (ctx.shell.hostname.split('.')[0] as string)) + '\n');
  return 0;
};

export const env: CommandImpl = async (ctx) => {
  const args = ctx.argv.slice(1);
  let vars = new Map(ctx.env);
  while (args.length > 0) {
    const a = args[0] as string;
    if (a === '-i' || a === '-') {
      vars = new Map();
      args.shift();
    } else if (a === '-u') {
      args.shift();
      vars.delete(args.shift() ?? '');
    } else if (a === '--') {
      args.shift();
      break;
    } else if (/^[^=]+=/.test(a)) {
      const eq = a.indexOf('=');
      vars.set(a.slice(0, eq), a.slice(eq + 1));
      args.shift();
    } else if (a.startsWith('-')) {
      ctx.stderr(`env: invalid option -- '${a.slice(1, 2)}'\nTry 'env --help' for more information.\n`);
      return 125;
    } else break;
  }
  if (args.length === 0) {
    for (const [k, v] of vars) ctx.stdout(`${k}=${v}\n`);
    return 0;
  }
  const name = args[0] as string;
  if (!ctx.shell.commands.has(name)) {
    ctx.stderr(`env: '${name}': No such file or directory\n`);
    return 127;
  }
  return ctx.shell.runArgv(args, { stdin: ctx.stdin, stdout: ctx.stdout, stderr: ctx.stderr }, vars);
};
