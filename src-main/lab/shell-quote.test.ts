// Quoting for lines typed into a console: bare where sh reads the word literally, single-quoted otherwise.
import assert from 'node:assert/strict';
import test from 'node:test';
import { shellQuote } from './shell-quote.ts';

test('shellQuote: literal words stay bare, the rest are single-quoted with quotes escaped', () => {
  assert.equal(shellQuote('web_1'), 'web_1');
  assert.equal(shellQuote('10.0.0.0/24'), '10.0.0.0/24');
  assert.equal(shellQuote('com.example.tier=front,x@y%z+w:v'), 'com.example.tier=front,x@y%z+w:v');
  assert.equal(shellQuote(''), `''`);
  assert.equal(shellQuote('a b'), `'a b'`);
  assert.equal(shellQuote('$HOME'), `'$HOME'`);
  assert.equal(shellQuote('x;rm -rf /'), `'x;rm -rf /'`);
  assert.equal(shellQuote("it's"), `'it'\\''s'`);
  assert.equal(shellQuote('*'), `'*'`);
});
