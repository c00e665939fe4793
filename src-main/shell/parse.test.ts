import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseScript, scanHeredocs, ShellSyntaxError } from './parse.ts';
import type { Command, InnerPart, Redirect, Script, SimpleCommand, Word, WordPart } from './parse.ts';

// A compact rendering of the AST, so that tests read like the shell they parse:
//   words: parts joined by '+': a  '…' (single)  \x (escaped)  "…" (double)  $x  ${x:-w}  $(…)  `…`  $((…))
function w(word: Word): string {
  return word.parts.map(part).join('+');
}
function part(p: WordPart | InnerPart): string {
  switch (p.kind) {
    case 'literal':
      return p.text;
    case 'single':
      return `'${p.text}'`;
    case 'escaped':
      return `\\${p.text}`;
    case 'double':
      return `"${p.parts.map(part).join('+')}"`;
    case 'param':
      if (p.op === undefined) return `$${p.name}`;
      if (p.op === 'length') return `\${#${p.name}}`;
      return `\${${p.name}${p.op}${w(p.arg ?? { parts: [] })}}`;
    case 'command':
      return p.backquoted ? `\`${show(p.script)}\`` : `$(${show(p.script)})`;
    case 'arith':
      return `$((${w(p.expr)}))`;
  }
}
function redir(r: Redirect): string {
  if (r.kind === 'heredoc') return `${r.fd}<<${r.stripTabs ? '-' : ''}${r.quoted ? 'q' : ''}[${r.delimiter}]{${w(r.body)}}`;
  return `${r.fd}${r.op}${w(r.target)}`;
}
function cmd(c: Command): string {
  const rs = c.redirects.map((r) => ' ' + redir(r)).join('');
  switch (c.kind) {
    case 'simple':
      return [...c.assignments.map((a) => `${a.name}=${w(a.value)}`), ...c.words.map(w)].join(' ') + rs;
    case 'for':
      return `for ${c.name}${c.items === null ? '' : ' in ' + c.items.map(w).join(' ')} do ${show(c.body)} done${rs}`;
    case 'if':
      return c.clauses.map((cl, i) => `${i === 0 ? 'if' : 'elif'} ${show(cl.condition)} then ${show(cl.body)}`).join(' ') + (c.elseBody ? ` else ${show(c.elseBody)}` : '') + ' fi' + rs;
    case 'while':
      return `${c.until ? 'until' : 'while'} ${show(c.condition)} do ${show(c.body)} done${rs}`;
    case 'subshell':
      return `( ${show(c.body)} )${rs}`;
    case 'group':
      return `{ ${show(c.body)} }${rs}`;
  }
}
function show(s: Script): string {
  return s.items
    .map((a) => {
      const pipe = (p: typeof a.head): string => (p.negated ? '! ' : '') + p.commands.map(cmd).join(' | ');
      return [pipe(a.head), ...a.tail.map((t) => `${t.op} ${pipe(t.pipeline)}`)].join(' ') + (a.background ? ' &' : ';');
    })
    .join(' ');
}
const P = (src: string): string => show(parseScript(src));

function simple(src: string): SimpleCommand {
  const c = parseScript(src).items[0]?.head.commands[0];
  assert.equal(c?.kind, 'simple');
  return c as SimpleCommand;
}

function syntaxError(src: string, message: string, incomplete = false): ShellSyntaxError {
  let caught: unknown;
  try {
    parseScript(src);
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof ShellSyntaxError, `${JSON.stringify(src)} should not parse`);
  assert.equal(caught.message, message, JSON.stringify(src));
  assert.equal(caught.incomplete, incomplete, `incomplete for ${JSON.stringify(src)}`);
  return caught;
}

test('plain words, blanks and comments', () => {
  assert.equal(P('echo hello   world'), 'echo hello world;');
  assert.equal(P('  echo a # a comment'), 'echo a;');
  assert.equal(P('# only a comment'), '');
  assert.equal(P(''), '');
  assert.equal(P('echo a#b #c'), 'echo a#b;');
  assert.equal(P('echo {a,b} } {'), 'echo {a,b} } {;');
  assert.equal(P('echo a\\\nb'), 'echo ab;');
});

