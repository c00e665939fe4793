import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { formatSession, matchOutput, parseTranscript, stepInput, TranscriptError } from './transcript.ts';
import type { ExpectedLine, Step } from './transcript.ts';
import { parseScript } from './parse.ts';
import { sharedPath } from '../../test/shared-path.ts';

const SHARED = sharedPath('transcripts');

function expectedOf(text: string): ExpectedLine[] {
  const t = parseTranscript(`$ cmd\n${text}`, 't.t');
  return (t.steps[0] as Step).expected;
}

function mustDiffer(expected: string, actual: string[]): string {
  const r = matchOutput(expectedOf(expected), actual);
  assert.equal(r.ok, false, `expected a mismatch for ${JSON.stringify(actual)}`);
  return r.ok ? '' : r.diff;
}

function mustMatch(expected: string, actual: string[]): void {
  const r = matchOutput(expectedOf(expected), actual);
  assert.ok(r.ok, r.ok ? '' : r.diff);
}

test('the shared transcripts parse, and every command parses as shell', () => {
  const files = readdirSync(SHARED).filter((f) => f.endsWith('.t'));
  assert.ok(files.length >= 2);
  for (const f of files) {
    const t = parseTranscript(readFileSync(path.join(SHARED, f), 'utf8'), f);
    assert.equal(t.file, f);
    assert.ok(t.steps.length > 5, `${f} has steps`);
    for (const s of t.steps) assert.doesNotThrow(() => parseScript(stepInput(s)), `${f}:${s.line}: ${s.command}`);
  }
});

test('cnm-basics.t: steps carry line, prompt, command, expectations and exit', () => {
  const t = parseTranscript(readFileSync(path.join(SHARED, 'cnm-basics.t'), 'utf8'), 'cnm-basics.t');
  const [first, ls] = t.steps as [Step, Step];
  assert.deepEqual(first.prompt, { kind: 'workstation' });
  assert.equal(first.command, 'docker-machine create node1');
  assert.equal(first.line, 3);
  assert.deepEqual(first.expected, [{ kind: 'any', line: 4 }]);
  assert.equal(first.exit, 0);

  assert.deepEqual(ls.prompt, { kind: 'node', name: 'node1' });
  assert.equal(ls.command, 'docker network ls');
  assert.equal(ls.expected.length, 4);
  const re = ls.expected[0];
  assert.equal(re?.kind, 'regex');
  assert.equal(re?.kind === 'regex' ? re.source : '', 'NETWORK ID\\s+NAME\\s+DRIVER\\s+SCOPE');

  const ping = t.steps.find((s) => s.command === 'docker run --rm alpine ping -c 1 es');
  assert.ok(ping);
  assert.equal(ping.exit, 1);
  assert.deepEqual(ping.expected, [{ kind: 'literal', text: "ping: bad address 'es'", line: ping.line + 1 }]);

  const connect = t.steps.find((s) => s.command === 'docker network connect dev probe');
  assert.ok(connect);
  assert.deepEqual(connect.expected, []);

  const fixed = t.steps.find((s) => s.command.includes('--ip 10.67.0.5'));
  assert.equal(fixed?.exit, 125);
  assert.deepEqual(fixed?.expected.map((e) => e.kind), ['any', 'regex', 'any']);
});

test('swarm-basics.t: the ssh command lines and the for loop keep their text', () => {
  const t = parseTranscript(readFileSync(path.join(SHARED, 'swarm-basics.t'), 'utf8'), 'swarm-basics.t');
  const join = t.steps.find((s) => s.command.startsWith('docker-machine ssh sw2'));
  assert.equal(join?.command, 'docker-machine ssh sw2 docker swarm join --token $(docker-machine ssh sw1 docker swarm join-token -q worker) 192.168.99.100:2377');
  assert.deepEqual(join?.expected, [{ kind: 'literal', text: 'This node joined a swarm as a worker.', line: (join?.line ?? 0) + 1 }]);
  const loop = t.steps.find((s) => s.command.startsWith('for i in'));
  assert.deepEqual(loop?.prompt, { kind: 'workstation' });
  assert.deepEqual(loop?.expected.map((e) => (e.kind === 'literal' ? e.text : e.kind)), ['3']);
  const workerLs = t.steps.find((s) => s.prompt.kind === 'node' && s.prompt.name === 'sw2' && s.command === 'docker node ls');
  assert.equal(workerLs?.exit, 1);
});

