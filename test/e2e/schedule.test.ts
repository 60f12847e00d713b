import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { ActionId } from '../../src/slack/ids.js';
import { fakeClock } from '../support/clock.js';
import { mrkdwnOf, press, startDeployment, textOf, threadOf } from '../support/flows.js';
import { CHANNELS, PEOPLE, startHarness, type Harness } from '../support/harness.js';
import { overrideGate } from '../rollback/helpers.js';
import { input } from '../support/slack-requests.js';
import { stateOf as storedState } from '../support/stored.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
let h: Harness;
afterEach(async () => {
  await h?.stop();
});

interface JobRow {
  key: string;
  kind: string;
  status: string;
  due_at: number;
  result: string | null;
  attempts: number;
}
const jobs = (id: number) =>
  h.query<JobRow>(
    'SELECT key, kind, status, due_at, result, attempts FROM jobs WHERE deployment_id = ? ORDER BY due_at, id',
    id,
  );
const statusOf = (key: string) => h.query<JobRow>('SELECT * FROM jobs WHERE key = ?', key)[0]?.status;
const announced = () => h.fake.messages(CHANNELS.announce).map(textOf);
const notices = () =>
  h.fake.calls.filter(
    (c) => c.method === 'chat.postMessage' && c.response.ok && c.args.metadata?.event_type === 'liftoff_notice',
  );
const noticeKeys = () => notices().map((c) => String(c.args.metadata.event_payload.job));

async function tick() {
  await h.liftoff.scheduler.tick();
  await h.settled();
}
async function at(ms: number) {
  h.clock.set(ms);
  await tick();
}

/** A harness whose fake Slack shares the fake clock, and a deployment 30 h ahead with an announcement channel. */
async function deployment(o: { hoursAhead?: number; announce?: boolean } = {}) {
  const start = Math.floor(Date.now() / MIN) * MIN;
  h = await startHarness({ clock: fakeClock(start), slackFollowsClock: true });
  const windowStart = start + (o.hoursAhead ?? 30) * HOUR;
  const started = await startDeployment(h, {
    windowStart: windowStart / 1000,
    windowEnd: (windowStart + 2 * HOUR) / 1000,
    ...(o.announce === false ? {} : { announce: CHANNELS.announce }),
  });
  return { ...started, windowStart, windowEnd: windowStart + 2 * HOUR };
}

