// pflag as the docker CLI uses it: long flags (--name value, --name=value), shorthands (-d, -p 80, -p80, combined
// booleans -it / -dit), lists (repeatable), `--` ending the flags, and for run/create/exec the first positional
// argument ending flag parsing (SetInterspersed(false)). Errors read as the CLI prints them.

export type FlagKind = 'bool' | 'string' | 'list';

export interface FlagSpec {
  readonly name: string;
  readonly short?: string;
  readonly kind: FlagKind;
  /** Other long names (--net for --network). */
  readonly aliases?: readonly string[];
}

export class FlagError extends Error {}

export interface Parsed {
  readonly bools: Set<string>;
  readonly strings: Map<string, string>;
  readonly lists: Map<string, string[]>;
  readonly args: string[];
}

export function parseFlags(argv: readonly string[], specs: readonly FlagSpec[], interspersed: boolean): Parsed {
  const byLong = new Map<string, FlagSpec>();
  const byShort = new Map<string, FlagSpec>();
  for (const s of specs) {
    byLong.set(s.name, s);
    for (const a of s.aliases ?? []) byLong.set(a, s);
    if (s.short) byShort.set(s.short, s);
  }
  byLong.set('help', { name: 'help', kind: 'bool' });
  const out: Parsed = { bools: new Set(), strings: new Map(), lists: new Map(), args: [] };
  const set = (s: FlagSpec, v: string | undefined, what: string): void => {
    if (s.kind === 'bool') {
      if (v === undefined || v === 'true' || v === '1') out.bools.add(s.name);
      else if (v === 'false' || v === '0') out.bools.delete(s.name);
      else throw new FlagError(`invalid argument "${v}" for "${what}" flag: strconv.ParseBool: parsing "${v}": invalid syntax`);
      return;
    }
    if (v === undefined) throw new FlagError(`flag needs an argument: ${what}`);
    if (s.kind === 'string') out.strings.set(s.name, v);
    else out.lists.set(s.name, [...(out.lists.get(s.name) ?? []), v]);
  };
  let i = 0;
  for (; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      i++;
      break;
    }
    if (a.startsWith('--') && a.length > 2) {
      const eq = a.indexOf('=');
      const name = eq >= 0 ? a.slice(2, eq) : a.slice(2);
      const s = byLong.get(name);
      if (!s) throw new FlagError(`unknown flag: --${name}`);
      if (eq >= 0) set(s, a.slice(eq + 1), `--${name}`);
      else if (s.kind === 'bool') set(s, undefined, `--${name}`);
      else {
        if (i + 1 >= argv.length) throw new FlagError(`flag needs an argument: --${name}`);
        set(s, argv[++i], `--${name}`);
      }
      continue;
    }
    if (a.startsWith('-') && a.length > 1) {
      const letters = a.slice(1);
      for (let k = 0; k < letters.length; k++) {
        const ch = letters[k]!;
        const s = byShort.get(ch) ?? (ch === 'h' ? byLong.get('help') : undefined);
        if (!s) throw new FlagError(`unknown shorthand flag: '${ch}' in ${a}`);
        if (s.kind === 'bool') {
          if (letters[k + 1] === '=') {
            set(s, letters.slice(k + 2), `-${ch}`);
            break;
          }
          set(s, undefined, `-${ch}`);
          continue;
        }
        const rest = letters.slice(k + 1);
        if (rest !== '') set(s, rest.startsWith('=') ? rest.slice(1) : rest, `-${ch}`);
        else {
          if (i + 1 >= argv.length) throw new FlagError(`flag needs an argument: '${ch}' in -${ch}`);
          set(s, argv[++i], `-${ch}`);
        }
        break;
      }
      continue;
    }
    if (!interspersed) break;
    out.args.push(a);
  }
  for (; i < argv.length; i++) out.args.push(argv[i]!);
  return out;
}
