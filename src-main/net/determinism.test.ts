// Same seed → byte-identical capture files; another seed → other random values (IP IDs, echo ids).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bytesEqual } from '../common/wire/bytes.ts';
import * as ipv4 from '../common/wire/ipv4.ts';
import { runDocker0 } from './reference-scenarios.ts';

test('determinism: the same seed gives byte-identical pcap and pcapng files', () => {
  const a = runDocker0(42);
  const b = runDocker0(42);
  assert.ok(bytesEqual(a.cap.toPcap(), b.cap.toPcap()));
  assert.ok(bytesEqual(a.cap.toPcapng(), b.cap.toPcapng()));
  assert.equal(a.lab.scheduler.executed, b.lab.scheduler.executed);
});

test('determinism: a different seed gives different IP IDs', () => {
  const ids = (seed: number) =>
    runDocker0(seed)
      .cap.frames.filter((f) => f.data[12] === 0x08 && f.data[13] === 0x00 && f.data[23] === 1)
      .map((f) => ipv4.parse(f.data.subarray(14)).identification);
  const x = ids(42);
  const y = ids(43);
  assert.equal(x.length, 10);
  assert.notDeepEqual(x, y);
});
