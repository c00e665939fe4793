import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DetailNode } from '../../../src-main/common/api/index.ts';
import { ancestors, flatten, fromBase64, hexLines, nodeAtPath, pathAt, toBase64 } from './capture-view.ts';

const n = (label: string, start: number, end: number, children: DetailNode[] = [], source?: number): DetailNode => ({
  label,
  start,
  end,
  children,
  ...(source === undefined ? {} : { source }),
});

const tree: DetailNode[] = [
  n('Frame', 0, 60, [n('len', 0, 0)]),
  n('Ethernet', 0, 14, [n('dst', 0, 6), n('src', 6, 12), n('type', 12, 14)]),
  n('IPv4', 14, 34, [n('flags', 20, 22, [n('df', 20, 21)]), n('reassembled', 0, 4, [], 1)]),
  n('UDP', 34, 60, [n('payload', 42, 60)]),
  n('VXLAN', 42, 50, [n('vni', 46, 49)]),
];

test('flatten shows roots and the children of expanded nodes', () => {
  assert.deepEqual(flatten(tree, new Set()).map((f) => f.path), ['0', '1', '2', '3', '4']);
  const open = flatten(tree, new Set(['2', '2.0']));
  assert.deepEqual(open.map((f) => `${f.path}@${f.depth}`), ['0@0', '1@0', '2@0', '2.0@1', '2.0.0@2', '2.1@1', '3@0', '4@0']);
  assert.equal(open[4]!.parent, '2.0');
  assert.equal(nodeAtPath(tree, '2.0.0')!.label, 'df');
  assert.equal(nodeAtPath(tree, '2.9'), undefined);
  assert.deepEqual(ancestors('2.0.0'), ['2', '2.0']);
});

test('pathAt: the most specific field holding the byte, in the right data source; empty ranges never', () => {
  assert.equal(pathAt(tree, 7), '1.1');
  assert.equal(pathAt(tree, 20), '2.0.0');
  assert.equal(pathAt(tree, 21), '2.0');
  assert.equal(pathAt(tree, 47), '4.0', 'the VNI, not the UDP payload that also spans it');
  assert.equal(pathAt(tree, 55), '3.0');
  assert.equal(pathAt(tree, 2, 1), '2.1');
  assert.equal(pathAt(tree, 99), null);
});

test('hex lines: 16 per line, printable ASCII, dots for the rest; base64 both ways', () => {
  const bytes = new Uint8Array(20).map((_, i) => (i === 0 ? 0x41 : i));
  const lines = hexLines(bytes);
  assert.equal(lines.length, 2);
  assert.equal(lines[1]!.label, '0010');
  assert.equal(lines[0]!.bytes[0]!.ascii, 'A');
  assert.equal(lines[0]!.bytes[1]!.hex, '01');
  assert.equal(lines[0]!.bytes[1]!.ascii, '.');
  const big = new Uint8Array(100_000).map((_, i) => i * 7);
  assert.deepEqual(fromBase64(toBase64(big)), big);
  assert.equal(toBase64(new Uint8Array([1, 2, 3])), 'AQID');
});