test('single quotes, double quotes, escapes', () => {
  assert.equal(P(`echo 'a b' "c d" e\\ f`), `echo 'a b' "c d" e+\\ +f;`);
  assert.equal(P(`echo 'it''s' "say \\"hi\\"" '$x' "\\$x \\a"`), `echo 'it'+'s' "say "hi"" '$x' "$x \\a";`);
  assert.equal(P(`echo "a $b c" "\${d}e"`), 'echo "a +$b+ c" "$d+e";');
  assert.equal(P(`echo ""`), 'echo "";');
  assert.equal(P(`echo a"b"'c'd`), `echo a+"b"+'c'+d;`);
  assert.equal(P(`echo "line1\nline2"`), 'echo "line1\nline2";');
});

test('parameters: $VAR ${VAR} $? $1 $$ and operators', () => {
  assert.equal(P('echo $HOME ${HOME}x $? $1 $$ $# $@'), 'echo $HOME $HOME+x $? $1 $$ $# $@;');
  assert.equal(P('echo $ a$ $% 5$'), 'echo $ a$ $% 5$;');
  assert.equal(P('echo ${X:-default value} ${X-d} ${X:=v} ${X:?no X} ${X:+alt} ${#X}'), 'echo ${X:-default value} ${X-d} ${X:=v} ${X:?no X} ${X:+alt} ${#X};');
  assert.equal(P('echo ${F%.txt} ${F%%.*} ${F#*/} ${F##*/}'), 'echo ${F%.txt} ${F%%.*} ${F#*/} ${F##*/};');
  assert.equal(P(`echo \${X:-"a b"} \${X:-$Y}`), `echo \${X:-"a b"} \${X:-$Y};`);
  assert.equal(P('echo ${10}'), 'echo $10;');
});

test('command substitution, nested, with pipes and quotes', () => {
  assert.equal(P('echo $(docker port web 5000 | head -n1 | cut -d: -f2)'), 'echo $(docker port web 5000 | head -n1 | cut -d: -f2;);');
  assert.equal(
    P(`curl -s -o /dev/null -w '%{http_code}\\n' localhost:$(docker port web 5000 | head -n1 | cut -d: -f2)`),
    `curl -s -o /dev/null -w '%{http_code}\\n' localhost:+$(docker port web 5000 | head -n1 | cut -d: -f2;);`,
  );
  assert.equal(P('echo "$(echo "a b") c"'), 'echo "$(echo "a b";)+ c";');
  assert.equal(P('echo $(echo $(hostname))'), 'echo $(echo $(hostname;););');
  assert.equal(P('echo `hostname` "`echo \\"x\\"`"'), 'echo `hostname;` "`echo "x";`";');
  assert.equal(P('echo $( (cd /; pwd) )'), 'echo $(( cd /; pwd; ););');
  assert.equal(P('x=$(\n  echo a\n  echo b\n)'), 'x=$(echo a; echo b;);');
  assert.equal(P('echo $(echo a) # $(not parsed'), 'echo $(echo a;);');
});

test('arithmetic expansion', () => {
  assert.equal(P('echo $((1 + 2)) $(($i*2))'), 'echo $((1 + 2)) $(($i+*2));');
  assert.equal(P('echo $(((1+2)*3))'), 'echo $(((1+2)*3));');
});

test('pipelines, lists and background jobs', () => {
  assert.equal(P('a | b | c'), 'a | b | c;');
  assert.equal(P('a; b & c && d || e'), 'a; b & c && d || e;');
  assert.equal(P('a &&\n b ||\n\n c |\n d'), 'a && b || c | d;');
  assert.equal(P('ping -c 1 x & ping -c 1 y & wait'), 'ping -c 1 x & ping -c 1 y & wait;');
  assert.equal(P('! grep -q x f'), '! grep -q x f;');
  assert.equal(P('a\n\nb\n'), 'a; b;');
  const s = parseScript('sleep 1 &');
  assert.equal(s.items[0]?.background, true);
});

test('redirections', () => {
  assert.equal(P('echo a > f >> g < h 2> e 2>&1 >&2 3<&0 >| x 2>&-'), 'echo a 1>f 1>>g 0<h 2>e 2>&1 1>&2 3<&0 1>|x 2>&-;');
  assert.equal(P('>out echo a'), 'echo a 1>out;');
  assert.equal(P('echo a 2>/dev/null | wc -l'), 'echo a 2>/dev/null | wc -l;');
  assert.equal(P('echo a>f'), 'echo a 1>f;');
  assert.equal(P('echo 2 > f'), 'echo 2 1>f;');
  assert.equal(P('cat < "my file"'), 'cat 0<"my file";');
});

