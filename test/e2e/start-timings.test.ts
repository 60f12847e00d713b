import { afterEach, describe, expect, it } from 'vitest';
import { ActionId } from '../../src/slack/ids.js';
import { fakeClock } from '../support/clock.js';
import { press, startValues } from '../support/flows.js';
import { CHANNELS, PEOPLE, startHarness, type Harness } from '../support/harness.js';
import { overrideGate } from '../rollback/helpers.js';
import { input } from '../support/slack-requests.js';
import { stateOf as storedState } from '../support/stored.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

type Block = { type: string; block_id?: string; element?: Record<string, any> };
const timingBlocks = (harness: Harness) =>
  ((harness.fake.lastView()!.view.blocks ?? []) as Block[]).filter((b) => b.block_id?.startsWith('timing:'));
const jobsOf = (harness: Harness) =>
  harness.query<{ kind: string; key: string; due_at: number }>(
    'SELECT kind, key, due_at FROM jobs ORDER BY due_at, id',
  );
const stateOf = (harness: Harness) => storedState(harness);

/** Opens the start form and returns it with a window 30 hours ahead. */
async function openForm() {
  const start = Math.floor(Date.now() / MIN) * MIN;
  h = await startHarness({ clock: fakeClock(start), slackFollowsClock: true });
  await h.slack.command('start checkout 2.4.0 prod', { user: PEOPLE.deployer, channel: CHANNELS.deploys });
  await h.settled();
  const opened = h.fake.lastView()!;
  const windowStart = start + 30 * HOUR;
  return { opened, windowStart, harness: h };
}

/** Submits the form with these typed timings (block id → text). */
async function submit(
  harness: Harness,
  opened: { id: string; view: any },
  windowStart: number,
  typed: Record<string, string>,
) {
  const values: Record<string, Record<string, unknown>> = {
    ...startValues(harness, {
      windowStart: windowStart / 1000,
      windowEnd: (windowStart + 2 * HOUR) / 1000,
      announce: CHANNELS.announce,
    }),
  };
  for (const b of timingBlocks(harness)) {
    const field = b.block_id!.split('~')[0]!.slice('timing:'.length);
    values[b.block_id!] = {
      value:
        typed[field] === undefined
          ? { type: 'number_input', value: null }
          : { type: 'number_input', value: typed[field] },
    };
  }
  return harness.slack.submitView({
    user: PEOPLE.deployer,
    callbackId: 'deploy.start',
    privateMetadata: opened.view.private_metadata,
    values,
    viewId: opened.id,
  });
}

describe('communication timings chosen in /deploy start', () => {
  it('the form offers the template’s timings; numbers typed there are the deployment’s, and its jobs are due by them', async () => {
    const { opened, windowStart, harness } = await openForm();
    expect(timingBlocks(harness).map((b) => [b.block_id, b.element!.initial_value])).toEqual([
      ['timing:announcementHoursBefore~24', '24'],
      ['timing:reminderHoursBefore~1', '1'],
      ['timing:progressEveryMinutes~30', '30'],
      ['timing:monitoringMinutes~0', '0'],
    ]);

    const res = await submit(harness, opened, windowStart, {
      announcementHoursBefore: '6',
      reminderHoursBefore: '2.5',
      progressEveryMinutes: '10',
    });
    expect(res.status).toBe(200);
    expect(res.json?.errors).toBeUndefined();
    await harness.settled();
    const d = stateOf(harness);
    // Monitoring was left as offered: it is kept with the deployment too.
    expect(d.timings).toEqual({
      announcementHoursBefore: 6,
      reminderHoursBefore: 2.5,
      progressEveryMinutes: 10,
      monitoringMinutes: 0,
    });
    const due = Object.fromEntries(jobsOf(harness).map((j) => [j.kind, j.due_at]));
    expect(due).toMatchObject({
      announcement: windowStart - 6 * HOUR,
      reminder: windowStart - 2.5 * HOUR,
      personal_reminder: windowStart - 2.5 * HOUR,
    });

    // Rescheduling keeps the deployment's timings: the new window's jobs are due by them.
    await harness.slack.command(`reschedule DEP-${d.id}`, { user: PEOPLE.deployer, channel: CHANNELS.deploys });
    await harness.settled();
    const form = harness.fake.lastView()!;
    const later = windowStart + 24 * HOUR;
    await harness.slack.submitView({
      user: PEOPLE.deployer,
      callbackId: (form.view as { callback_id: string }).callback_id,
      privateMetadata: (form.view as { private_metadata: string }).private_metadata,
      values: {
        window_start: { value: input.dateTime(later / 1000) },
        window_end: { value: input.dateTime((later + 2 * HOUR) / 1000) },
      },
      viewId: form.id,
    });
    await harness.settled();
    const pending = harness.query<{ kind: string; due_at: number }>(
      "SELECT kind, due_at FROM jobs WHERE status = 'pending' AND kind IN ('announcement', 'reminder')",
    );
    expect(Object.fromEntries(pending.map((j) => [j.kind, j.due_at]))).toEqual({
      announcement: later - 6 * HOUR,
      reminder: later - 2.5 * HOUR,
    });

    // Progress updates follow the deployment's interval once a phase runs.
    await overrideGate(harness, d.id, 'start');
    harness.clock.set(later);
    await press(harness, PEOPLE.deployer, ActionId.startPhase, { d: d.id, p: d.plan.phases[0]!.id });
    await harness.settled();
    const progress = jobsOf(harness).filter((j) => j.kind === 'progress');
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.every((j) => j.due_at === later + 10 * MIN)).toBe(true);
  });

  it('bad numbers are refused inline, each under its field, and nothing is created', async () => {
    const { opened, windowStart, harness } = await openForm();
    const res = await submit(harness, opened, windowStart, {
      announcementHoursBefore: '0',
      reminderHoursBefore: 'soon',
      progressEveryMinutes: '2.5',
      monitoringMinutes: '999999',
    });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      response_action: 'errors',
      errors: {
        'timing:announcementHoursBefore~24': 'More than 0 hours',
        'timing:reminderHoursBefore~1': 'Enter a number of hours, like 24',
        'timing:progressEveryMinutes~30': 'A whole number of minutes',
        'timing:monitoringMinutes~0': 'At most 20160 minutes',
      },
    });
    await harness.settled();
    expect(harness.query('SELECT id FROM deployments')).toEqual([]);
    expect(harness.query('SELECT id FROM jobs')).toEqual([]);
  });
});
