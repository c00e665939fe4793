// The subcommand flag-spec parser: the compact flag syntax, the arity check, and the docker CLI's wording and exit
// status for --help, bad flags and missing arguments.
import assert from 'node:assert/strict';
import test from 'node:test';
import { command, CommandExit, flagSpecs, parseCommand, type CommandSpec } from './command-spec.ts';

function run(cmd: CommandSpec, argv: string[]): { code: number | undefined; out: string; err: string; args?: string[]; p?: ReturnType<typeof parseCommand> } {
  let out = '';
  let err = '';
  const io = { stdout: (t: string) => void (out += t), stderr: (t: string) => void (err += t) };
  try {
    const p = parseCommand(cmd, argv, io);
    return { code: undefined, out, err, args: p.args, p };
  } catch (e) {
    if (e instanceof CommandExit) return { code: e.code, out, err };
    throw e;
  }
}

test('flagSpecs reads booleans, values, lists and shorthands', () => {
  assert.deepEqual(flagSpecs(' quiet|q format=  filter|f=* no-trunc '), [
    { name: 'quiet', kind: 'bool', short: 'q' },
    { name: 'format', kind: 'string' },
    { name: 'filter', kind: 'list', short: 'f' },
    { name: 'no-trunc', kind: 'bool' },
  ]);
  assert.deepEqual(flagSpecs(''), []);
  assert.throws(() => flagSpecs('quiet|qq'), /flag spec "quiet\|qq": cannot read "quiet\|qq"/);
  assert.throws(() => flagSpecs('--quiet'), /cannot read "--quiet"/);
  assert.throws(() => flagSpecs('format= format'), /"format" is given twice/);
  assert.throws(() => flagSpecs('filter|f force|f'), /"force\|f" is given twice/);
});

test('command reads the argument count: at least N, or exactly N', () => {
  assert.deepEqual(command('a b', 'X', '', 2).args, { min: 2, exact: false });
  assert.deepEqual(command('a b', 'X', '', '=1').args, { min: 1, exact: true });
  assert.equal(command('a b', 'X', '').args, undefined);
  assert.equal(command('a b', 'X', '').interspersed, true);
  assert.throws(() => command('a b', 'X', '', -1), /command "a b": bad argument count -1/);
});

test('parseCommand gives the flags and the arguments, interspersed or not', () => {
  const ps = command('service ps', '[OPTIONS] SERVICE [SERVICE...]', 'quiet|q format= filter|f=* no-trunc', 1);
  const r = run(ps, ['web', '-q', '--filter', 'a=1', 'api', '-f=b=2', '--format={{.ID}}']);
  assert.equal(r.code, undefined);
  assert.deepEqual(r.args, ['web', 'api']);
  assert.ok(r.p!.bools.has('quiet'));
  assert.equal(r.p!.strings.get('format'), '{{.ID}}');
  assert.deepEqual(r.p!.lists.get('filter'), ['a=1', 'b=2']);
  const create = command('service create', '[OPTIONS] IMAGE [COMMAND] [ARG...]', 'name= detach|d', 1, { interspersed: false });
  const c = run(create, ['-d', '--name', 'w', 'busybox', 'ping', '-c', '1', 'x']);
  assert.deepEqual(c.args, ['busybox', 'ping', '-c', '1', 'x']);
  assert.equal(c.p!.strings.get('name'), 'w');
});

test('parseCommand writes what docker writes for a bad flag (125), too few arguments (1) and --help (0)', () => {
  const inspect = command('service inspect', '[OPTIONS] SERVICE [SERVICE...]', 'format|f= pretty', 1);
  assert.deepEqual(run(inspect, ['--bogus', 'web']), { code: 125, out: '', err: "unknown flag: --bogus\nSee 'docker service inspect --help'.\n" });
  assert.deepEqual(run(inspect, ['web', '-x']), { code: 125, out: '', err: "unknown shorthand flag: 'x' in -x\nSee 'docker service inspect --help'.\n" });
  assert.deepEqual(run(inspect, ['web', '--format']), { code: 125, out: '', err: "flag needs an argument: --format\nSee 'docker service inspect --help'.\n" });
  assert.deepEqual(run(inspect, ['--pretty']), {
    code: 1,
    out: '',
    err: "\"docker service inspect\" requires at least 1 argument.\nSee 'docker service inspect --help'.\n\nUsage:  docker service inspect [OPTIONS] SERVICE [SERVICE...]\n\n",
  });
  const join = command('swarm join', '[OPTIONS] HOST:PORT', 'token=', '=1');
  assert.equal(run(join, ['a:1', 'b:2']).err, "\"docker swarm join\" requires exactly 1 argument.\nSee 'docker swarm join --help'.\n\nUsage:  docker swarm join [OPTIONS] HOST:PORT\n\n");
  assert.equal(run(command('stack deploy', '[OPTIONS] STACK', '', '=2'), []).err.split('\n')[0], '"docker stack deploy" requires exactly 2 arguments.');
  // --help wins over a missing argument, and a bad flag is reported before it
  assert.deepEqual(run(inspect, ['--help']), { code: 0, out: '\nUsage:  docker service inspect [OPTIONS] SERVICE [SERVICE...]\n\n', err: '' });
  assert.deepEqual(run(inspect, ['-h']), { code: 0, out: '\nUsage:  docker service inspect [OPTIONS] SERVICE [SERVICE...]\n\n', err: '' });
  assert.equal(run(inspect, ['--nope']).code, 125);
  // an unchecked count takes none
  assert.deepEqual(run(command('node ls', '[OPTIONS]', 'quiet|q'), []).args, []);
});