test('assignments, export and positions', () => {
  assert.equal(P('A=b B="c d" cmd A=notassign'), 'A=b B="c d" cmd A=notassign;');
  assert.equal(P('A=$(date) B='), 'A=$(date;) B=;');
  assert.equal(P('export A=b'), 'export A=b;');
  assert.equal(P('1A=b'), '1A=b;');
  const c = simple('A=1 B=2');
  assert.deepEqual(c.assignments.map((a) => a.name), ['A', 'B']);
  assert.deepEqual(c.words, []);
  const s = parseScript('echo a\n  echo b');
  const second = s.items[1]?.head.commands[0];
  assert.equal(second?.kind === 'simple' ? second.pos : -1, 9);
});

test('for loops', () => {
  assert.equal(P('for i in 1 2 3; do echo $i; done'), 'for i in 1 2 3 do echo $i; done;');
  assert.equal(P('for i in 1 2 3 4 5 6; do curl -s 192.168.99.101:8000 | grep \'^Hostname: \'; done | sort -u | wc -l'), "for i in 1 2 3 4 5 6 do curl -s 192.168.99.101:8000 | grep '^Hostname: '; done | sort -u | wc -l;");
  assert.equal(P('for x in a b\ndo\n  echo $x\ndone'), 'for x in a b do echo $x; done;');
  assert.equal(P('for x; do echo $x; done'), 'for x do echo $x; done;');
  assert.equal(P('for x in; do echo $x; done'), 'for x in  do echo $x; done;');
  assert.equal(P('for n in $(seq 3); do for m in a b; do echo $n$m; done; done'), 'for n in $(seq 3;) do for m in a b do echo $n+$m; done; done;');
  assert.equal(P('echo for in do done'), 'echo for in do done;');
});

test('if, elif, else; while and until; groups and subshells', () => {
  assert.equal(P('if test -f x; then echo y; fi'), 'if test -f x; then echo y; fi;');
  assert.equal(P('if a; then b; elif c; then d; else e; fi'), 'if a; then b; elif c; then d; else e; fi;');
  assert.equal(P('if a\nthen\n  b\nelse\n  c\nfi > out'), 'if a; then b; else c; fi 1>out;');
  assert.equal(P('while true; do sleep 1; done &'), 'while true; do sleep 1; done &');
  assert.equal(P('until ping -c1 x; do :; done'), 'until ping -c1 x; do :; done;');
  assert.equal(P('{ echo a; echo b; } > f'), '{ echo a; echo b; } 1>f;');
  assert.equal(P('(cd /tmp && ls) | wc -l'), '( cd /tmp && ls; ) | wc -l;');
  assert.equal(P('if ! grep -q a f; then echo no; fi'), 'if ! grep -q a f; then echo no; fi;');
});

test('heredocs: body from the following lines, quoted, <<-, several, and supplied by the caller', () => {
  assert.equal(P('cat > f <<EOF\nhello $USER\n$(hostname)\nEOF\necho done'), 'cat 1>f 0<<[EOF]{"hello +$USER+\n+$(hostname;)+\n"}; echo done;');
  assert.equal(P("cat <<'EOF'\n$x `y`\nEOF"), "cat 0<<q[EOF]{'$x `y`\n'};");
  assert.equal(P('cat <<"E F"\nx\nE F\n'), `cat 0<<q[E F]{'x\n'};`);
  assert.equal(P('cat <<\\EOF\n$x\nEOF'), `cat 0<<q[EOF]{'$x\n'};`);
  assert.equal(P('cat <<-EOF\n\t\tindented\n\tEOF\n'), 'cat 0<<-[EOF]{"indented\n"};');
  assert.equal(P('cat <<EOF\n\\$x \\\\ \\"q\\" a\\\nb\nEOF'), 'cat 0<<[EOF]{"$x \\ \\"q\\" ab\n"};');
  assert.equal(P('cat <<A; cat <<B\na\nA\nb\nB\n'), `cat 0<<[A]{"a\n"}; cat 0<<[B]{"b\n"};`);
  assert.equal(P('cat <<EOF | wc -l\n1\n2\nEOF'), 'cat 0<<[EOF]{"1\n2\n"} | wc -l;');
  assert.equal(P('cat <<EOF\nEOF'), 'cat 0<<[EOF]{""};');
  assert.equal(show(parseScript('cat <<EOF', { heredocs: ['a\nb'] })), 'cat 0<<[EOF]{"a\nb\n"};');
  assert.equal(show(parseScript('cat <<X; cat <<-Y', { heredocs: ['$v', '\tz\n'] })), `cat 0<<[X]{"$v+\n"}; cat 0<<-[Y]{"z\n"};`);
});

