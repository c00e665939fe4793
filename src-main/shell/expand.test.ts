import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expandHeredoc, expandString, expandWord, expandWords, ExpansionError } from './expand.ts';
import type { ExpandEnv } from './expand.ts';
import { parseScript } from './parse.ts';
import type { Script, SimpleCommand } from './parse.ts';

/** A test environment: variables in a map, and command substitutions run by a tiny interpreter of a few fake
 * commands (echo, printf, docker port, head -n1, cut -dX -fN, seq) joined by pipes. */
class Env implements ExpandEnv {
  vars = new Map<string, string>();
  args: string[] = [];
  substitutions: Script[] = [];
  constructor(vars: Record<string, string> = {}) {
    for (const [k, v] of Object.entries(vars)) this.vars.set(k, v);
  }
  getVar(name: string): string | undefined {
    return this.vars.get(name);
  }
  setVar(name: string, value: string): void {
    this.vars.set(name, value);
  }
  positional(): string[] {
    return this.args;
  }
  async runSubstitution(script: Script): Promise<string> {
    this.substitutions.push(script);
    let out = '';
    for (const item of script.items) {
      let input = '';
      for (const c of item.head.commands) {
        assert.equal(c.kind, 'simple');
        input = await this.run(await expandWords((c as SimpleCommand).words, this), input);
      }
      out += input;
    }
    return out;
  }
  private async run(argv: string[], input: string): Promise<string> {
    const [name, ...rest] = argv;
    switch (name) {
      case 'echo':
        return rest.join(' ') + '\n';
      case 'printf':
        return (rest[0] ?? '').replace(/\\n/g, '\n');
      case 'docker':
        assert.deepEqual(rest, ['port', 'web', '5000']);
        return '0.0.0.0:32768\n[::]:32768\n';
      case 'head':
        return input.split('\n')[0] + '\n';
      case 'cut': {
        const d = (rest[0] ?? '').slice(2);
        const f = Number((rest[1] ?? '').slice(2));
        return input.replace(/\n$/, '').split('\n').map((l) => l.split(d)[f - 1] ?? '').join('\n') + '\n';
      }
      case 'seq':
        return Array.from({ length: Number(rest[0]) }, (_, i) => `${i + 1}\n`).join('');
      default:
        throw new Error(`fake shell: no command ${name}`);
    }
  }
}

async function argv(src: string, env: Env = new Env()): Promise<string[]> {
  const c = parseScript(src).items[0]?.head.commands[0];
  assert.equal(c?.kind, 'simple');
  return expandWords((c as SimpleCommand).words, env);
}

test('quote removal: literals, single quotes, double quotes, escapes', async () => {
  assert.deepEqual(await argv(`echo a 'b c' "d e" f\\ g 'h'"i"j`), ['echo', 'a', 'b c', 'd e', 'f g', 'hij']);
  assert.deepEqual(await argv(`echo '$HOME' "\\$HOME" \\$HOME '\\n'`, new Env({ HOME: '/root' })), ['echo', '$HOME', '$HOME', '$HOME', '\\n']);
  assert.deepEqual(await argv(`echo "" '' a""b`), ['echo', '', '', 'ab']);
  assert.deepEqual(await argv(`echo "a\\\\b" "a\\b" "say \\"x\\""`), ['echo', 'a\\b', 'a\\b', 'say "x"']);
});

test('parameters, and field splitting of unquoted results only', async () => {
  const env = new Env({ X: 'a  b\tc\n', E: '', ONE: 'one', P: '  lead trail  ' });
  assert.deepEqual(await argv('echo $X', env), ['echo', 'a', 'b', 'c']);
  assert.deepEqual(await argv('echo "$X"', env), ['echo', 'a  b\tc\n']);
  assert.deepEqual(await argv('echo $E "$E" $UNSET', env), ['echo', '']);
  assert.deepEqual(await argv('echo x$P"y"', env), ['echo', 'x', 'lead', 'trail', 'y']);
  assert.deepEqual(await argv('echo ${ONE}two $ONE.x pre-$ONE', env), ['echo', 'onetwo', 'one.x', 'pre-one']);
  assert.deepEqual(await argv('echo "$ONE"\'$ONE\'', env), ['echo', 'one$ONE']);
  assert.deepEqual(await argv('echo $ $', env), ['echo', '$', '$']);
});

