import assert from 'node:assert/strict';
import test from 'node:test';
import { DockerError } from '../errors.ts';
import { commandHandles, INTERACTIVE_SHELL, parseSignal, processCommand, signalName, SignalInterrupt, SIGINT, SIGQUIT, SIGTERM } from './signals.ts';

test('ParseSignal: numbers, names with or without SIG in any case; 0 and unknown names refused in the daemon’s words', () => {
  assert.equal(parseSignal('9'), 9);
  assert.equal(parseSignal('KILL'), 9);
  assert.equal(parseSignal('sigterm'), 15);
  assert.equal(parseSignal('SIGQUIT'), 3);
  assert.equal(parseSignal('Hup'), 1);
  assert.equal(parseSignal('WINCH'), 28);
  for (const bad of ['0', 'FOO', 'SIG', '', 'toString', 'SIGtoString']) {
    assert.throws(() => parseSignal(bad), (e: unknown) => e instanceof DockerError && e.errorClass === 'invalidParameter' && e.message === `Invalid signal: ${bad}`, bad);
  }
  assert.equal(signalName(2), 'SIGINT');
  assert.equal(signalName(17), 'SIGCHLD');
});

test('the command a main process runs as: the program, or the one simple command a shell’s -c execs in its place', () => {
  assert.equal(processCommand(['ping', '-c', '3', 'web']), 'ping');
  assert.equal(processCommand(['/bin/ping', 'web']), 'ping');
  assert.equal(processCommand(['sh', '-c', 'ping web']), 'ping');
  assert.equal(processCommand(['/bin/sh', '-c', '  tcpdump -n -i eth0 ']), 'tcpdump');
  // More than one command, a pipe, a redirection: the shell stays PID 1.
  assert.equal(processCommand(['sh', '-c', 'echo hi; ping web']), 'sh');
  assert.equal(processCommand(['sh', '-c', 'ping web | head']), 'sh');
  assert.equal(processCommand(['sh', '-c', 'ping web > /tmp/out']), 'sh');
  assert.equal(processCommand(['sleep', '100']), 'sleep');
  assert.ok(commandHandles('ping', SIGINT));
  assert.ok(!commandHandles('ping', SIGTERM));
  assert.ok(commandHandles('tcpdump', SIGTERM));
  assert.ok(!commandHandles('sleep', SIGINT));
  assert.ok(commandHandles(INTERACTIVE_SHELL, SIGQUIT));
  assert.ok(!commandHandles('constructor', SIGINT));
  // busybox nc's catch() takes the three, and dies of each: the interrupt says which one came
  for (const sig of [SIGINT, SIGQUIT, SIGTERM]) assert.ok(commandHandles('nc', sig));
  const i = new SignalInterrupt();
  i.fire(SIGTERM);
  i.fire(SIGINT);
  assert.deepEqual([i.aborted, i.signo], [true, SIGTERM]);
});