test('scanHeredocs finds the operators of a command line, not quoted ones', () => {
  assert.deepEqual(scanHeredocs('cat > f <<EOF'), [{ delimiter: 'EOF', stripTabs: false, quoted: false }]);
  assert.deepEqual(scanHeredocs("cat <<'END' | sh; cat <<-X"), [
    { delimiter: 'END', stripTabs: false, quoted: true },
    { delimiter: 'X', stripTabs: true, quoted: false },
  ]);
  assert.deepEqual(scanHeredocs("echo '<<EOF' \"<<X\" \\<<Y"), []);
  assert.deepEqual(scanHeredocs('echo a'), []);
  // a line that does not parse is scanned with a pattern
  assert.deepEqual(scanHeredocs('cat <<EOF; then'), [{ delimiter: 'EOF', stripTabs: false, quoted: false }]);
});

test('syntax errors read like busybox and say where', () => {
  const e = syntaxError('if true; then\n  then x; fi', 'syntax error: unexpected "then"');
  assert.equal(e.line, 2);
  assert.equal(e.column, 3);
  syntaxError('echo fi; fi', 'syntax error: unexpected "fi"');
  syntaxError('if true; then fi', 'syntax error: unexpected "fi"');
  syntaxError('| wc', 'syntax error: unexpected "|"');
  syntaxError('; echo', 'syntax error: unexpected ";"');
  syntaxError('echo a ;; b', 'syntax error: unexpected ";;"');
  syntaxError('echo >', 'syntax error: unexpected end of file', true);
  syntaxError('echo >\necho', 'syntax error: unexpected newline');
  syntaxError('echo a )', 'syntax error: unexpected ")"');
  syntaxError('()', 'syntax error: unexpected ")"');
  syntaxError('for 1x in a; do b; done', 'syntax error: bad for loop variable');
  syntaxError('echo ${a b}', 'syntax error: bad substitution');
  syntaxError('echo ${}', 'syntax error: bad substitution');
  syntaxError('case x in esac', 'syntax error: "case" is not supported');
  // function definitions are not part of this shell
  syntaxError('f() { echo; }', 'syntax error: unexpected "("');
});

test('incomplete input is marked so a console can ask for more', () => {
  const q = syntaxError("echo 'abc", 'syntax error: unterminated quoted string', true);
  assert.equal(q.offset, 5);
  syntaxError('echo "abc', 'syntax error: unterminated quoted string', true);
  syntaxError('echo `abc', 'syntax error: unterminated quoted string', true);
  syntaxError('echo $(abc', 'syntax error: unexpected end of file (expecting ")")', true);
  syntaxError('echo ${abc', "syntax error: missing '}'", true);
  syntaxError('for i in 1 2; do echo $i', 'syntax error: unexpected end of file (expecting "done")', true);
  syntaxError('if true; then echo', 'syntax error: unexpected end of file (expecting "fi")', true);
  syntaxError('if true', 'syntax error: unexpected end of file (expecting "then")', true);
  syntaxError('while true; do', 'syntax error: unexpected end of file (expecting "done")', true);
  syntaxError('echo a |', 'syntax error: unexpected end of file', true);
  syntaxError('echo a &&', 'syntax error: unexpected end of file', true);
  syntaxError('echo a \\', 'syntax error: unexpected end of file', true);
  syntaxError('{ echo a', 'syntax error: unexpected end of file (expecting "}")', true);
  syntaxError('cat <<EOF', 'syntax error: unexpected end of file (expecting "EOF")', true);
  syntaxError('cat <<EOF\nabc\n', 'syntax error: unexpected end of file (expecting "EOF")', true);
});