test('comments and blank lines are ignored, also between expected lines', () => {
  const t = parseTranscript('# intro\n\n$ echo a\na\n\n# between\nb\n   \n$ true\n', 'x.t');
  assert.equal(t.steps.length, 2);
  assert.deepEqual(t.steps[0]?.expected.map((e) => (e.kind === 'literal' ? e.text : '?')), ['a', 'b']);
  assert.equal(t.steps[1]?.line, 9);
});

test('prompts: workstation, node names with . _ -, and lines that are not prompts', () => {
  const t = parseTranscript('$ a\nnode-1.x_y$ b\nN2$ c\nprice: 5$ each\n$x\n', 'p.t');
  assert.deepEqual(t.steps.map((s) => s.prompt), [{ kind: 'workstation' }, { kind: 'node', name: 'node-1.x_y' }, { kind: 'node', name: 'N2' }]);
  assert.deepEqual(t.steps[2]?.expected.map((e) => (e.kind === 'literal' ? e.text : '?')), ['price: 5$ each', '$x']);
});

test('exit status lines: numbers, star, default 0', () => {
  const t = parseTranscript('$ a\n[exit 3]\n$ b\nout\n[exit *]\n$ c\n[exit 0]\n$ d\n', 'e.t');
  assert.deepEqual(t.steps.map((s) => s.exit), [3, '*', 0, 0]);
});

test('# wait comments set the virtual time before the next command', () => {
  const t = parseTranscript('$ a\n# wait 30s\n$ b\n# wait 500ms\n# wait 2m\n$ c\n$ d\n# wait 1.5s\n$ e\n', 'w.t');
  assert.deepEqual(t.steps.map((s) => s.waitBefore), [undefined, 30e9, 500e6 + 120e9, undefined, 1.5e9]);
});

test('heredocs: the body is input, not expected output', () => {
  const text = ['node1$ cat > /etc/docker/daemon.json <<EOF', '{', '', '# not a comment', '  "debug": true', '}', 'EOF', 'node1$ cat <<\'X\' | wc -l', '$a', 'X', '2', '$ cat <<-END', '\tindented', '\tEND', 'indented'].join('\n');
  const t = parseTranscript(text, 'h.t');
  assert.equal(t.steps.length, 3);
  const [a, b, c] = t.steps as [Step, Step, Step];
  assert.deepEqual(a.heredoc, ['{', '', '# not a comment', '  "debug": true', '}', 'EOF']);
  assert.deepEqual(a.expected, []);
  assert.equal(stepInput(a), 'cat > /etc/docker/daemon.json <<EOF\n{\n\n# not a comment\n  "debug": true\n}\nEOF\n');
  assert.deepEqual(b.heredoc, ['$a', 'X']);
  assert.deepEqual(b.expected, [{ kind: 'literal', text: '2', line: 11 }]);
  assert.deepEqual(c.heredoc, ['\tindented', '\tEND']);
  assert.deepEqual(c.expected, [{ kind: 'literal', text: 'indented', line: 15 }]);
  // the shell reads the same body back
  const script = parseScript(stepInput(a));
  const cmd = script.items[0]?.head.commands[0];
  assert.equal(cmd?.kind === 'simple' && cmd.redirects[1]?.kind === 'heredoc' ? cmd.redirects[1].body.parts[0]?.kind : '', 'double');
});

test('a << inside quotes is not a heredoc', () => {
  const t = parseTranscript("$ echo '<<EOF'\n<<EOF\n", 'q.t');
  assert.equal(t.steps[0]?.heredoc, undefined);
  assert.equal(t.steps[0]?.expected.length, 1);
});

test('errors in the transcript name file:line', () => {
  const cases: [string, RegExp][] = [
    ['$ a\n[exit x]\n', /^bad\.t:2: bad exit status "x"/],
    ['$ a\n[exit 300]\n', /^bad\.t:2: bad exit status/],
    ['# hi\noutput first\n$ a\n', /^bad\.t:2: expected output before any command/],
    ['$ a\n$ cat <<EOF\nbody\n', /^bad\.t:2: here-document not terminated/],
    ['$ a\n[exit 1]\nmore\n', /^bad\.t:3: expected output after the \[exit\] line of the command at line 1/],
    ['$ a\n[exit 1]\n[exit 2]\n', /^bad\.t:3: a second \[exit\] line/],
    ['$ a\nfoo( (re)\n', /^bad\.t:2: bad regular expression/],
    ['$ a\n# wait soon\n', /^bad\.t:2: bad wait comment/],
    ['$ \n', /^bad\.t:1: a prompt without a command/],
  ];
  for (const [text, re] of cases) {
    assert.throws(
      () => parseTranscript(text, 'bad.t'),
      (e: unknown) => e instanceof TranscriptError && re.test(e.message) && e.file === 'bad.t',
      `${JSON.stringify(text)} should fail with ${re}`,
    );
  }
});

