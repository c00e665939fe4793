// How a docker subcommand reads its command line, in one place: its flags written as one compact spec, the arity
// of its positional arguments, and the CLI's wording when either is wrong — a bad flag exits 125 with "See 'docker
// PATH --help'.", too few arguments exit 1 with cobra's "requires at least/exactly N argument(s)" and the usage
// line, --help prints the usage line and exits 0.

import { FlagError, parseFlags, type FlagSpec, type Parsed } from './flags.ts';

/** Thrown to end the command with an exit status once its output is written. */
export class CommandExit extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

export interface CommandSpec {
  /** "service inspect" (what `docker` is followed by in messages). */
  readonly path: string;
  /** The usage after the path: "[OPTIONS] SERVICE [SERVICE...]". */
  readonly usage: string;
  readonly flags: readonly FlagSpec[];
  /** Positional arguments: at least `min`, or exactly `min` when `exact`; undefined = not checked. */
  readonly args?: { readonly min: number; readonly exact: boolean };
  /** false: flags end at the first positional argument (`service create IMAGE CMD -x` passes -x to CMD). */
  readonly interspersed: boolean;
}

/**
 * Flags in one string, separated by spaces: `name` is a boolean, `name=` takes a value, `name=*` is repeatable;
 * `name|x` adds the shorthand -x. "quiet|q format= filter|f=*" = --quiet/-q, --format V, --filter/-f V (repeatable).
 */
export function flagSpecs(text: string): FlagSpec[] {
  const out: FlagSpec[] = [];
  for (const w of text.split(/\s+/)) {
    if (w === '') continue;
    const m = /^([a-z][a-z0-9-]*)(?:\|([A-Za-z]))?(=\*?)?$/.exec(w);
    if (!m) throw new Error(`flag spec "${text}": cannot read "${w}" (name, name|x, name= or name=*)`);
    const name = m[1]!;
    if (out.some((f) => f.name === name || (m[2] !== undefined && f.short === m[2]))) throw new Error(`flag spec "${text}": "${w}" is given twice`);
    out.push({ name, kind: m[3] === '=*' ? 'list' : m[3] === '=' ? 'string' : 'bool', ...(m[2] ? { short: m[2] } : {}) });
  }
  return out;
}

/**
 * A subcommand: `args` is the least number of positional arguments (a number) or the exact number ("=1"); left
 * out, they are not counted.
 */
export function command(path: string, usage: string, flags: string, args?: number | `=${number}`, opts: { interspersed?: boolean } = {}): CommandSpec {
  const arity = args === undefined ? undefined : typeof args === 'number' ? { min: args, exact: false } : { min: Number(args.slice(1)), exact: true };
  if (arity && (!Number.isInteger(arity.min) || arity.min < 0)) throw new Error(`command "${path}": bad argument count ${String(args)}`);
  return { path, usage, flags: flagSpecs(flags), ...(arity ? { args: arity } : {}), interspersed: opts.interspersed ?? true };
}

export interface CommandOutput {
  stdout(text: string): void;
  stderr(text: string): void;
}

/** Parses argv for `cmd`; on --help, a bad flag or a wrong argument count writes what docker writes and throws CommandExit. */
export function parseCommand(cmd: CommandSpec, argv: readonly string[], out: CommandOutput): Parsed {
  let p: Parsed;
  try {
    p = parseFlags(argv, cmd.flags, cmd.interspersed);
  } catch (e) {
    if (e instanceof FlagError) {
      out.stderr(`${e.message}\nSee 'docker ${cmd.path} --help'.\n`);
      throw new CommandExit(125);
    }
    throw e;
  }
  if (p.bools.has('help')) {
    out.stdout(`\nUsage:  docker ${cmd.path} ${cmd.usage}\n\n`);
    throw new CommandExit(0);
  }
  const a = cmd.args;
  if (a && (p.args.length < a.min || (a.exact && p.args.length !== a.min))) {
    const what = `${a.exact ? 'exactly' : 'at least'} ${a.min} argument${a.min === 1 ? '' : 's'}`;
    out.stderr(`"docker ${cmd.path}" requires ${what}.\nSee 'docker ${cmd.path} --help'.\n\nUsage:  docker ${cmd.path} ${cmd.usage}\n\n`);
    throw new CommandExit(1);
  }
  return p;
}
