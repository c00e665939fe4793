// A small argument reader for the flotilla command: positionals plus --flag / --flag=value / --flag value.
export class UsageError extends Error {}

export interface Parsed {
  positionals: string[];
  flags: Map<string, string | true>;
}

/** `valued` lists the flags that take a value. Unknown flags are refused with the list of known ones. */
export function parseArgs(argv: string[], valued: string[], booleans: string[]): Parsed {
  const positionals: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('--') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
    if (valued.includes(name)) {
      const value = eq < 0 ? argv[++i] : arg.slice(eq + 1);
      if (value === undefined) throw new UsageError(`--${name} needs a value`);
      flags.set(name, value);
    } else if (booleans.includes(name) && eq < 0) {
      flags.set(name, true);
    } else {
      const known = [...valued, ...booleans].map((f) => `--${f}`).join(', ') || 'none';
      throw new UsageError(`unknown flag --${name} (known: ${known})`);
    }
  }
  return { positionals, flags };
}

export function portFlag(value: string | true | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (value === true || !/^\d+$/.test(value) || Number(value) > 65535) {
    throw new UsageError(`--port must be a number from 0 to 65535 (0 picks a free port), got ${JSON.stringify(value)}`);
  }
  return Number(value);
}
