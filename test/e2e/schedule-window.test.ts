/**
 * The missed window, end to end: the window passes with nothing started, the
 * deployer is asked in the thread (Start / Reschedule / Cancel), and each
 * button does what it says over HTTP — for the deployer only.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ActionId } from '../../src/slack/ids.js';
import { fakeClock } from '../support/clock.js';
import { buttonsOf, mrkdwnOf, press, startDeployment, textOf } from '../support/flows.js';
import { CHANNELS, PEOPLE, startHarness, type Harness } from '../support/harness.js';
import { overrideGate } from '../rollback/helpers.js';
import {
  announceNotices,
  HOUR,
  jobsOf,
  MIN,
  parentTsOf,
  stateOf,
  submitReason,
  threadNotices,
  tick,
  tickAt,
} from '../support/schedule.js';
import { input } from '../support/slack-requests.js';

let h: Harness;
const t0 = Math.floor(Date.now() / MIN) * MIN;
const windowStart = t0 + HOUR;
const windowEnd = windowStart + HOUR;

beforeEach(async () => {
  h = await startHarness({ clock: fakeClock(t0), slackFollowsClock: true });
});
afterEach(async () => {
  await h.stop();
});

const sec = (ms: number) => Math.floor(ms / 1000);

/** A deployment nobody started, asked about once its window has ended. */
async function missed() {
  const [asked] = await missedAll([false]);
  return asked!;
}

/** Deployments with the same window, none started (the gate of each overridden where true), asked about once it ended. */
async function missedAll(gatesOpen: boolean[]) {
  const ids: number[] = [];
  for (const gateOpen of gatesOpen) {
    const { id } = await startDeployment(h, {
      announce: CHANNELS.announce,
      windowStart: sec(windowStart),
      windowEnd: sec(windowEnd),
    });
    if (gateOpen) await overrideGate(h, id, 'start', { reason: 'late but agreed with ops' });
    ids.push(id);
  }
  await tickAt(h, windowEnd - MIN);
  for (const id of ids) expect(threadNotices(h, id, 'missed_window')).toEqual([]);
  await tickAt(h, windowEnd);
  await tickAt(h, windowEnd + 5 * MIN);
  return ids.map((id) => {
    const asked = threadNotices(h, id, 'missed_window');
    expect(asked).toHaveLength(1);
    return { id, question: asked[0]! };
  });
}

/** What a refused click must leave alone. */
const snapshot = (id: number) => {
  const d = stateOf(h, id);
  return { status: d.status, window: d.window, phases: d.phases, cancelled: d.cancelled, jobs: jobsOf(h, id) };
};

