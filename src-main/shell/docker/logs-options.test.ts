import assert from 'node:assert/strict';
import test from 'node:test';
import { clientTimestamp, formatMessage, parseDaemonTimestamp, parseGoDuration, parseGoTime, rfc3339NanoFixed, selectMessages, TimestampError, type LogMessage } from './logs-options.ts';

const S = 1_000_000_000n;
const at = (iso: string, nanos = 0n): bigint => BigInt(Date.parse(iso) / 1000) * S + nanos;

test('Go durations: units, fractions, signs, and what Go refuses', () => {
  assert.equal(parseGoDuration('10m'), 600e9);
  assert.equal(parseGoDuration('1h30m'), 5400e9);
  assert.equal(parseGoDuration('1.5h'), 5400e9);
  assert.equal(parseGoDuration('.5s'), 0.5e9);
  assert.equal(parseGoDuration('-1h'), -3600e9);
  assert.equal(parseGoDuration('300ms'), 300e6);
  assert.equal(parseGoDuration('2µs'), 2000);
  assert.equal(parseGoDuration('0'), 0);
  for (const bad of ['', '3d', '10', 'm', '1e3s', '.s', '1h-2m', 'toString']) assert.equal(parseGoDuration(bad), undefined, bad);
});

test('time.Parse of the layouts GetTimestamp picks, with Go’s errors', () => {
  assert.equal(parseGoTime('2006-01-02', '2024-02-29'), at('2024-02-29T00:00:00Z'));
  assert.equal(parseGoTime('2006-01-02T15:04:05Z07:00', '2024-01-01T10:00:00+02:00'), at('2024-01-01T08:00:00Z'));
  assert.equal(parseGoTime('2006-01-02T15:04:05.999999999Z07:00', '2024-01-01T10:00:00.25Z'), at('2024-01-01T10:00:00Z', 250_000_000n));
  // A fraction the layout does not have is read after the seconds anyway.
  assert.equal(parseGoTime('2006-01-02T15:04:05', '2024-01-01T10:00:00.000000001'), at('2024-01-01T10:00:00Z', 1n));
  assert.equal(parseGoTime('2006-01-02T15', '2024-01-01T7'), at('2024-01-01T07:00:00Z'));
  assert.equal(parseGoTime('2006-01-02', '2013-13-01'), 'parsing time "2013-13-01": month out of range');
  assert.equal(parseGoTime('2006-01-02', '2023-02-29'), 'parsing time "2023-02-29": day out of range');
  assert.equal(parseGoTime('2006-01-02T15:04', '2024-01-01T24:00'), 'parsing time "2024-01-01T24:00": hour out of range');
  assert.equal(parseGoTime('2006-01-02', '2013-1-01'), 'parsing time "2013-1-01" as "2006-01-02": cannot parse "1-01" as "01"');
  assert.equal(parseGoTime('2006-01-02', '13-01-01'), 'parsing time "13-01-01" as "2006-01-02": cannot parse "13-01-01" as "2006"');
  assert.equal(parseGoTime('2006-01-02', '2013/01/01'), 'parsing time "2013/01/01" as "2006-01-02": cannot parse "/01/01" as "-"');
  assert.equal(parseGoTime('2006-01-02', '2024-01-01x'), 'parsing time "2024-01-01x": extra text: "x"');
  assert.equal(parseGoTime('2006-01-02Z07:00', '2024-01-01+0100'), 'parsing time "2024-01-01+0100" as "2006-01-02Z07:00": cannot parse "+0100" as "Z07:00"');
});

test('the client’s GetTimestamp: durations back from now in whole seconds, times, dates, Unix times', () => {
  const now = at('2025-01-01T00:01:00Z', 700_000_000n);
  assert.equal(clientTimestamp('10s', now), at('2025-01-01T00:00:50Z'));
  assert.equal(clientTimestamp('-1h', now), at('2025-01-01T01:01:00Z'));
  assert.equal(clientTimestamp('2024-06-01', now), at('2024-06-01T00:00:00Z'));
  assert.equal(clientTimestamp('2024-06-01T12:30', now), at('2024-06-01T12:30:00Z'));
  assert.equal(clientTimestamp('2024-06-01T12:30:05.5+01:00', now), at('2024-06-01T11:30:05Z', 500_000_000n));
  assert.equal(clientTimestamp('1735689605.5', now), at('2025-01-01T00:00:05Z', 500_000_000n));
  assert.equal(clientTimestamp('0', now), 0n);
  assert.throws(() => clientTimestamp('x', now), (e: unknown) => e instanceof TimestampError && e.message === 'failed to parse value as time or duration: "x"');
  assert.throws(() => clientTimestamp('2013-13-01', now), /month out of range/);
  assert.equal(parseDaemonTimestamp('12.345'), 12n * S + 345_000_000n);
  assert.equal(parseDaemonTimestamp('12.x'), undefined);
});

test('messages: tail before since and until, then details and the timestamp in front', () => {
  const m = (text: string, sec: number): LogMessage => ({ stream: 'stdout', text, ns: BigInt(sec) * S });
  const log = [m('a\n', 10), m('b\n', 20), m('c\n', 30), m('d', 40)];
  const texts = (o: Parameters<typeof selectMessages>[1]) => selectMessages(log, o).map((x) => x.text).join('');
  const plain = { timestamps: false, details: false };
  assert.equal(texts({ ...plain, tail: '2', since: 15n * S }), 'c\nd');
  assert.equal(texts({ ...plain, tail: '2', since: 35n * S }), 'd');
  assert.equal(texts({ ...plain, since: 20n * S, until: 30n * S }), 'b\nc\n');
  assert.equal(texts({ ...plain, tail: '0' }), '');
  assert.equal(texts({ ...plain, tail: '-3' }), 'a\nb\nc\nd');
  assert.equal(texts({ ...plain, tail: 'many' }), 'a\nb\nc\nd');
  assert.equal(formatMessage(log[1]!, { timestamps: true, details: true }), '1970-01-01T00:00:20.000000000Z  b\n');
  assert.equal(rfc3339NanoFixed(at('2025-01-01T00:00:02Z', 5n)), '2025-01-01T00:00:02.000000005Z');
});
