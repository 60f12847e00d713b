/**
 * The communication plan while a phase runs: restarts in the middle of the
 * phase (a new app instance on the same database file) neither lose nor repeat
 * a progress update or the overrun alert, and the phase timer keeps moving;
 * the timer's redraws stay within the per-message update bound.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { itemsOfStage } from '../../src/core/template/items.js';
import { ActionId } from '../../src/slack/ids.js';
import { fakeClock } from '../support/clock.js';
import { mrkdwnOf, press, startDeployment, textOf } from '../support/flows.js';
import { CHANNELS, PEOPLE, startHarness, type Harness } from '../support/harness.js';
import { overrideGate } from '../rollback/helpers.js';
import { announceNotices, HOUR, jobsOf, MIN, stateOf, threadNotices, tickAt } from '../support/schedule.js';

let h: Harness;
const t0 = Math.floor(Date.now() / MIN) * MIN;
const windowStart = t0 + 30 * MIN;
const windowEnd = windowStart + 2 * HOUR; // the one phase of the standard release shares it: 2 h planned

beforeEach(async () => {
  h = await startHarness({ clock: fakeClock(t0), slackFollowsClock: true });
});
afterEach(async () => {
  await h.stop();
});

/** A standard release whose phase started at the window's start; returns its id and the phase message's ts. */
async function running(announce = true) {
  const { id } = await startDeployment(h, {
    windowStart: windowStart / 1000,
    windowEnd: windowEnd / 1000,
    ...(announce ? { announce: CHANNELS.announce } : {}),
  });
  await overrideGate(h, id, 'start');
  h.clock.set(windowStart);
  const phase = stateOf(h, id).plan.phases[0]!;
  await press(h, PEOPLE.deployer, ActionId.startPhase, { d: id, p: phase.id });
  const ts = h.query<{ ts: string }>(
    "SELECT ts FROM messages WHERE deployment_id = ? AND key LIKE 'phase:%' ORDER BY key LIMIT 1",
    id,
  )[0]!.ts;
  return { id, phase, ts };
}

/** Ticks every 5 minutes from `from` to `to` (minutes after the window's start), inclusive. */
async function ticksBetween(from: number, to: number) {
  for (let m = from; m <= to; m += 5) await tickAt(h, windowStart + m * MIN);
}

/** When each notice with a job key was posted (fake clock), by key. */
const postedAt = () =>
  h.fake.calls
    .filter((c) => c.method === 'chat.postMessage' && c.response.ok && c.args.metadata?.event_type === 'liftoff_notice')
    .map((c) => ({ key: String(c.args.metadata.event_payload.job), at: c.at }));

describe('a restart in the middle of a running phase', () => {
  it('progress keeps its cadence, nothing lost or repeated; one overrun alert; the timer keeps moving', async () => {
    const { id, ts } = await running();
    const timer = () => textOf(h.fake.message(CHANNELS.deploys, ts)!);
    await ticksBetween(0, 50);
    expect(threadNotices(h, id, 'progress')).toHaveLength(1);

    await h.restart(); // 50 min in: between the first and the second progress update
    await tickAt(h, windowStart + 55 * MIN);
    expect(timer()).toContain('Running for 55 min of 2 h 00 min planned');
    await ticksBetween(60, 115);

    h.clock.set(windowStart + 118 * MIN);
    await h.restart(); // just before the phase runs over its plan
    await ticksBetween(120, 125);
    expect(threadNotices(h, id, 'overrun')).toHaveLength(1);

    h.clock.set(windowStart + 126 * MIN);
    await h.restart(); // just after the overrun alert was sent
    await ticksBetween(130, 150);

    // Progress: every 30 min on the dot, in the thread and one line in the announcement channel, each once.
    const expected = [1, 2, 3, 4, 5];
    const progress = postedAt().filter((p) => p.key.includes(':progress:'));
    for (const target of ['thread', 'announce']) {
      const mine = progress.filter((p) => p.key.endsWith(`:${target}`));
      expect(mine.map((p) => p.key)).toEqual(expected.map((n) => `DEP-${id}:progress:${n}:${target}`));
      expect(mine.map((p) => p.at - windowStart)).toEqual(expected.map((n) => n * 30 * MIN));
    }
    expect(threadNotices(h, id, 'progress')).toHaveLength(expected.length);
    expect(announceNotices(h, 'progress')).toHaveLength(expected.length);
    expect(threadNotices(h, id, 'progress').map(mrkdwnOf).at(-1)).toContain('past the end of the window');

    // The overrun alert: once across three restarts, to the deployer, when the phase ran over.
    const overruns = threadNotices(h, id, 'overrun');
    expect(overruns).toHaveLength(1);
    expect(mrkdwnOf(overruns[0]!)).toContain(`<@${PEOPLE.deployer}>`);
    expect(postedAt().find((p) => p.key.includes(':overrun:'))!.at).toBe(windowStart + 125 * MIN);

    // Every notice posted once; no job left behind.
    const keys = postedAt().map((p) => p.key);
    expect(new Set(keys).size).toBe(keys.length);
    expect(jobsOf(h, id).filter((j) => j.status === 'sending' || j.status === 'uncertain')).toEqual([]);

    // The timer redraw continued after the last restart.
    expect(timer()).toContain('Running for 2 h 30 min of 2 h 00 min planned');
  });
});