describe('the window passed and nothing started', () => {
  it('the deployer is asked once, in the thread, with Start / Reschedule / Cancel', async () => {
    const { id, question } = await missed();
    expect(question.thread_ts).toBe(parentTsOf(h, id));
    expect(mrkdwnOf(question)).toContain(
      `⌛ <@${PEOPLE.deployer}>: the window of DEP-${id} (<!date^${sec(windowStart)}^`,
    );
    expect(mrkdwnOf(question)).toContain('has ended and no phase has started. What now?');
    // Nobody approved yet: Start now would be refused, so it is not offered and the gate is named.
    expect(buttonsOf(question).map((b) => [b.actionId, b.text])).toEqual([
      [ActionId.windowReschedule, 'Reschedule…'],
      [ActionId.windowCancel, 'Cancel…'],
    ]);
    expect(textOf(question)).toMatch(/🔒 It cannot start yet: \d+ things are missing/);
    expect(announceNotices(h, 'missed_window')).toEqual([]);
    expect(jobsOf(h, id).find((j) => j.kind === 'missed_window')?.status).toBe('sent');
  });

  it('a stranger pressing any of the buttons is refused, to them only, and nothing changes', async () => {
    const { id } = await missed();
    const before = snapshot(id);
    const views = h.fake.views.length;
    for (const actionId of [ActionId.windowStart, ActionId.windowReschedule, ActionId.windowCancel]) {
      const { res } = await press(h, PEOPLE.stranger, actionId, { d: id });
      expect(res.status).toBe(200);
    }
    await tick(h);
    const told = h.fake.ephemerals({ user: PEOPLE.stranger }).map((e) => e.text);
    expect(told).toEqual(
      [
        `Only the deployer, <@${PEOPLE.deployer}>, can start the phases of DEP-${id}.`,
        `Only the deployer, <@${PEOPLE.deployer}>, can reschedule DEP-${id}.`,
        `Only the deployer, <@${PEOPLE.deployer}>, can cancel DEP-${id}.`,
      ].map((t) => expect.stringContaining(t)),
    );
    expect(h.fake.ephemerals().every((e) => e.user === PEOPLE.stranger)).toBe(true);
    expect(h.fake.views.length).toBe(views);
    expect(snapshot(id)).toEqual(before);
  });

  it('Start now, offered while the gate is open, starts the first phase; pressed on a closed gate it says what is missing', async () => {
    const [closed, open] = await missedAll([false, true]);
    // A press that never came from the question (a stale or forged one) is refused with what is missing.
    await press(h, PEOPLE.deployer, ActionId.windowStart, { d: closed!.id });
    const told = h.fake.ephemerals({ user: PEOPLE.deployer }).at(-1)?.text ?? '';
    expect(told).toContain(`DEP-${closed!.id} cannot start yet. Still missing:`);
    expect(told).toContain('Development Lead');
    expect(stateOf(h, closed!.id).status).toBe('scheduled');

    const { id, question } = open!;
    expect(buttonsOf(question).map((b) => b.text)).toEqual(['Start now', 'Reschedule…', 'Cancel…']);
    expect(textOf(question)).not.toContain('cannot start yet');
    await press(h, PEOPLE.deployer, ActionId.windowStart, { d: id });
    const d = stateOf(h, id);
    expect(d.status).toBe('in_progress');
    expect(d.phases[d.plan.phases[0]!.id]?.started?.by).toBe(PEOPLE.deployer);
    await tick(h);
    expect(announceNotices(h, 'start').map(textOf)).toEqual([expect.stringContaining('Deployment started')]);
    expect(threadNotices(h, id, 'start').map(textOf)).toEqual([expect.stringContaining('Deployment started')]);
  });

  it("Reschedule…: opens the form with the click's trigger; submitting it moves the jobs and announces the change", async () => {
    const { id } = await missed();
    await press(h, PEOPLE.deployer, ActionId.windowReschedule, { d: id });
    const opened = h.fake.callsTo('views.open').at(-1)!;
    expect(opened.response.ok).toBe(true);
    const view = h.fake.lastView()!;
    expect(view).toMatchObject({ trigger_id: opened.args.trigger_id, user: PEOPLE.deployer });
    const meta = view.view as { callback_id: string; private_metadata: string };
    expect(meta.callback_id).toBe('deployment.reschedule');

    const newStart = h.clock.now() + 48 * HOUR;
    const newEnd = newStart + HOUR;
    const res = await h.slack.submitView({
      user: PEOPLE.deployer,
      callbackId: meta.callback_id,
      privateMetadata: meta.private_metadata,
      values: {
        window_start: { value: input.dateTime(sec(newStart)) },
        window_end: { value: input.dateTime(sec(newEnd)) },
      },
      viewId: view.id,
    });
    expect(res.status).toBe(200);
    await h.settled();
    await tick(h);
    expect(stateOf(h, id).window).toMatchObject({ start: newStart, end: newEnd });
    const pending = jobsOf(h, id).filter((j) => j.status === 'pending');
    expect(pending.map((j) => [j.kind, j.due_at])).toEqual([
      ['announcement', newStart - 24 * HOUR],
      ['reminder', newStart - HOUR],
      ['personal_reminder', newStart - HOUR],
      ['missed_window', newEnd],
    ]);
    const [notice, ...more] = announceNotices(h, 'rescheduled');
    expect(more).toEqual([]);
    expect(mrkdwnOf(notice!)).toContain(`*Rescheduled*`);
    expect(mrkdwnOf(notice!)).toContain(`New window: <!date^${sec(newStart)}^`);
    expect(mrkdwnOf(notice!)).toContain(`(by <@${PEOPLE.deployer}>)`);

    // The new window passes too: asked again, once.
    await tickAt(h, newEnd);
    expect(threadNotices(h, id, 'missed_window')).toHaveLength(2);
  });

  it('Cancel…: opens the cancel form; submitting it cancels, drops the pending jobs and tells the channel', async () => {
    const { id } = await missed();
    await press(h, PEOPLE.deployer, ActionId.windowCancel, { d: id });
    const view = h.fake.lastView()!;
    expect(view.user).toBe(PEOPLE.deployer);
    expect((view.view as { callback_id: string }).callback_id).toBe('deployment.cancel');
    expect(stateOf(h, id).status).toBe('scheduled');
    await submitReason(h, PEOPLE.deployer, 'Moved to next sprint');
    await tick(h);
    expect(stateOf(h, id).status).toBe('cancelled');
    expect(textOf(h.fake.message(CHANNELS.deploys, parentTsOf(h, id))!)).toContain('Cancelled');
    expect(jobsOf(h, id).filter((j) => j.status === 'pending')).toEqual([]);
    const [notice, ...more] = announceNotices(h, 'cancelled');
    expect(more).toEqual([]);
    expect(mrkdwnOf(notice!)).toContain('*Cancelled*');
    expect(mrkdwnOf(notice!)).toContain(`Reason: Moved to next sprint (<@${PEOPLE.deployer}>)`);

    // Its buttons now explain instead of acting.
    await press(h, PEOPLE.deployer, ActionId.windowStart, { d: id });
    expect(h.fake.ephemerals({ user: PEOPLE.deployer }).at(-1)?.text).toMatch(/cancel/i);
    expect(stateOf(h, id).status).toBe('cancelled');
  });
});
