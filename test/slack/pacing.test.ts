import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPacer, createUrgency, type Pace, type Urgency } from '../../src/slack/pacing.js';

const PACE: Pace = { burst: 3, intervalMs: 1_000, minuteMs: 60_000 };

beforeEach(() => {
  vi.useFakeTimers({ now: 0 });
});
afterEach(() => {
  vi.useRealTimers();
});

/** Asks for `n` turns of `method`; records when each was given (ms on the fake clock). */
function ask(pacer: ReturnType<typeof createPacer>, method: string, n: number, channel?: string, urgency?: Urgency) {
  const at: number[] = [];
  const done = Array.from({ length: n }, () =>
    pacer.turn(method, { ...(channel === undefined ? {} : { channel }), urgency }).then(() => at.push(Date.now())),
  );
  return { at, done: Promise.all(done) };
}

/** The most calls in any window of `ms` among the times given. */
function mostWithin(times: number[], ms: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; j < sorted.length; j++) {
    while (sorted[j]! - sorted[i]! >= ms) i++;
    most = Math.max(most, j - i + 1);
  }
  return most;
}

describe('the pacer', { timeout: 10_000 }, () => {
  it('keeps a Tier 3 method under Slack’s 50 a minute in every window, with a margin', async () => {
    const pacer = createPacer(PACE, () => Date.now());
    const updates = ask(pacer, 'chat.update', 140);
    await vi.advanceTimersByTimeAsync(0);
    expect(updates.at).toHaveLength(45);
    await vi.advanceTimersByTimeAsync(3 * 60_000);
    await updates.done;
    expect(updates.at).toHaveLength(140);
    expect(mostWithin(updates.at, 60_000)).toBeLessThanOrEqual(45);
  });

  it('gives each method a lane of its own: a chat.update backlog holds no views.publish or ephemeral', async () => {
    const pacer = createPacer(PACE, () => Date.now());
    const updates = ask(pacer, 'chat.update', 100);
    await vi.advanceTimersByTimeAsync(10);
    const publish = ask(pacer, 'views.publish', 1);
    const ephemeral = ask(pacer, 'chat.postEphemeral', 1);
    await vi.advanceTimersByTimeAsync(0);
    expect(publish.at).toEqual([10]);
    expect(ephemeral.at).toEqual([10]);
    expect(updates.at).toHaveLength(45);
    await vi.advanceTimersByTimeAsync(2 * 60_000);
    await updates.done;
  });

  it('paces posts per channel: a burst, then one per interval; another channel is not held up', async () => {
    const pacer = createPacer(PACE, () => Date.now());
    const busy = ask(pacer, 'chat.postMessage', 6, 'CBUSY');
    await vi.advanceTimersByTimeAsync(0);
    const quiet = ask(pacer, 'chat.postMessage', 1, 'CQUIET');
    await vi.advanceTimersByTimeAsync(0);
    expect(quiet.at).toEqual([0]);
    await vi.advanceTimersByTimeAsync(5_000);
    await busy.done;
    expect(busy.at).toEqual([0, 0, 0, 1_000, 2_000, 3_000]);
  });

  it('counts an edit against its channel’s pace as well as its method’s tier', async () => {
    const pacer = createPacer(PACE, () => Date.now());
    const edits = ask(pacer, 'chat.update', 4, 'C1');
    await vi.advanceTimersByTimeAsync(2_000);
    await edits.done;
    expect(edits.at).toEqual([0, 0, 0, 1_000]);
  });

  it('lets a person’s call go before background work, which fills only part of the minute', async () => {
    const pacer = createPacer(PACE, () => Date.now());
    const background = createUrgency(false);
    const backlog = ask(pacer, 'chat.update', 60, undefined, background);
    await vi.advanceTimersByTimeAsync(0);
    // 70% of the 45 Liftoff allows itself: the rest is kept for clicks.
    expect(backlog.at).toHaveLength(31);
    const click = ask(pacer, 'chat.update', 5);
    await vi.advanceTimersByTimeAsync(0);
    expect(click.at).toEqual([0, 0, 0, 0, 0]);
    await vi.advanceTimersByTimeAsync(3 * 60_000);
    await backlog.done;
  });

  it('leaves a channel’s last turn to a person: a timer redraw never makes a due notice or a click wait for the next second', async () => {
    const pacer = createPacer({ burst: 2, intervalMs: 1_100, minuteMs: 60_000 }, () => Date.now());
    const background = createUrgency(false);
    const redraws = ask(pacer, 'chat.update', 3, 'C1', background);
    await vi.advanceTimersByTimeAsync(0);
    // The channel is full (two turns): one background edit goes, the last turn stays.
    expect(redraws.at).toEqual([0]);
    const notice = ask(pacer, 'chat.postMessage', 1, 'C1');
    await vi.advanceTimersByTimeAsync(0);
    expect(notice.at).toEqual([0]);
    // Background edits go again only once a turn beyond the last has come back (1.1 s a turn).
    await vi.advanceTimersByTimeAsync(5_000);
    await redraws.done;
    expect(redraws.at).toEqual([0, 2_200, 3_300]);
    // Another channel is not held by it.
    const other = ask(pacer, 'chat.update', 1, 'C2', background);
    await vi.advanceTimersByTimeAsync(0);
    expect(other.at).toEqual([5_000]);
  });

  it('says how many background calls would go out now: the share left, less what waits, none while paused', async () => {
    const pacer = createPacer(PACE, () => Date.now());
    expect(pacer.backgroundRoom('chat.update')).toBe(31);
    const background = createUrgency(false);
    const first = ask(pacer, 'chat.update', 20, undefined, background);
    await vi.advanceTimersByTimeAsync(0);
    expect(first.at).toHaveLength(20);
    expect(pacer.backgroundRoom('chat.update')).toBe(11);
    // A person's calls count too: the minute is shared.
    await ask(pacer, 'chat.update', 5).done;
    expect(pacer.backgroundRoom('chat.update')).toBe(6);
    // Calls asked for and still waiting (here: their channel's turn) go first.
    const queued = ask(pacer, 'chat.update', 6, 'C1', background);
    await vi.advanceTimersByTimeAsync(0);
    // Two of the channel's burst of three: its last turn is left to what a person does.
    expect(queued.at).toHaveLength(2);
    expect(pacer.backgroundRoom('chat.update')).toBe(0);
    await vi.advanceTimersByTimeAsync(5_000);
    await queued.done;
    expect(pacer.backgroundRoom('chat.update')).toBe(0);
    // A minute after they went, the minute is free again.
    await vi.advanceTimersByTimeAsync(60_000);
    expect(pacer.backgroundRoom('chat.update')).toBe(31);
    pacer.pause('chat.update', 3_000);
    expect(pacer.backgroundRoom('chat.update')).toBe(0);
    // A method without a tier is never short of room.
    expect(pacer.backgroundRoom('chat.postMessage')).toBe(Number.POSITIVE_INFINITY);
  });

  it('serves a waiting urgent call before the background calls queued ahead of it', async () => {
    // One call a minute (2 with the margin taken off).
    const pacer = createPacer(PACE, () => Date.now(), { 'chat.update': 2 });
    const order: string[] = [];
    const background = createUrgency(false);
    const backlog = Promise.all(
      ['b1', 'b2', 'b3'].map((k) => pacer.turn('chat.update', { urgency: background }).then(() => order.push(k))),
    );
    await vi.advanceTimersByTimeAsync(0);
    expect(order).toEqual(['b1']);
    const click = pacer.turn('chat.update').then(() => order.push('click'));
    await vi.advanceTimersByTimeAsync(200_000);
    await Promise.all([backlog, click]);
    expect(order).toEqual(['b1', 'click', 'b2', 'b3']);
  });

  it('moves a waiting background call ahead when a person’s change catches up with it (raise)', async () => {
    // Two calls a minute, of which background work may use one.
    const pacer = createPacer(PACE, () => Date.now(), { 'chat.update': 3 });
    const order: string[] = [];
    const others = createUrgency(false);
    const mine = createUrgency(false);
    const first = Promise.all(
      ['o1', 'o2'].map((k) => pacer.turn('chat.update', { urgency: others }).then(() => order.push(k))),
    );
    const later = pacer.turn('chat.update', { urgency: mine }).then(() => order.push('mine'));
    await vi.advanceTimersByTimeAsync(0);
    expect(order).toEqual(['o1']);
    mine.raise();
    await vi.advanceTimersByTimeAsync(0);
    // Urgent calls may use the whole allowance: it goes at once.
    expect(order).toEqual(['o1', 'mine']);
    await vi.advanceTimersByTimeAsync(120_000);
    await Promise.all([first, later]);
    expect(order).toEqual(['o1', 'mine', 'o2']);
  });

  it('pauses only the method Slack answered 429 for, and a post’s 429 only its channel', async () => {
    const pacer = createPacer(PACE, () => Date.now());
    pacer.pause('chat.update', 3_000);
    pacer.pause('chat.postMessage', 3_000, 'CLIMITED');
    const update = ask(pacer, 'chat.update', 1);
    const publish = ask(pacer, 'views.publish', 1);
    const limited = ask(pacer, 'chat.postMessage', 1, 'CLIMITED');
    const other = ask(pacer, 'chat.postMessage', 1, 'COTHER');
    await vi.advanceTimersByTimeAsync(0);
    expect(publish.at).toEqual([0]);
    expect(other.at).toEqual([0]);
    expect(update.at).toEqual([]);
    await vi.advanceTimersByTimeAsync(3_000);
    expect(update.at).toEqual([3_000]);
    expect(limited.at).toEqual([3_000]);
  });

  it('refuses, as a 429 would, a call that could not be served within its longest wait', async () => {
    const pacer = createPacer(PACE, () => Date.now(), { 'views.open': 2 });
    await pacer.turn('views.open', { maxWaitMs: 1_000 });
    const full = pacer.turn('views.open', { maxWaitMs: 1_000 });
    const refused = expect(full).rejects.toMatchObject({ code: 'slack_webapi_rate_limited_error' });
    await vi.advanceTimersByTimeAsync(1_000);
    await refused;
    // Paused longer than the caller can wait: refused at once.
    pacer.pause('views.publish', 30_000);
    await expect(pacer.turn('views.publish', { maxWaitMs: 1_000 })).rejects.toMatchObject({ retryAfter: 30 });
    // Within the wait: served.
    pacer.pause('chat.postEphemeral', 500);
    const soon = pacer.turn('chat.postEphemeral', { maxWaitMs: 1_000 });
    await vi.advanceTimersByTimeAsync(500);
    await expect(soon).resolves.toBeTypeOf('function');
  });

  it('counts a call in its minute from when Slack answered: a late answer holds its place until it comes', async () => {
    const pacer = createPacer(PACE, () => Date.now(), { 'chat.update': 2 });
    // A limit of 2 a minute is 1 with the margin: the first call takes the minute's only place.
    const first = await pacer.turn('chat.update');
    // Slack answers the first call 5 s later (a slow network): the minute counts from then.
    await vi.advanceTimersByTimeAsync(5_000);
    first();
    const next = ask(pacer, 'chat.update', 1);
    await vi.advanceTimersByTimeAsync(60_000 - 1);
    expect(next.at).toEqual([]);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(next.at).toEqual([65_000]);
  });

  it('with pacing turned off, lets every call through at once', async () => {
    const pacer = createPacer({ burst: 3, intervalMs: 0, minuteMs: 0 }, () => Date.now());
    const updates = ask(pacer, 'chat.update', 200, 'C1');
    await vi.advanceTimersByTimeAsync(0);
    expect(updates.at).toHaveLength(200);
  });
});
