import assert from 'node:assert/strict';
import { test } from 'node:test';
import { columns, commonPrefix, LineEditor, splitKeys, visibleLength } from './line-editor.ts';

test('keys: escape sequences stay whole, characters are code points', () => {
  assert.deepEqual(splitKeys('ab\x1b[A\x1b[3~\x1bOH\r😀\x03'), ['a', 'b', '\x1b[A', '\x1b[3~', '\x1bOH', '\r', '😀', '\x03']);
  assert.equal(visibleLength('\x1b[1;32muser@ws\x1b[0m:~$ '), 11);
});

test('typing, moving and deleting edit the line at the cursor', () => {
  const e = new LineEditor(80);
  e.begin('$ ');
  e.insert('docker ps');
  e.home();
  e.insert('sudo ');
  assert.equal(e.line, 'sudo docker ps');
  e.end();
  e.backspace();
  e.move(-1);
  e.deleteForward();
  assert.equal(e.line, 'sudo docker ');
  e.killWordBefore();
  assert.equal(e.line, 'sudo ');
  e.setLine('a b c', 2);
  e.killAfter();
  assert.equal(e.line, 'a ');
  e.insert('x');
  e.home();
  e.move(1);
  e.killBefore();
  assert.deepEqual([e.line, e.cursor], [' x', 0]);
  e.word(1);
  assert.equal(e.cursor, 2);
});

test('the drawing puts the cursor right, also when the line wraps', () => {
  const e = new LineEditor(10);
  assert.equal(e.begin('$ '), '\r\x1b[J$ \r\x1b[2C');
  // 2 + 8 = 10 characters: exactly a row; the cursor goes to the next row's start.
  assert.equal(e.insert('12345678'), '\r\x1b[J$ 12345678\r\n\r');
  // Home from row 1 back to column 2 of row 0; the next draw starts by going up no rows.
  assert.equal(e.home(), '\x1b[1A\r\x1b[J$ 12345678\r\n\x1b[1A\r\x1b[2C');
  assert.equal(e.end(), '\r\x1b[J$ 12345678\r\n\r');
  assert.equal(e.insert('9'), '\x1b[1A\r\x1b[J$ 123456789\r\x1b[1C');
  const { line, output } = e.accept();
  assert.equal(line, '123456789');
  assert.equal(output, '\r\n');
});

test('history: up and down, the draft kept, repeats and blanks not recorded', () => {
  const e = new LineEditor();
  for (const l of ['one', 'two', 'two', '  ']) {
    e.begin('$ ');
    e.insert(l);
    e.accept();
  }
  assert.deepEqual(e.history, ['one', 'two']);
  e.begin('$ ');
  e.insert('dra');
  e.recall(-1);
  assert.equal(e.line, 'two');
  e.recall(-1);
  assert.equal(e.line, 'one');
  assert.equal(e.recall(-1), '');
  e.recall(1);
  e.recall(1);
  assert.equal(e.line, 'dra');
});

test('completion helpers', () => {
  assert.equal(commonPrefix(['network', 'netw', 'net']), 'net');
  assert.equal(commonPrefix([]), '');
  assert.equal(columns(['aa', 'bbbb', 'c'], 14), 'aa    c\r\nbbbb\r\n');
});
