import type { App } from '@slack/bolt';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { tickWhenQuiet, wakeAtNextDue } from '../../src/scheduler/cron.js';
import { watchAcks } from '../../src/slack/acks.js';

/** A wake-up whose tick records when it ran and arms again, as the scheduler's does after each claim. */
function wakeWith(nextDueIn: () => number | null) {
  const ticks: number[] = [];
  const wake = wakeAtNextDue(async () => {
    ticks.push(Date.now());
    wake.arm();
  }, nextDueIn);
  return { wake, ticks };
}

describe('the wake-up between cron ticks', () => {
  beforeEach(() => vi.useFakeTimers({ now: 0 }));
  afterEach(() => vi.useRealTimers());

  it('ticks when the next pending job is due', () => {
    let due = 300;
    const { wake, ticks } = wakeWith(() => (due === Number.POSITIVE_INFINITY ? null : due - Date.now()));
    wake.arm();
    vi.advanceTimersByTime(299);
    expect(ticks).toEqual([]);
    due = Number.POSITIVE_INFINITY; // sent by that tick
    vi.advanceTimersByTime(1);
    expect(ticks).toEqual([300]);
    vi.advanceTimersByTime(60_000);
    expect(ticks).toEqual([300]);
    wake.stop();
  });

  it('a job that came due after the tick claimed is woken for at once, not a second later', () => {
    // The tick claimed just before the job's time; by the time it arms the job is due.
    let pending = true;
    const { wake, ticks } = wakeWith(() => (pending ? -2 : null));
    wake.arm();
    pending = false; // the tick it sets off sends the job
    vi.advanceTimersByTime(0);
    expect(ticks).toEqual([0]);
    wake.stop();
  });

  it('a job left pending though due (its thread not there yet) is looked at once a second, not in a loop', () => {
    const { wake, ticks } = wakeWith(() => -5_000);
    wake.arm();
    vi.advanceTimersByTime(3_000);
    expect(ticks).toEqual([0, 1_000, 2_000, 3_000]);
    wake.stop();
  });

  it('nothing pending, or the next job after the next cron tick: no timer', () => {
    for (const next of [null, 20_000]) {
      const { wake, ticks } = wakeWith(() => next);
      wake.arm();
      vi.advanceTimersByTime(30_000);
      expect(ticks).toEqual([]);
      wake.stop();
    }
  });
});

describe('the tick a change asks for', () => {
  type Event = Parameters<App['processEvent']>[0];
  const turns = async (n: number) => {
    for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
  };

  it('runs once the burst of requests it came in is answered, once for all of their asks', async () => {
    const order: string[] = [];
    const form = () => ({ body: {}, ack: async () => void order.push('answered') }) as unknown as Event;
    // Each form's write plans its announcement (due now) and asks for a tick; its answer waits for the disk.
    const app = {
      processEvent: async (event: Event) => {
        ticks.ask();
        await turns(2);
        await event.ack();
      },
    } as unknown as App;
    const acks = watchAcks(app, { lullMs: 0 });
    const ticks = tickWhenQuiet(
      () => acks.quiet(60_000),
      async () => void order.push('tick'),
    );
    await Promise.all(Array.from({ length: 5 }, () => app.processEvent(form())));
    await turns(3);
    expect(order).toEqual([...Array(5).fill('answered'), 'tick']);
    expect(ticks.waiting()).toBeNull();
    // Asked again once quiet: a tick of its own, at once.
    ticks.ask();
    await turns(1);
    expect(order.at(-1)).toBe('tick');
    expect(order.filter((o) => o === 'tick')).toHaveLength(2);
  });
});