describe('the phase timer and the per-message update limit', () => {
  it('while the phase runs 10 minutes with clicks, a message is updated at most once per timer refresh plus once per click each minute', async () => {
    const { id, phase, ts } = await running(false);
    const steps = itemsOfStage(stateOf(h, id).plan, 'phase').filter(
      (p) => p.sectionId === phase.id && !p.item.evidence,
    );
    expect(steps.length).toBeGreaterThanOrEqual(4);
    const updatesFrom = h.fake.calls.length;
    const clicks = new Map<number, number>(); // minute → clicks in it
    let next = 0;
    for (let s = 15; s <= 10 * 60; s += 15) {
      await tickAt(h, windowStart + s * 1000);
      // A click every 1 min 45 s, between ticks.
      if (s % 105 === 0 && next < steps.length) {
        h.clock.set(windowStart + s * 1000 + 5_000);
        await press(h, PEOPLE.deployer, ActionId.confirmItem, { d: id, k: steps[next++]!.key });
        const minute = Math.floor((s + 5) / 60);
        clicks.set(minute, (clicks.get(minute) ?? 0) + 1);
      }
    }
    expect(next).toBeGreaterThanOrEqual(4);
    expect(stateOf(h, id).phases[phase.id]?.completed).toBeUndefined();
    // A step Liftoff confirms itself as the start notice goes out counts like a click.
    for (const e of h.query<{ at: number }>(
      "SELECT at FROM events WHERE deployment_id = ? AND actor = 'liftoff'",
      id,
    )) {
      const minute = Math.floor((e.at - windowStart) / MIN);
      clicks.set(minute, (clicks.get(minute) ?? 0) + 1);
    }

    const perMessageMinute = new Map<string, number>();
    for (const c of h.fake.calls.slice(updatesFrom)) {
      if (c.method !== 'chat.update') continue;
      const key = `${String(c.args.ts)}@${Math.floor((c.at - windowStart) / MIN)}`;
      perMessageMinute.set(key, (perMessageMinute.get(key) ?? 0) + 1);
    }
    const over = [...perMessageMinute].filter(([key, n]) => n > 1 + (clicks.get(Number(key.split('@')[1])) ?? 0));
    expect(over).toEqual([]);

    // The phase message itself: redrawn every minute (its timer moved), and no more than that plus the clicks.
    const phaseUpdates = [...perMessageMinute].filter(([key]) => key.startsWith(`${ts}@`));
    const total = phaseUpdates.reduce((sum, [, n]) => sum + n, 0);
    expect(total).toBeGreaterThanOrEqual(10);
    expect(total).toBeLessThanOrEqual(11 + next);
    // Looked at every tick (15 s) and redrawn only when the minute shown changes: at 10:00 it shows 10 min, not a minute behind.
    expect(textOf(h.fake.message(CHANNELS.deploys, ts)!)).toContain('Running for 10 min of 2 h 00 min planned');
    console.log(
      `[schedule] phase message: ${total} chat.update in 10 min with ${next} clicks; busiest message-minute: ${Math.max(...perMessageMinute.values())} updates; messages updated: ${new Set([...perMessageMinute.keys()].map((k) => k.split('@')[0])).size}`,
    );
  });
});