test('matchOutput: literal lines, trailing white space, trailing and inner blank lines', () => {
  mustMatch('a\nb', ['a', 'b']);
  mustMatch('a\nb', ['a   ', 'b\t', '', '']);
  mustMatch('a  \nb', ['a', 'b']);
  mustMatch('a\nb', ['a', '', 'b']);
  mustMatch('a\nb', ['a\nb\n']);
  mustDiffer('a\nb', ['a', ' b']);
  mustDiffer('a\nb', ['a']);
  mustDiffer('a', ['a', 'b']);
  assert.ok(matchOutput([], []).ok);
  assert.ok(matchOutput([], ['', '  ']).ok);
  assert.equal(matchOutput([], ['x']).ok, false);
});

test('matchOutput: regular expressions match the whole line', () => {
  mustMatch('[0-9a-f]{12} (re)', ['0123456789ab']);
  mustDiffer('[0-9a-f]{12} (re)', ['0123456789abc']);
  mustDiffer('b (re)', ['abc']);
  mustMatch('a|b (re)', ['b']);
  mustDiffer('a|b (re)', ['ab']);
  mustMatch('time=\\d+\\.\\d{3} ms (re)', ['time=0.123 ms']);
});

test('matchOutput: ... at the front, in the middle, at the end, and around a pattern', () => {
  mustMatch('...\nz', ['x', 'y', 'z']);
  mustMatch('...\nz', ['z']);
  mustMatch('a\n...\nz', ['a', 'z']);
  mustMatch('a\n...\nz', ['a', '1', '2', 'z']);
  mustMatch('a\n...', ['a', '1', '2']);
  mustMatch('...', []);
  mustMatch('...\nnameserver 127.0.0.11\n...', ['search x', 'nameserver 127.0.0.11', 'options ndots:0']);
  mustMatch('...\nAddress:? .*172\\.18\\.0\\.2.* (re)\n...', ['Server: 127.0.0.11', 'Address: 127.0.0.11:53', '', 'Name: es', 'Address: 172.18.0.2']);
  mustMatch('...\nx\n...\nx\n...', ['x', 'x']);
  mustDiffer('...\nx\n...\nx\n...', ['x']);
  mustDiffer('...\nz', ['z', 'y']);
  mustDiffer('a\n...', ['b', 'a']);
});

test('matchOutput: the diff shows expected and got, and names the first mismatch', () => {
  const diff = mustDiffer('PING es\n64 bytes seq=0 (re)\n--- stats', ['PING es', '64 bytes seq=0 time=1', '--- stats']);
  assert.equal(
    diff,
    [
      'output differs: expected "64 bytes seq=0 (re)" (line 3), got "64 bytes seq=0 time=1"',
      '--- expected',
      '+++ got',
      '  PING es',
      '- 64 bytes seq=0 (re)',
      '+ 64 bytes seq=0 time=1',
      '  --- stats',
    ].join('\n'),
  );
  const missing = mustDiffer('a\n...\nz', ['a', 'b']);
  assert.match(missing, /^output differs: expected "z" \(line 4\), got end of output/);
  assert.match(missing, /\n {2}a\n {2}\.\.\.\n- z$/);
  const extra = mustDiffer('a', ['a', 'b']);
  assert.match(extra, /^output differs: got unexpected "b" after the end of the expected output/);
  assert.match(extra, /\n\+ b$/);
});

test('formatSession prints prompts, commands, heredocs, output and non-zero exits', () => {
  const t = parseTranscript('$ docker-machine create n1\n...\n# wait 30s\nn1$ cat <<EOF\nhi\nEOF\nn1$ false\n[exit 1]\n$ never\n', 's.t');
  const out = formatSession(t.steps, [
    { output: ['Running pre-create checks...', 'Done.', ''], exit: 0 },
    { output: ['hi  '], exit: 0 },
    { output: [], exit: 1 },
  ]);
  assert.equal(out, '$ docker-machine create n1\nRunning pre-create checks...\nDone.\n# wait 30s\nn1$ cat <<EOF\nhi\nEOF\nhi\nn1$ false\n[exit 1]\n');
  // what run prints reads back as a transcript with the same commands
  const again = parseTranscript(out, 'again.t');
  assert.deepEqual(again.steps.map((s) => [s.command, s.exit, s.waitBefore]), t.steps.slice(0, 3).map((s) => [s.command, s.exit, s.waitBefore]));
  assert.equal(formatSession(t.steps, []), '');
});
