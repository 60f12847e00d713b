import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { ActionId } from '../../src/slack/ids.js';
import { fakeClock } from '../support/clock.js';
import { buttonsOf, press, startDeployment, textOf, threadOf } from '../support/flows.js';
import { checkoutProductionConfig } from '../support/team-config.js';
import { CHANNELS, PEOPLE, startHarness, type Harness } from '../support/harness.js';
import { tick } from '../support/schedule.js';
import {
  confirmAll,
  failRollback,
  failStep,
  finished,
  openRollback,
  stateOf,
  submitRollback,
  underway,
} from '../rollback/helpers.js';

const OPS = 'COPSROOM';
const MIN = 60_000;

let h: Harness;
let dir: string;
afterEach(async () => {
  await h?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Liftoff with checkout in Production reporting to the ops channel (and more configuration lines for that environment). */
async function boot(extra: string[] = []) {
  const config = checkoutProductionConfig([`ops_channel: ${OPS}`, ...extra]);
  dir = config.dir;
  const file = config.file;
  h = await startHarness({
    env: { LIFTOFF_CONFIG: file },
    clock: fakeClock(Math.floor(Date.now() / MIN) * MIN),
    slackFollowsClock: true,
  });
  h.fake.addChannel(OPS, { name: 'ops' });
}

interface JobRow {
  key: string;
  kind: string;
  status: string;
  payload: string;
}
const jobsOf = (id: number, kind: string) =>
  h.query<JobRow>(
    'SELECT key, kind, status, payload FROM jobs WHERE deployment_id = ? AND kind = ? ORDER BY key',
    id,
    kind,
  );
const ops = () => h.fake.messages(OPS).map(textOf);
const announced = () => h.fake.messages(CHANNELS.announce).map(textOf);
const parentTsOf = (id: number) =>
  h.query<{ ts: string }>(`SELECT ts FROM messages WHERE deployment_id = ? AND key = 'parent'`, id)[0]!.ts;
const thread = (id: number) => threadOf(h, parentTsOf(id));
const noticeKeys = () =>
  h.fake.calls
    .filter((c) => c.method === 'chat.postMessage' && c.response.ok && c.args.metadata?.event_type === 'liftoff_notice')
    .map((c) => String(c.args.metadata.event_payload.job));

describe('the ops channel hears the start, the issues and the end', () => {
  it('records the ops channel on the deployment and sends it the start, issue and completion notices', async () => {
    await boot();
    const { id } = await underway(h, { announce: CHANNELS.announce });
    expect(stateOf(h, id).opsChannelId).toBe(OPS);
    await tick(h);
    expect(ops().filter((t) => t.includes('Deployment started'))).toHaveLength(1);
    expect(ops()[0]).toContain(`Follow it in the thread in <#${CHANNELS.deploys}>`);
    expect(announced().filter((t) => t.includes('Deployment started'))).toHaveLength(1);

    // A failed step: the issue notice reaches ops at once too.
    await failStep(h, PEOPLE.ops, id, stateOf(h, id).plan.phases[0]!.id, 'CDN purge timed out');
    await tick(h);
    expect(ops().filter((t) => t.includes('Step failed') && t.includes('CDN purge timed out'))).toHaveLength(1);
    expect(h.fake.messages(OPS).every((m) => !m.thread_ts)).toBe(true);
    expect(new Set(noticeKeys()).size).toBe(noticeKeys().length);
  });

  it('the completion notice goes to ops; the summary report stays with stakeholders and the thread', async () => {
    await boot();
    const { id } = await finished(h);
    await tick(h);
    expect(stateOf(h, id).status).toBe('completed');
    expect(ops().filter((t) => t.includes('Deployment complete'))).toHaveLength(1);
    expect(ops().some((t) => t.includes('Summary report'))).toBe(false);
  });
});

describe('rollback notices are durable jobs', () => {
  it('planned with the rollback, kept across a restart before sending, sent once to the announcement channel, ops and the thread', async () => {
    await boot();
    const { id } = await underway(h, { announce: CHANNELS.announce });
    await tick(h);
    await submitRollback(h, PEOPLE.deployer, (await openRollback(h, PEOPLE.deployer, id))!);
    // Committed with the rollback, not yet sent: the process stops here.
    expect(jobsOf(id, 'rollback_started').map((j) => [j.key.replace(/:\d+:/, ':N:'), j.status])).toEqual([
      ['DEP-1:rollback_started:N:announce', 'pending'],
      ['DEP-1:rollback_started:N:ops', 'pending'],
      ['DEP-1:rollback_started:N:thread', 'pending'],
    ]);
    expect(ops().some((t) => t.includes('Rolling back'))).toBe(false);

    await h.restart();
    await tick(h);
    await tick(h);
    expect(ops().filter((t) => t.includes('Rolling back checkout in Production'))).toHaveLength(1);
    expect(announced().filter((t) => t.includes('Rolling back checkout in Production'))).toHaveLength(1);
    expect(
      thread(id)
        .map(textOf)
        .filter((t) => t.includes('Rolling back checkout in Production')),
    ).toHaveLength(1);
    expect(jobsOf(id, 'rollback_started').map((j) => j.status)).toEqual(['sent', 'sent', 'sent']);

    // Completing it: the completion notice the same way, and the follow-ups (the post-mortem too: there were issues).
    await confirmAll(h, id, 'rollback', PEOPLE.qa);
    await confirmAll(h, id, 'rollback_validation', PEOPLE.ops);
    await press(h, PEOPLE.deployer, ActionId.rollbackComplete, { d: id });
    await tick(h);
    expect(stateOf(h, id).status).toBe('rolled_back');
    expect(ops().filter((t) => t.includes('is rolled back'))).toHaveLength(1);
    expect(announced().filter((t) => t.includes('is rolled back'))).toHaveLength(1);
    expect(jobsOf(id, 'rollback_completed').map((j) => j.status)).toEqual(['sent', 'sent', 'sent']);
    // A rollback is an issue: every follow-up, the "(if issues)" one too, in one reminder.
    const followUps = thread(id)
      .map(textOf)
      .filter((t) => t.includes('the follow-ups of DEP-1'));
    expect(followUps).toHaveLength(1);
    expect(followUps[0]!.match(/^• /gm)).toHaveLength(4);
    expect(followUps[0]).toContain('Conduct post-mortem (if issues)');
    expect(new Set(noticeKeys()).size).toBe(noticeKeys().length);
  });

  it('a failed rollback alerts the ops channel, once, from a job', async () => {
    await boot();
    const { id } = await underway(h);
    await submitRollback(h, PEOPLE.deployer, (await openRollback(h, PEOPLE.deployer, id))!);
    await failRollback(h, PEOPLE.ops, id, 'previous artifact is gone');
    expect(jobsOf(id, 'rollback_failed').map((j) => [JSON.parse(j.payload).target, j.status])).toEqual([
      ['ops', 'pending'],
    ]);
    await tick(h);
    await tick(h);
    expect(
      ops().filter(
        (t) => t.includes('The rollback of checkout in Production failed') && t.includes('previous artifact is gone'),
      ),
    ).toHaveLength(1);
  });
});

describe('a release marked faulty offers the rollback at once', () => {
  it('the Faulty answer and the issue notice in the thread carry the Roll back button, which opens the rollback form', async () => {
    await boot(['communication:', '  monitoring_minutes: 60']);
    const { id } = await finished(h, { announce: CHANNELS.announce });
    expect(stateOf(h, id).status).toBe('monitoring');
    await tick(h);
    await press(h, PEOPLE.deployer, ActionId.markFaulty, { d: id });
    const answer = h.fake.ephemerals({ user: PEOPLE.deployer }).at(-1)!;
    expect(answer.text).toMatch(/DEP-1 is marked faulty.*Roll it back now\?/);
    expect(JSON.stringify(answer.blocks)).toContain(`"action_id":"${ActionId.rollback}"`);

    await tick(h);
    const notice = thread(id).find((m) => textOf(m).includes('Marked faulty after release'))!;
    expect(buttonsOf(notice).map((b) => b.actionId)).toEqual([ActionId.rollback]);
    // Stakeholders and ops are told, without a button they may not use.
    const elsewhere = [...h.fake.messages(CHANNELS.announce), ...h.fake.messages(OPS)].filter((m) =>
      textOf(m).includes('Marked faulty after release'),
    );
    expect(elsewhere).toHaveLength(2);
    expect(elsewhere.flatMap(buttonsOf)).toEqual([]);

    const form = await openRollback(h, PEOPLE.deployer, id);
    expect((form!.view as { callback_id: string }).callback_id).toBe('rollback.start');
  });
});

describe('follow-ups and the cancellation notice', () => {
  it('a release without issues gets one follow-up reminder, without the "(if issues)" ones', async () => {
    await boot();
    const { id } = await finished(h);
    await tick(h);
    const followUps = thread(id)
      .map(textOf)
      .filter((t) => t.includes('the follow-ups of DEP-1'));
    expect(followUps).toHaveLength(1);
    expect(followUps[0]!.split('\n').filter((l) => l.startsWith('• '))).toEqual([
      '• Monitor for _✎ X_ hours', // the seed's blank, as a hint
      '• Update documentation',
      '• Archive deployment artifacts',
    ]);
  });

  it('without an announcement channel, the cancellation is a thread reply also sent to the channel', async () => {
    await boot();
    const { id } = await startDeployment(h);
    await tick(h); // nothing: the window is an hour away, and the card just posted says everything a reminder would
    await h.slack.command(`cancel DEP-${id} moved to next week`, { user: PEOPLE.deployer, channel: CHANNELS.deploys });
    await h.settled();
    await tick(h);
    expect(stateOf(h, id).status).toBe('cancelled');
    const cancelled = h.fake.messages(CHANNELS.deploys).filter((m) => m.text?.includes('is cancelled'));
    expect(cancelled).toHaveLength(1);
    expect(cancelled[0]).toMatchObject({ thread_ts: parentTsOf(id), reply_broadcast: true });
    expect(textOf(cancelled[0]!)).toContain('moved to next week');
    // No reminder of what was created a minute ago.
    expect(h.fake.messages(CHANNELS.deploys).filter((m) => textOf(m).includes('Starting soon'))).toEqual([]);
    expect(textOf(cancelled[0]!)).not.toContain('Follow it in');
    // No announcement due at once: the card just posted is the announcement.
    expect(h.fake.messages(CHANNELS.deploys).filter((m) => textOf(m).includes('Upcoming deployment'))).toEqual([]);
  });

  it('without an announcement channel, the start and issue notices are thread replies also sent to the channel; progress stays in the thread', async () => {
    await boot();
    const { id } = await underway(h);
    await tick(h);
    await failStep(h, PEOPLE.ops, id, stateOf(h, id).plan.phases[0]!.id, 'CDN purge timed out');
    await tick(h);
    const inChannel = h.fake
      .messages(CHANNELS.deploys)
      .filter((m) => m.thread_ts === parentTsOf(id) && m.reply_broadcast);
    expect(inChannel.map(textOf).filter((t) => t.includes('Deployment started'))).toHaveLength(1);
    expect(inChannel.map(textOf).filter((t) => t.includes('CDN purge timed out'))).toHaveLength(1);
    // Already replies in the thread: neither points to "the thread in #deploys".
    expect(inChannel.map(textOf).join('\n')).not.toContain('Follow it in');
    // The ops copies are unchanged, and point to the thread.
    expect(ops().filter((t) => t.includes('Deployment started'))).toHaveLength(1);
    expect(ops()[0]).toContain(`Follow it in the thread in <#${CHANNELS.deploys}>`);
    h.clock.advance(31 * MIN);
    await tick(h);
    const progress = h.fake
      .messages(CHANNELS.deploys)
      .filter((m) => m.thread_ts === parentTsOf(id) && textOf(m).includes('Progress update'));
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.every((m) => !m.reply_broadcast)).toBe(true);
  });
});