describe('the communication plan, on a fake clock', () => {
  it('sends announcement, reminders, start notice, progress and overrun alert on time, to the right places, once', async () => {
    const { id, parentTs, windowStart } = await deployment();
    await tick();
    expect(notices()).toHaveLength(0);

    await at(windowStart - 24 * HOUR);
    expect(announced()).toHaveLength(1);
    expect(announced()[0]).toContain('Upcoming deployment');
    expect(announced()[0]).toMatch(/<!date\^\d+\^/);

    await at(windowStart - HOUR);
    expect(announced().at(-1)).toContain('Starting soon');
    // Who owes what, one line each, as of the time it was sent.
    const personal = threadOf(h, parentTs)
      .map(mrkdwnOf)
      .find((t) => t.includes('Still open, as of'));
    expect(personal).toContain(`• <@${PEOPLE.dev}>: the Development Lead approval`);
    expect(personal).toMatch(new RegExp(`• <@${PEOPLE.deployer}>: \\d+ pre-deployment items`));

    // Nothing new on further ticks.
    const sent = noticeKeys().length;
    await tick();
    expect(noticeKeys()).toHaveLength(sent);

    await overrideGate(h, id, 'start');
    h.clock.set(windowStart);
    const phase = storedState(h, id).plan.phases[0]!;
    await press(h, PEOPLE.deployer, ActionId.startPhase, { d: id, p: phase.id });
    await tick();
    expect(announced().at(-1)).toContain('Deployment started');
    expect(
      threadOf(h, parentTs)
        .map(textOf)
        .some((t) => t.includes('Deployment started')),
    ).toBe(true);

    await at(windowStart + 30 * MIN);
    expect(
      threadOf(h, parentTs)
        .map(textOf)
        .filter((t) => t.includes('Progress update')),
    ).toHaveLength(1);
    // It names the deployment the way every other notice does.
    expect(
      threadOf(h, parentTs)
        .map(mrkdwnOf)
        .find((t) => t.includes('Progress update')),
    ).toContain(`⏱️ *Progress update* *DEP-${id}* · *checkout 2.4.0* → Production\n`);
    expect(announced().at(-1)).toMatch(/items done/);

    // The phase shares the 2 h window: past it, one overrun alert however often the scheduler ticks.
    for (let m = 0; m <= 20; m += 5) await at(windowStart + 2 * HOUR + m * MIN);
    const overruns = threadOf(h, parentTs)
      .map(mrkdwnOf)
      .filter((t) => t.includes('over the'));
    expect(overruns).toHaveLength(1);
    expect(overruns[0]).toContain(`<@${PEOPLE.deployer}>`);

    expect(new Set(noticeKeys()).size).toBe(noticeKeys().length);
    const kinds = jobs(id)
      .filter((j) => j.status === 'sent')
      .map((j) => j.kind);
    expect(kinds.slice(0, 5)).toEqual(['announcement', 'reminder', 'personal_reminder', 'start', 'start']);
  });

  it('a restart in the middle neither loses nor repeats a message', async () => {
    const { windowStart } = await deployment();
    await at(windowStart - 24 * HOUR);
    expect(announced()).toHaveLength(1);
    await h.restart();
    await tick();
    expect(announced()).toHaveLength(1);
    // Bot down over the reminder's due time, back before the window: still sent, once.
    h.clock.set(windowStart - 30 * MIN);
    await h.restart();
    await tick();
    await tick();
    expect(announced()).toHaveLength(2);
    expect(new Set(noticeKeys()).size).toBe(noticeKeys().length);
  });

  it('down until after the window started: the stale reminders are skipped with the reason', async () => {
    const { id, windowStart } = await deployment();
    h.clock.set(windowStart + 10 * MIN);
    await h.restart();
    await tick();
    const rows = jobs(id);
    expect(
      rows.filter((j) => j.kind === 'reminder' || j.kind === 'announcement').map((j) => [j.status, j.result]),
    ).toEqual([
      ['skipped', 'the window has already started'],
      ['skipped', 'the window has already started'],
    ]);
    expect(announced()).toHaveLength(0);
  });

  describe('a job left "sending" by a process that died', () => {
    async function dieWhileSending(o: { posted: boolean }) {
      const { id, windowStart } = await deployment();
      await at(windowStart - 24 * HOUR);
      const key = jobs(id).find((j) => j.kind === 'announcement')!.key;
      await h.liftoff.stop();
      const db = new Database(h.dbFile);
      if (o.posted) {
        db.prepare("UPDATE jobs SET status = 'sending', result = NULL, claimed_at = ? WHERE key = ?").run(
          h.clock.now(),
          key,
        );
      } else {
        // Claimed, then the process died before the message left: Slack has nothing.
        h.fake.reset();
        db.prepare("UPDATE jobs SET status = 'sending', result = NULL, claimed_at = ? WHERE key = ?").run(
          h.clock.now(),
          key,
        );
      }
      db.close();
      return { id, key };
    }

    it('found in the channel history by its metadata: marked sent, not posted again', async () => {
      const { key } = await dieWhileSending({ posted: true });
      await h.restart();
      await tick();
      expect(statusOf(key)).toBe('sent');
      expect(announced()).toHaveLength(1);
      expect(h.fake.callsTo('conversations.history').at(-1)?.args).toMatchObject({
        channel: CHANNELS.announce,
        include_all_metadata: 'true',
      });
    });

    it('not found: sent again, once', async () => {
      const { key } = await dieWhileSending({ posted: false });
      await h.restart();
      await tick();
      expect(statusOf(key)).toBe('sent');
      expect(announced()).toHaveLength(1);
    });

    it('history unavailable: uncertain, logged and told to the deployer, never resent blindly', async () => {
      const { key } = await dieWhileSending({ posted: false });
      h.fake.fail('conversations.history', { error: 'ratelimited' }, 10);
      await h.restart();
      await tick();
      expect(statusOf(key)).toBe('uncertain');
      expect(announced()).toHaveLength(0);
      await h.fake.waitFor(() =>
        h.fake.calls.some((c) => c.method === 'chat.postMessage' && c.args.channel === PEOPLE.deployer),
      );
      expect(h.logs.some((l) => l.includes('may or may not have been posted'))).toBe(true);
    });
  });

  it('/deploy reschedule moves the pending jobs and announces the change; cancelling drops what no longer applies', async () => {
    const { id, windowStart } = await deployment();
    const before = jobs(id)
      .filter((j) => j.status === 'pending')
      .map((j) => j.due_at);
    await h.slack.command(`reschedule DEP-${id}`, { user: PEOPLE.deployer, channel: CHANNELS.deploys });
    await h.settled();
    const view = h.fake.lastView()!;
    const newStart = windowStart + 48 * HOUR;
    await h.slack.submitView({
      user: PEOPLE.deployer,
      callbackId: 'deployment.reschedule',
      privateMetadata: (view.view as { private_metadata: string }).private_metadata,
      values: {
        window_start: { value: input.dateTime(newStart / 1000) },
        window_end: { value: input.dateTime((newStart + HOUR) / 1000) },
      },
      viewId: view.id,
    });
    await h.settled();
    await tick();
    const pending = jobs(id).filter((j) => j.status === 'pending');
    expect(pending.map((j) => j.due_at)).toEqual([
      newStart - 24 * HOUR,
      newStart - HOUR,
      newStart - HOUR,
      newStart + HOUR,
    ]);
    expect(pending.map((j) => j.due_at)).not.toEqual(before);
    expect(announced().at(-1)).toContain('Rescheduled');

    await h.slack.command(`cancel DEP-${id} moved to next quarter`, {
      user: PEOPLE.deployer,
      channel: CHANNELS.deploys,
    });
    await h.settled();
    await tick();
    expect(jobs(id).filter((j) => j.status === 'pending')).toEqual([]);
    expect(
      jobs(id)
        .filter((j) => j.status === 'cancelled')
        .map((j) => j.result),
    ).toContain('the deployment was cancelled');
    expect(announced().at(-1)).toContain('Cancelled');
    await at(newStart);
    expect(announced().at(-1)).toContain('Cancelled');
  });

  it('the running phase timer is redrawn at most once a minute', async () => {
    const { id, windowStart } = await deployment({ hoursAhead: 0.5, announce: false });
    await overrideGate(h, id, 'start');
    h.clock.set(windowStart);
    const state = storedState(h, id);
    await press(h, PEOPLE.deployer, ActionId.startPhase, { d: id, p: state.plan.phases[0]!.id });
    const ts = h.query<{ ts: string }>(
      "SELECT ts FROM messages WHERE deployment_id = ? AND key LIKE 'phase:%' ORDER BY key LIMIT 1",
      id,
    )[0]!.ts;
    const updatesBefore = h.fake.message(CHANNELS.deploys, ts)!.updates;
    for (let s = 15; s <= 5 * 60; s += 15) await at(windowStart + s * 1000);
    const updates = h.fake.message(CHANNELS.deploys, ts)!.updates - updatesBefore;
    // Once a minute from the timer, plus one change: the start notice's step, confirmed by Liftoff as it is sent.
    expect(updates).toBeGreaterThanOrEqual(5);
    expect(updates).toBeLessThanOrEqual(6);
    expect(textOf(h.fake.message(CHANNELS.deploys, ts)!)).toMatch(/Running for [45] min/);
  });

  it('a channel Slack refuses: the job fails with the reason and the deployer is told by DM', async () => {
    const { id } = await deployment({ hoursAhead: 2 });
    h.fake.fail('chat.postMessage', { error: 'is_archived' });
    await tick();
    const failed = jobs(id).find((j) => j.status === 'failed');
    expect(failed).toMatchObject({ kind: 'announcement', result: 'is_archived' });
    await h.fake.waitFor(() =>
      h.fake.calls.find(
        (c) =>
          c.method === 'chat.postMessage' &&
          c.args.channel === PEOPLE.deployer &&
          String(c.args.text).includes('archived'),
      ),
    );
  });

  it('a transient refusal is retried later with backoff', async () => {
    const { id } = await deployment({ hoursAhead: 2 });
    h.fake.fail('chat.postMessage', { error: 'ratelimited' });
    await tick();
    const retried = jobs(id).find((j) => j.kind === 'announcement')!;
    expect(retried).toMatchObject({ status: 'pending', attempts: 1, due_at: h.clock.now() + 30_000 });
    await at(h.clock.now() + 30_000);
    expect(statusOf(retried.key)).toBe('sent');
  });
});