test('special parameters and positional ones', async () => {
  const env = new Env({ '?': '1', $: '42', '0': 'sh' });
  env.args = ['a b', 'c'];
  assert.deepEqual(await argv('echo $? $$ $0 $#', env), ['echo', '1', '42', 'sh', '2']);
  assert.deepEqual(await argv('echo "$@"', env), ['echo', 'a b', 'c']);
  assert.deepEqual(await argv('echo "<$@>"', env), ['echo', '<a b', 'c>']);
  assert.deepEqual(await argv('echo $@', env), ['echo', 'a', 'b', 'c']);
  assert.deepEqual(await argv('echo "$*"', env), ['echo', 'a b c']);
  env.args = [];
  assert.deepEqual(await argv('echo "$@"', env), ['echo']);
});

test('IFS: custom separators, empty fields between non-white separators', async () => {
  const env = new Env({ IFS: ':', PATHS: '/bin::/usr/bin:' });
  assert.deepEqual(await argv('echo $PATHS', env), ['echo', '/bin', '', '/usr/bin']);
  env.vars.set('IFS', ' :');
  env.vars.set('V', 'a : b :c');
  assert.deepEqual(await argv('echo $V', env), ['echo', 'a', 'b', 'c']);
  env.vars.set('IFS', '');
  env.vars.set('V', 'a b');
  assert.deepEqual(await argv('echo $V', env), ['echo', 'a b']);
});

test('parameter operators: defaults, alternatives, assignment, errors, length, trimming', async () => {
  const env = new Env({ SET: 'v', EMPTY: '', F: 'dir/sub/file.tar.gz' });
  assert.deepEqual(await argv('echo ${UNSET:-d} ${EMPTY:-d} ${EMPTY-d} ${SET:-d}', env), ['echo', 'd', 'd', 'v']);
  assert.deepEqual(await argv('echo ${UNSET:-a b} "${UNSET:-a b}" ${UNSET:-"a b"}', env), ['echo', 'a', 'b', 'a b', 'a b']);
  assert.deepEqual(await argv('echo ${UNSET:-$SET} ${SET:+alt} ${EMPTY:+alt} ${EMPTY+alt}', env), ['echo', 'v', 'alt', 'alt']);
  assert.deepEqual(await argv('echo ${NEW:=made} $NEW', env), ['echo', 'made', 'made']);
  assert.equal(env.vars.get('NEW'), 'made');
  assert.deepEqual(await argv('echo ${#F} ${#UNSET}', env), ['echo', '19', '0']);
  assert.deepEqual(await argv('echo ${F%.*} ${F%%.*} ${F#*/} ${F##*/}', env), ['echo', 'dir/sub/file.tar', 'dir/sub/file', 'sub/file.tar.gz', 'file.tar.gz']);
  assert.deepEqual(await argv('echo ${F%".gz"} ${F#"*"}', env), ['echo', 'dir/sub/file.tar', 'dir/sub/file.tar.gz']);
  await assert.rejects(argv('echo ${UNSET:?is required}', env), (e: unknown) => e instanceof ExpansionError && e.message === 'UNSET: is required');
  await assert.rejects(argv('echo ${EMPTY:?}', env), (e: unknown) => e instanceof ExpansionError && e.message === 'EMPTY: parameter not set or null');
  assert.deepEqual(await argv('echo ${EMPTY?}', env), ['echo']);
});

test('command substitution: trailing newlines stripped, unquoted results split, nesting', async () => {
  const env = new Env();
  assert.deepEqual(await argv('echo $(printf "a b\\n\\n\\n")', env), ['echo', 'a', 'b']);
  assert.deepEqual(await argv('echo "$(printf "a b\\n\\nc\\n\\n")"', env), ['echo', 'a b\n\nc']);
  assert.deepEqual(await argv('echo x$(echo 1 2)y', env), ['echo', 'x1', '2y']);
  assert.deepEqual(await argv('echo $(echo $(echo deep))', env), ['echo', 'deep']);
  assert.deepEqual(await argv('echo `echo back quoted`', env), ['echo', 'back', 'quoted']);
  assert.deepEqual(await argv('echo $(echo)', env), ['echo']);
  assert.deepEqual(await argv('echo "$(echo)"', env), ['echo', '']);
});

test('the port lookup of cnm-basics.t', async () => {
  const env = new Env();
  const got = await argv(`curl -s -o /dev/null -w '%{http_code}\\n' localhost:$(docker port web 5000 | head -n1 | cut -d: -f2)`, env);
  assert.deepEqual(got, ['curl', '-s', '-o', '/dev/null', '-w', '%{http_code}\\n', 'localhost:32768']);
  assert.equal(env.substitutions.length, 1);
  assert.equal(env.substitutions[0]?.items[0]?.head.commands.length, 3);
});

