// The shape `docker info` and `docker version` share: no arguments, -f/--format a Go template over one value, and
// without a format the command's own layout. The usage and error texts are the docker CLI's (cobra's).

import type { GoStruct } from '../../docker/format/govalue.ts';
import { formatInspectTemplate } from '../../docker/format/network.ts';
import { TemplateError } from '../../docker/format/template.ts';
import type { CommandContext } from '../interpreter.ts';
import { FlagError, parseFlags } from './flags.ts';

export interface FormatOnlyCommand {
  /** "info", "version". */
  readonly name: string;
  /** The command's one-line description, as `docker NAME --help` prints it. */
  readonly description: string;
  /** The value a template sees. */
  value(): GoStruct;
  /** The text without a format. */
  plain(value: GoStruct): string;
}

/** Runs `docker NAME [-f FORMAT]` with `argv` (after NAME); returns its exit status. */
export function runFormatOnly(ctx: CommandContext, argv: readonly string[], cmd: FormatOnlyCommand): number {
  const usage = `Usage:  docker ${cmd.name} [OPTIONS]`;
  let format: string | undefined;
  try {
    const p = parseFlags(argv, [{ name: 'format', short: 'f', kind: 'string' }, { name: 'help', kind: 'bool' }], true);
    if (p.bools.has('help')) {
      ctx.stdout(`\n${usage}\n\n${cmd.description}\n`);
      return 0;
    }
    if (p.args.length > 0) {
      ctx.stderr(`"docker ${cmd.name}" accepts no arguments.\nSee 'docker ${cmd.name} --help'.\n\n${usage}\n\n${cmd.description}\n`);
      return 1;
    }
    format = p.strings.get('format');
  } catch (e) {
    if (!(e instanceof FlagError)) throw e;
    ctx.stderr(`${e.message}\n\n${usage}\n\nRun 'docker ${cmd.name} --help' for more information\n`);
    return 125;
  }
  const value = cmd.value();
  if (format === undefined || format === '') {
    ctx.stdout(cmd.plain(value));
    return 0;
  }
  try {
    ctx.stdout(formatInspectTemplate(format, [value]));
  } catch (e) {
    if (!(e instanceof TemplateError)) throw e;
    ctx.stderr(`${e.message}\n`);
    return 1;
  }
  return 0;
}
