import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Scheduler } from './scheduler.ts';
import { ms, s } from './time.ts';

test('events run in time order; same-time ties in insertion order', () => {
  const sim = new Scheduler();
  const log: string[] = [];
  sim.schedule(ms(2), () => log.push('b@2'));
  sim.schedule(ms(1), () => log.push('a@1'));
  sim.schedule(ms(2), () => log.push('c@2'));
  sim.at(ms(2), () => log.push('d@2'));
  sim.schedule(ms(2), () => log.push('e@2 prio -1'), -1);
  assert.equal(sim.runUntilIdle(), 5);
  assert.deepEqual(log, ['a@1', 'e@2 prio -1', 'b@2', 'c@2', 'd@2']);
  assert.equal(sim.now, ms(2));
  assert.equal(sim.executed, 5);
});

test('an event scheduled for "now" from inside an event runs after the ones already due now', () => {
  const sim = new Scheduler();
  const log: string[] = [];
  sim.schedule(10, () => {
    log.push('x');
    sim.schedule(0, () => log.push('x-child'));
  });
  sim.schedule(10, () => log.push('y'));
  sim.runUntilIdle();
  assert.deepEqual(log, ['x', 'y', 'x-child']);
});

test('cancel by flag: a cancelled event never runs and is not counted', () => {
  const sim = new Scheduler();
  const log: number[] = [];
  const h1 = sim.schedule(1, () => log.push(1));
  const h2 = sim.schedule(2, () => log.push(2));
  sim.schedule(3, () => log.push(3));
  assert.equal(sim.pending, 3);
  assert.equal(h2.cancel(), true);
  assert.equal(h2.cancel(), false); // twice is a no-op
  assert.equal(h2.cancelled, true);
  assert.equal(sim.pending, 2);
  assert.equal(sim.nextTime(), 1);
  h1.cancel();
  assert.equal(sim.nextTime(), 3); // cancelled heads are skipped
  assert.equal(sim.runUntilIdle(), 1);
  assert.deepEqual(log, [3]);
  assert.equal(sim.executed, 1);
  assert.equal(sim.cancelled, 2);
  assert.equal(sim.scheduled, 3);
  assert.equal(sim.idle, true);
});

test('an event may cancel a later one due at the same instant', () => {
  const sim = new Scheduler();
  const log: string[] = [];
  sim.schedule(5, () => {
    log.push('a');
    later.cancel();
  });
  const later = sim.schedule(5, () => log.push('b'));
  sim.runUntilIdle();
  assert.deepEqual(log, ['a']);
  assert.equal(later.ran, false);
});

test('cancel after the event ran is a no-op', () => {
  const sim = new Scheduler();
  const h = sim.schedule(1, () => {});
  sim.step();
  assert.equal(h.ran, true);
  assert.equal(h.cancel(), false);
  assert.equal(sim.cancelled, 0);
});

test('runUntil is inclusive of the boundary and leaves the clock on it', () => {
  const sim = new Scheduler();
  const log: number[] = [];
  for (const t of [ms(1), ms(2), ms(3)]) sim.at(t, () => log.push(sim.now));
  assert.equal(sim.runUntil(ms(2) - 1), 1);
  assert.deepEqual(log, [ms(1)]);
  assert.equal(sim.now, ms(2) - 1);
  assert.equal(sim.runUntil(ms(2)), 1); // exactly at the boundary runs
  assert.equal(sim.now, ms(2));
  assert.equal(sim.runUntil(s(10)), 1);
  assert.equal(sim.now, s(10)); // the clock moves to the target even with nothing left
  assert.deepEqual(log, [ms(1), ms(2), ms(3)]);
  assert.throws(() => sim.runUntil(s(9)), RangeError); // no going back
});

test('runUntil also runs events that events schedule inside the window', () => {
  const sim = new Scheduler();
  let n = 0;
  const tick = (): void => {
    n++;
    sim.schedule(ms(1), tick);
  };
  sim.schedule(0, tick);
  sim.runUntil(ms(10));
  assert.equal(n, 11); // at 0,1,...,10 ms
  assert.equal(sim.pending, 1);
  assert.equal(sim.nextTime(), ms(11));
});