test('the join token of swarm-basics.t is handed on as one argument', async () => {
  const env = new Env();
  const got = await argv('docker-machine ssh sw2 docker swarm join --token $(echo SWMTKN-1-abc-def) 192.168.99.100:2377', env);
  assert.deepEqual(got, ['docker-machine', 'ssh', 'sw2', 'docker', 'swarm', 'join', '--token', 'SWMTKN-1-abc-def', '192.168.99.100:2377']);
});

test('for loop words expand like arguments', async () => {
  const script = parseScript('for i in 1 "2 3" $(seq 2) $NONE; do echo $i; done');
  const loop = script.items[0]?.head.commands[0];
  assert.equal(loop?.kind, 'for');
  const items = loop?.kind === 'for' ? loop.items ?? [] : [];
  assert.deepEqual(await expandWords(items, new Env()), ['1', '2 3', '1', '2']);
});

test('arithmetic', async () => {
  const env = new Env({ i: '4', s: ' 7 ' });
  assert.deepEqual(await argv('echo $((1 + 2 * 3)) $(((1+2)*3)) $((i*2)) $(($i-10)) $((s % 4)) $((2**10)) $((7/2)) $((-7/2))', env), ['echo', '7', '9', '8', '-6', '3', '1024', '3', '-3']);
  assert.deepEqual(await argv('echo $((1<2 && 2<=2)) $((3==4 || !0)) $((1?10:20)) $((0x10 + 010)) $((5&3|8)) $((1<<4))', env), ['echo', '1', '1', '10', '24', '9', '16']);
  assert.deepEqual(await argv('echo $((n=i+1)) $n $((n+=10)) $((undefined+1))', env), ['echo', '5', '5', '15', '1']);
  await assert.rejects(argv('echo $((1/0))', env), (e: unknown) => e instanceof ExpansionError && e.message === 'division by zero');
  await assert.rejects(argv('echo $((1 +))', env), (e: unknown) => e instanceof ExpansionError && /arithmetic syntax error/.test(e.message));
});

test('export and friends: NAME=value arguments are not split', async () => {
  const env = new Env({ V: 'a b' });
  assert.deepEqual(await argv('export A=$V B', env), ['export', 'A=a b', 'B']);
  assert.deepEqual(await argv('echo A=$V', env), ['echo', 'A=a', 'b']);
});

test('assignments and redirection targets expand to one string; tilde', async () => {
  const env = new Env({ V: 'a  b', HOME: '/home/u' });
  const c = parseScript('X=$V* Y=~/x cmd > ~/out.$V').items[0]?.head.commands[0] as SimpleCommand;
  assert.equal(await expandString(c.assignments[0]!.value, env), 'a  b*');
  assert.equal(await expandString(c.assignments[1]!.value, env), '/home/u/x');
  const r = c.redirects[0];
  assert.equal(r?.kind === 'file' ? await expandString(r.target, env) : '', '/home/u/out.a  b');
  assert.deepEqual(await argv('echo ~ ~/a "~" \\~ ~u a~', env), ['echo', '/home/u', '/home/u/a', '~', '~', '~u', 'a~']);
});

test('no globbing: * and ? stay as they are', async () => {
  assert.deepEqual(await argv('echo * ?.txt [ab]', new Env()), ['echo', '*', '?.txt', '[ab]']);
  const word = (parseScript('x $G').items[0]?.head.commands[0] as SimpleCommand).words[1];
  assert.ok(word);
  assert.deepEqual(await expandWord(word, new Env({ G: '*.c d' })), ['*.c', 'd']);
});

test('here-documents: expanded unless the delimiter is quoted', async () => {
  const env = new Env({ NAME: 'web', HOME: '/root' });
  const heredoc = async (src: string): Promise<string> => {
    const c = parseScript(src).items[0]?.head.commands[0] as SimpleCommand;
    const r = c.redirects.find((x) => x.kind === 'heredoc');
    assert.ok(r && r.kind === 'heredoc');
    return expandHeredoc(r, env);
  };
  assert.equal(await heredoc('cat <<EOF\nname: $NAME "q" \'s\' ~\n$(echo sub)\n\\$NAME\nEOF'), 'name: web "q" \'s\' ~\nsub\n$NAME\n');
  assert.equal(await heredoc("cat <<'EOF'\nname: $NAME $(echo sub)\nEOF"), 'name: $NAME $(echo sub)\n');
  assert.equal(await heredoc('cat <<-EOF\n\t{ "a": "$NAME" }\n\tEOF'), '{ "a": "web" }\n');
});
