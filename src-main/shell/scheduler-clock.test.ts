import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Scheduler } from '../sim/scheduler.ts';
import { SchedulerClock } from './scheduler-clock.ts';

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

test('sleeping commands and engine events interleave in virtual time order', async () => {
  const sched = new Scheduler();
  const clock = new SchedulerClock(sched, settle);
  const log: string[] = [];
  // The engine: an event at 1.5 s and one at 2.5 s.
  sched.schedule(1_500_000_000, () => log.push(`engine@${sched.now}`));
  sched.schedule(2_500_000_000, () => log.push(`engine@${sched.now}`));
  // A command: sleeps 1 s three times, noting the time after each.
  const command = (async () => {
    for (let i = 0; i < 3; i++) {
      await clock.sleep(1_000_000_000);
      log.push(`command@${clock.now()}`);
    }
    return 'done';
  })();
  assert.equal(await clock.complete(command), 'done');
  assert.deepEqual(log, ['command@1000000000', 'engine@1500000000', 'command@2000000000', 'engine@2500000000', 'command@3000000000']);
  assert.equal(sched.now, 3_000_000_000);
});

test('a command woken by an engine event continues at that event time, before later events', async () => {
  const sched = new Scheduler();
  const clock = new SchedulerClock(sched, settle);
  let deliver!: (v: string) => void;
  const reply = new Promise<string>((resolve) => (deliver = resolve));
  sched.schedule(700, () => deliver('pong'));
  const seen: number[] = [];
  sched.schedule(800, () => seen.push(sched.now));
  const command = (async () => {
    const r = await reply;
    seen.push(clock.now()); // must be 700: the reaction runs before the event at 800
    return r;
  })();
  assert.equal(await clock.complete(command), 'pong');
  assert.deepEqual(seen, [700]);
  await clock.advance(1000);
  assert.deepEqual(seen, [700, 800]);
  assert.equal(sched.now, 1700);
});

test('advance runs what is due and moves the clock exactly; complete refuses to hang', async () => {
  const sched = new Scheduler();
  const clock = new SchedulerClock(sched, settle);
  let ran = 0;
  sched.schedule(5, () => ran++);
  sched.schedule(10, () => ran++);
  sched.schedule(11, () => ran++);
  await clock.advance(10);
  assert.equal(ran, 2);
  assert.equal(clock.now(), 10);
  await assert.rejects(clock.complete(new Promise(() => undefined)), /never happen/);
  assert.equal(ran, 3);
});
