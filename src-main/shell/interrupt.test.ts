// Consoles: output to a listener as it is written, Ctrl-C through ctx.signal, abandoning a command that ignores it,
// and `exit` ending an interactive shell.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from './clock.ts';
import { standardCommands } from './commands.ts';
import { Shell, type Chunk, type CommandImpl } from './interpreter.ts';
import { Interrupt } from './interrupt.ts';
import { Vfs } from '../common/vfs.ts';

function shellWith(extra: Record<string, CommandImpl> = {}): { shell: Shell; clock: ManualClock; seen: Chunk[] } {
  const clock = new ManualClock();
  const shell = new Shell({ clock, fs: Vfs.with(['/tmp']), commands: standardCommands(extra), env: { HOME: '/tmp' } });
  const seen: Chunk[] = [];
  shell.setOutputListener((c) => seen.push(c));
  return { shell, clock, seen };
}

test('output goes to the listener as it is written, not into the run result', async () => {
  const { shell, clock, seen } = shellWith();
  const work = shell.run('echo one; sleep 1; echo two >&2');
  await clock.advance(0);
  assert.deepEqual(seen, [{ stream: 'stdout', text: 'one\n' }]);
  const r = await clock.complete(work);
  assert.deepEqual(r.output, []);
  assert.deepEqual(seen.map((c) => c.text), ['one\n', 'two\n']);
});

test('Ctrl-C ends sleep with 130 and the rest of the line; the shell lives on', async () => {
  const { shell, clock, seen } = shellWith();
  const signal = new Interrupt();
  const work = shell.run('sleep 10; echo after', { signal });
  await clock.advance(1e9);
  signal.abort();
  const r = await work;
  assert.equal(r.exit, 130);
  assert.equal(shell.exited, false);
  assert.equal(seen.length, 0);
  assert.equal((await clock.complete(shell.run('echo $?'))).exit, 0);
  assert.deepEqual(seen.map((c) => c.text), ['130\n']);
});

test('a command that listens to ctx.signal stops its own way', async () => {
  const waiter: CommandImpl = (ctx) =>
    new Promise((resolve) => {
      ctx.signal?.addEventListener('abort', () => {
        ctx.stdout('stopped\n');
        resolve(0);
      });
    });
  const { shell, seen } = shellWith({ waiter });
  const signal = new Interrupt();
  const work = shell.run('waiter', { signal });
  await new Promise((r) => setImmediate(r));
  signal.abort();
  assert.equal((await work).exit, 0);
  assert.deepEqual(seen.map((c) => c.text), ['stopped\n']);
});

test('a command deaf to Ctrl-C is abandoned: 130 at once, its later output dropped', async () => {
  let late: ((s: string) => void) | undefined;
  const deaf: CommandImpl = (ctx) => {
    late = ctx.stdout;
    return new Promise(() => undefined);
  };
  const { shell, seen } = shellWith({ deaf });
  const abandon = new Interrupt();
  const work = shell.run('deaf', { signal: new Interrupt(), abandon });
  await new Promise((r) => setImmediate(r));
  abandon.abort();
  assert.equal((await work).exit, 130);
  late?.('too late\n');
  assert.deepEqual(seen, []);
});

test('background jobs do not see the foreground Ctrl-C; exit ends the interactive shell', async () => {
  const { shell, clock, seen } = shellWith();
  const signal = new Interrupt();
  signal.abort();
  await clock.complete(shell.run('(sleep 1; echo bg) &', { signal: new Interrupt() }));
  await clock.advance(2e9);
  assert.deepEqual(seen.map((c) => c.text), ['bg\n']);
  assert.equal((await clock.complete(shell.run('exit 4'))).exit, 4);
  assert.equal(shell.exited, true);
});