test('runUntil and runUntilIdle limits', () => {
  const sim = new Scheduler();
  for (let i = 1; i <= 10; i++) sim.at(i, () => {});
  assert.equal(sim.runUntil(100, 4), 4);
  assert.equal(sim.now, 4); // stopped early: the clock stays on the last event
  assert.equal(sim.runUntilIdle(3), 3);
  assert.equal(sim.now, 7);
  assert.equal(sim.runUntilIdle(), 3);
  assert.equal(sim.runUntilIdle(), 0);
});

test('step runs one event at a time', () => {
  const sim = new Scheduler();
  const log: string[] = [];
  sim.schedule(2, () => log.push('b'));
  sim.schedule(1, () => log.push('a'));
  assert.equal(sim.step(), true);
  assert.deepEqual(log, ['a']);
  assert.equal(sim.now, 1);
  assert.equal(sim.step(), true);
  assert.equal(sim.step(), false);
  assert.equal(sim.now, 2);
});

test('bad arguments are refused', () => {
  const sim = new Scheduler();
  assert.throws(() => sim.schedule(-1, () => {}), RangeError);
  assert.throws(() => sim.schedule(1.5, () => {}), RangeError);
  assert.throws(() => sim.schedule(Number.NaN, () => {}), RangeError);
  assert.throws(() => sim.schedule(1, () => {}, 0.5), RangeError);
  sim.runUntil(10);
  assert.throws(() => sim.at(9, () => {}), RangeError);
});

test('the kernel is not re-entrant', () => {
  const sim = new Scheduler();
  sim.schedule(1, () => sim.step());
  assert.throws(() => sim.runUntilIdle(), /not re-entrant/);
  // It recovers: the throwing event was consumed and the scheduler is usable again.
  sim.schedule(1, () => {});
  assert.equal(sim.runUntilIdle(), 1);
});

test('an exception from an event propagates and leaves the scheduler consistent', () => {
  const sim = new Scheduler();
  const log: string[] = [];
  sim.schedule(1, () => {
    throw new Error('boom');
  });
  sim.schedule(2, () => log.push('after'));
  assert.throws(() => sim.runUntilIdle(), /boom/);
  assert.equal(sim.now, 1);
  assert.equal(sim.pending, 1);
  sim.runUntilIdle();
  assert.deepEqual(log, ['after']);
});

test('two schedulers in one process share nothing', () => {
  const a = new Scheduler();
  const b = new Scheduler();
  const log: string[] = [];
  a.schedule(ms(5), () => log.push(`a@${a.now}`));
  b.schedule(ms(1), () => log.push(`b@${b.now}`));
  a.runUntilIdle();
  assert.equal(b.now, 0);
  assert.equal(b.pending, 1);
  assert.equal(a.executed, 1);
  assert.equal(b.executed, 0);
  b.runUntilIdle();
  assert.deepEqual(log, [`a@${ms(5)}`, `b@${ms(1)}`]);
  // An event of one may drive the other without interference.
  a.schedule(1, () => b.runUntil(b.now + 100));
  b.schedule(50, () => log.push('b inner'));
  a.runUntilIdle();
  assert.equal(log.at(-1), 'b inner');
  // A handle cancels only in its own scheduler.
  const h = a.schedule(1, () => {});
  b.schedule(1, () => {});
  h.cancel();
  assert.equal(a.pending, 0);
  assert.equal(b.pending, 1);
});

test('a million events run in order and quickly enough', () => {
  const sim = new Scheduler();
  let last = -1;
  let ok = true;
  const N = 1_000_000;
  let count = 0;
  const fn = (): void => {
    if (sim.now < last) ok = false;
    last = sim.now;
    count++;
  };
  // A pseudo-random pattern of times, no randomness source needed.
  for (let i = 0; i < N; i++) sim.at((i * 7919) % 100_003, fn);
  sim.runUntilIdle();
  assert.equal(ok, true);
  assert.equal(count, N);
});
