import { test } from 'node:test';
import assert from 'node:assert/strict';
import { paced, runAsFastAsPossible } from './pacer.ts';
import { Scheduler } from './scheduler.ts';
import { ms, s } from './time.ts';

/** A fake wall clock: sleeping advances it, nothing real waits. */
function fakeWall(): { now: () => number; sleep: (d: number) => Promise<void>; sleeps: number[] } {
  let t = 1000;
  const sleeps: number[] = [];
  return {
    now: () => t,
    sleep: async (d) => {
      sleeps.push(d);
      t += d;
    },
    sleeps,
  };
}

test('as fast as possible: runs to the target in slices, yielding between them', async () => {
  const sim = new Scheduler();
  for (let i = 1; i <= 25; i++) sim.at(ms(i), () => {});
  let yields = 0;
  const pacer = runAsFastAsPossible({
    sliceEvents: 10,
    yieldTo: async () => {
      yields++;
    },
  });
  const r = await pacer.run(sim, ms(20));
  assert.deepEqual(r, { events: 20, reason: 'reached' });
  assert.equal(sim.now, ms(20));
  assert.equal(yields, 1);
  const r2 = await pacer.run(sim, Infinity);
  assert.deepEqual(r2, { events: 5, reason: 'idle' });
  assert.equal(sim.now, ms(25));
});

test('as fast as possible: stops on the signal', async () => {
  const sim = new Scheduler();
  const signal = { aborted: false };
  const tick = (): void => {
    sim.schedule(ms(1), tick);
  };
  sim.schedule(0, tick);
  const r = await runAsFastAsPossible({ sliceEvents: 100, yieldTo: async () => void (signal.aborted = true) }).run(sim, Infinity, signal);
  assert.deepEqual(r, { events: 100, reason: 'stopped' });
});

test('paced: virtual time follows the injected wall clock times the speed factor', async () => {
  const sim = new Scheduler();
  const seen: [number, number][] = [];
  const wall = fakeWall();
  for (const t of [ms(100), ms(250), s(1)]) sim.at(t, () => seen.push([sim.now, wall.now() - 1000]));
  const r = await paced(0.5, wall.now, wall.sleep, { maxSleepMs: 1000 }).run(sim, s(1));
  assert.equal(r.reason, 'reached');
  assert.equal(r.events, 3);
  // At half speed, virtual 100 ms is due at wall 200 ms, 250 ms at 500 ms, 1 s at 2000 ms.
  assert.deepEqual(seen, [
    [ms(100), 200],
    [ms(250), 500],
    [s(1), 2000],
  ]);
  assert.equal(sim.now, s(1));
});

test('paced: long waits are cut into maxSleep pieces and a stop is noticed', async () => {
  const sim = new Scheduler();
  sim.at(s(10), () => {});
  const wall = fakeWall();
  const signal = { aborted: false };
  const sleep = async (d: number): Promise<void> => {
    await wall.sleep(d);
    if (wall.sleeps.length === 3) signal.aborted = true;
  };
  const r = await paced(1, wall.now, sleep, { maxSleepMs: 50 }).run(sim, Infinity, signal);
  assert.deepEqual(r, { events: 0, reason: 'stopped' });
  assert.deepEqual(wall.sleeps, [50, 50, 50]);
  assert.ok(sim.now > 0 && sim.now <= ms(150));
});

test('paced: refuses a bad speed factor', () => {
  assert.throws(() => paced(0, () => 0, async () => {}), RangeError);
  assert.throws(() => paced(Infinity, () => 0, async () => {}), RangeError);
});

test('paced with settle: what an event wakes runs before the next event, at that event\'s time', async () => {
  const sim = new Scheduler();
  const wall = fakeWall();
  const log: string[] = [];
  const sleepV = (d: number): Promise<void> => new Promise((r) => void sim.schedule(d, r));
  // A "command": sleeps 1 s, then schedules its next wait from the time it woke at (no drift).
  void (async () => {
    for (let i = 0; i < 3; i++) {
      await sleepV(s(1));
      log.push(`woke at ${sim.now / 1e6} ms`);
    }
  })();
  let settles = 0;
  const settle = async (): Promise<void> => {
    settles++;
    await new Promise<void>((r) => setImmediate(r));
  };
  const r = await paced(1, wall.now, wall.sleep, { maxSleepMs: 5000, settle }).run(sim, s(3));
  assert.equal(r.reason, 'reached');
  assert.deepEqual(log, ['woke at 1000 ms', 'woke at 2000 ms', 'woke at 3000 ms']);
  assert.equal(settles, 3);
  assert.equal(sim.now, s(3));
});
