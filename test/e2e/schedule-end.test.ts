/**
 * The second half of the communication plan, end to end: issue notices, the
 * completion notice and summary report, the monitoring window and its verdict,
 * and the follow-up reminders. Asserts on the announcement channel and the
 * deployment's thread only (other channels may get notices too).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hinted } from '../../src/slack/views/format.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { itemsOfStage } from '../../src/core/template/items.js';
import { ActionId } from '../../src/slack/ids.js';
import { fakeClock } from '../support/clock.js';
import type { FakeMessage } from '../support/fake-slack.js';
import { buttonsOf, mrkdwnOf, press, startDeployment, textOf } from '../support/flows.js';
import { CHANNELS, PEOPLE, startHarness, type Harness } from '../support/harness.js';
import {
  announceNotices,
  HOUR,
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
let dir: string;
const t0 = Math.floor(Date.now() / MIN) * MIN;
const windowStart = t0 + 2 * HOUR;
const windowEnd = windowStart + 2 * HOUR; // five phases share it: 24 min each

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'liftoff-schedule-end-'));
  const file = join(dir, 'liftoff.yml');
  writeFileSync(
    file,
    [
      'version: 1',
      'services:',
      '  checkout:',
      '    overrides: { production: deployer }',
      '    communication:',
      '      monitoring_minutes: 60',
      '',
    ].join('\n'),
  );
  h = await startHarness({ env: { LIFTOFF_CONFIG: file }, clock: fakeClock(t0), slackFollowsClock: true });
});
afterEach(async () => {
  await h.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** `<!date^SECONDS^FORMAT|`: a time every reader sees in their own zone. */
const date = (ms: number, format = '{date_short} {time}') => `<!date^${Math.floor(ms / 1000)}^${format}|`;
/** A pattern of `parts`, where a number is the Slack date token of that time (`[ms, format]` for another format). */
const line = (...parts: Array<string | number | [number, string]>) =>
  new RegExp(
    parts
      .map((p) => (typeof p === 'string' ? re(p) : `${re(typeof p === 'number' ? date(p) : date(...p))}[^>]*>`))
      .join(''),
  );
const only = (messages: FakeMessage[]) => {
  expect(messages).toHaveLength(1);
  return mrkdwnOf(messages[0]!);
};

/** The same notice in the announcement channel (top level) and in the thread. */
function inBoth(id: number, kind: string) {
  const announced = announceNotices(h, kind);
  const threaded = threadNotices(h, id, kind);
  expect(announced.map((m) => m.thread_ts)).toEqual([undefined]);
  expect(threaded.map((m) => m.thread_ts)).toEqual([parentTsOf(h, id)]);
  return { announce: only(announced), thread: only(threaded) };
}

async function failStep(id: number, user: string, phaseId: string, stepId: string, note: string) {
  await press(h, user, ActionId.failStep, { d: id, p: phaseId });
  const view = h.fake.lastView()!.view as {
    blocks: Array<{ block_id: string; element?: { options?: Array<{ value: string }> } }>;
  };
  const option = view.blocks
    .find((b) => b.block_id === 'step')!
    .element!.options!.find((o) => o.value.includes(stepId))!;
  await submitReason(h, user, note, { step: { value: input.select(option.value) } });
}

/** Phase by phase: how long each runs (planned 24 min each), who confirms its steps, which optional step fails. */
const RUN = [
  { minutes: 20, by: PEOPLE.dev },
  { minutes: 30, by: PEOPLE.deployer },
  { minutes: 20, by: PEOPLE.ops },
  { minutes: 20, by: PEOPLE.qa },
  { minutes: 20, by: PEOPLE.deployer, fail: { step: 'clear-cdn-cache', by: PEOPLE.ops, note: 'CDN purge timed out' } },
];

/** A deployment-task release with an announcement channel, run from rejection to completion; returns what happened when. */
async function runThrough() {
  const { id } = await startDeployment(h, {
    template: 'deployment-task',
    announce: CHANNELS.announce,
    windowStart: windowStart / 1000,
    windowEnd: windowEnd / 1000,
  });
  const at: Record<string, number> = {};

  h.clock.set((at.rejected = t0 + 5 * MIN));
  await press(h, PEOPLE.qa, ActionId.reject, { d: id, r: 'qa_lead' });
  await submitReason(h, PEOPLE.qa, 'Coupon totals regress');
  await tick(h);

  h.clock.set((at.approved = t0 + 20 * MIN));
  for (const [user, role] of [
    [PEOPLE.dev, 'dev_lead'],
    [PEOPLE.qa, 'qa_lead'],
    [PEOPLE.ops, 'ops_lead'],
  ] as const) {
    await press(h, user, ActionId.approve, { d: id, r: role });
  }
  h.clock.set((at.overridden = windowStart - 5 * MIN));
  await press(h, PEOPLE.deployer, ActionId.overrideGate, { d: id, g: 'start' });
  await submitReason(h, PEOPLE.deployer, 'Pre-checks done in the release ticket');

  let clock = windowStart;
  for (const [i, phase] of stateOf(h, id).plan.phases.entries()) {
    const run = RUN[i]!;
    h.clock.set(clock);
    await press(h, PEOPLE.deployer, ActionId.startPhase, { d: id, p: phase.id });
    await tick(h);
    h.clock.set(clock + 5 * MIN);
    if (run.fail) {
      at.failed = h.clock.now();
      await failStep(id, run.fail.by, phase.id, run.fail.step, run.fail.note);
      await tick(h);
    }
    for (const step of itemsOfStage(stateOf(h, id).plan, 'phase').filter((p) => p.sectionId === phase.id)) {
      if (!run.fail || !step.key.endsWith(run.fail.step))
        await press(h, run.by, ActionId.confirmItem, { d: id, k: step.key });
    }
    clock += run.minutes * MIN;
    await tickAt(h, clock);
    await press(h, PEOPLE.deployer, ActionId.completePhase, { d: id, p: phase.id });
  }
  h.clock.set((at.completed = clock + 5 * MIN));
  await press(h, PEOPLE.deployer, ActionId.overrideGate, { d: id, g: 'complete' });
  await submitReason(h, PEOPLE.deployer, 'Verification done on the dashboard');
  await press(h, PEOPLE.deployer, ActionId.complete, { d: id });
  await tick(h);
  return { id, at };
}

describe('the end of the communication plan', () => {
  it('issue notices, completion notice and summary report, monitoring, the verdict and the follow-ups', async () => {
    const { id, at } = await runThrough();
    const d = stateOf(h, id);
    expect(d.status).toBe('monitoring');

    // Issue notices, at once, in the announcement channel and the thread: the rejection, then the failed step.
    const announcedIssues = announceNotices(h, 'issue').map(mrkdwnOf);
    const threadIssues = threadNotices(h, id, 'issue').map(mrkdwnOf);
    expect(announcedIssues).toHaveLength(2);
    expect(threadIssues).toHaveLength(2);
    for (const issues of [announcedIssues, threadIssues]) {
      expect(issues[0]).toMatch(line(`⛔ Rejected by QA Lead: <@${PEOPLE.qa}> at `, [at.rejected!, '{time}']));
      expect(issues[0]).toContain('> Coupon totals regress');
      expect(issues[1]).toMatch(
        line(`❌ Step failed: *Clear CDN cache (if applicable)* (Finalization), reported by <@${PEOPLE.ops}> at `, [
          at.failed!,
          '{time}',
        ]),
      );
      expect(issues[1]).toContain('> CDN purge timed out');
    }

    // The completion notice, with the monitoring window, its metrics and alert thresholds.
    const completion = inBoth(id, 'completion');
    const until = at.completed! + 60 * MIN;
    expect(d.monitoring?.until).toBe(until);
    for (const text of [completion.announce, completion.thread]) {
      expect(text).toContain(`✅ *Deployment complete* *DEP-${id}* · *checkout 2.4.0* → Production\n🗓️ Window `);
      // How long it took, from the first phase start to Complete (5 min after the last phase).
      expect(text).toMatch(line(' – ', [windowEnd, '{date_short_pretty} {time}'], ' · took 1 h 55 min'));
      expect(text).toMatch(line('📈 Monitoring until ', [until, '{date_short_pretty} {time}'], '.'));
      expect(text).toMatch(/\*Metrics\*\n[^]*Application response time[^]*Error rate[^]*Active user sessions/);
      // The seed's blanks show as hints, never as raw brackets.
      expect(text).toMatch(/\*Alert thresholds\*\n[^]*Error rate &gt; _✎ X_%[^]*Response time &gt; _✎ X_ms/);
    }

    // The summary report, in both places: carried by the completion notice (one message for the event).
    expect(announceNotices(h, 'summary')).toEqual([]);
    expect(threadNotices(h, id, 'summary')).toEqual([]);
    for (const text of [completion.announce, completion.thread]) {
      expect(text).toContain('*Phases*');
      // Phases planned against actual.
      expect(text).toContain('• Preparation: planned 24 min, took 20 min');
      expect(text).toContain('• Application Deployment: planned 24 min, took 30 min ⚠️ over plan');
      expect(text).toContain('• Finalization: planned 24 min, took 20 min');
      // Approvals with their times (the QA Lead's approval replaced the rejection).
      expect(text).toMatch(line(`• Development Lead: approved by <@${PEOPLE.dev}> `, at.approved!, '\n'));
      expect(text).toMatch(line(`• QA Lead: approved by <@${PEOPLE.qa}> `, at.approved!, '\n'));
      expect(text).toMatch(line(`• Operations Lead: approved by <@${PEOPLE.ops}> `, at.approved!));
      // Overrides with their reasons, failures with their notes.
      expect(text).toMatch(
        line(
          `• Override of the start gate by <@${PEOPLE.deployer}> `,
          at.overridden!,
          ': “Pre-checks done in the release ticket” (',
        ),
      );
      expect(text).toMatch(
        line(
          `• Override of the completion gate by <@${PEOPLE.deployer}> `,
          at.completed!,
          ': “Verification done on the dashboard” (',
        ),
      );
      expect(text).toMatch(
        line(`• ❌ “Clear CDN cache (if applicable)” failed (<@${PEOPLE.ops}> `, at.failed!, '): CDN purge timed out'),
      );
    }
    // The timeline (who did what, when) is in the thread's copy; stakeholders get the outcome without it.
    expect(completion.announce).not.toContain('*Timeline*');
    {
      const text = completion.thread;
      expect(text).toContain('*Timeline*');
      expect(text).toMatch(line(at.rejected!, ` <@${PEOPLE.qa}> rejected as QA Lead\n`));
      expect(text).toMatch(line(at.approved!, ` <@${PEOPLE.dev}> approved as Development Lead\n`));
      expect(text).toMatch(line(windowStart, ` <@${PEOPLE.deployer}> started “Preparation”\n`));
      expect(text).toMatch(line(windowStart + 5 * MIN, ` <@${PEOPLE.dev}> confirmed “_✎ Step 1_”\n`)); // a blank, as a hint
      expect(text).toMatch(line(at.failed!, ` <@${PEOPLE.ops}> reported “Clear CDN cache (if applicable)” failed\n`));
      expect(text).toMatch(line(at.completed!, ` <@${PEOPLE.deployer}> overrode the completion gate\n`));
      expect(text).toMatch(line(at.completed!, ` <@${PEOPLE.deployer}> completed it; monitoring for 1 h 00 min`));
    }

    // Nothing more until the monitoring window ends; then the deployer is asked, in the thread only.
    await tickAt(h, until - MIN);
    expect(threadNotices(h, id, 'monitoring_verdict')).toEqual([]);
    await tickAt(h, until);
    await tickAt(h, until + MIN);
    const [verdict, ...more] = threadNotices(h, id, 'monitoring_verdict');
    expect(more).toEqual([]);
    expect(mrkdwnOf(verdict!)).toContain(
      `<@${PEOPLE.deployer}>: the monitoring window of DEP-${id} is over. Is the release healthy?`,
    );
    expect(buttonsOf(verdict!).map((b) => [b.actionId, b.text])).toEqual([
      [ActionId.markHealthy, 'Healthy'],
      [ActionId.markFaulty, 'Faulty'],
    ]);
    expect(announceNotices(h, 'monitoring_verdict')).toEqual([]);

    // A stranger's click is refused, to them only, and changes nothing.
    await press(h, PEOPLE.stranger, ActionId.markHealthy, { d: id });
    expect(h.fake.ephemerals({ user: PEOPLE.stranger }).at(-1)?.text).toContain(
      `Only the deployer, <@${PEOPLE.deployer}>, can give the verdict on DEP-${id}`,
    );
    expect(stateOf(h, id).status).toBe('monitoring');

    // Healthy: the deployment completes, its card says so, and the follow-ups arrive.
    await press(h, PEOPLE.deployer, ActionId.markHealthy, { d: id });
    expect(stateOf(h, id).status).toBe('completed');
    expect(h.query<{ status: string }>('SELECT status FROM deployments WHERE id = ?', id)[0]!.status).toBe('completed');
    expect(textOf(h.fake.message(CHANNELS.deploys, parentTsOf(h, id))!)).toContain('Completed');
    await tick(h);
    const healthy = inBoth(id, 'healthy');
    expect(healthy.thread).toContain(`marked healthy by <@${PEOPLE.deployer}>`);
    // Due together, the follow-ups are one reminder (a failed step counts as an issue: all four).
    const followUps = threadNotices(h, id, 'follow_up').map(mrkdwnOf);
    expect(followUps).toHaveLength(1);
    expect(followUps[0]).toContain(`📌 <@${PEOPLE.deployer}>, the follow-ups of DEP-${id}:\n`);
    // Each follow-up, the template's blanks as hints ("Monitor for _✎ X_ hours").
    for (const what of d.plan.postDeployment.followUps) expect(followUps[0]).toContain(`• ${hinted(what)}`);
    expect(announceNotices(h, 'follow_up')).toEqual([]);

    // Later ticks send nothing again.
    const seen = () =>
      h.fake.messages(CHANNELS.announce).length + h.fake.thread(CHANNELS.deploys, parentTsOf(h, id)).length;
    const before = seen();
    await tickAt(h, until + 2 * HOUR);
    await tickAt(h, until + 30 * HOUR);
    expect(seen()).toBe(before);
  });

  it('Faulty at the end of monitoring: the issue notice goes out and the rollback is offered', async () => {
    const { id } = await runThrough();
    await tickAt(h, stateOf(h, id).monitoring!.until);
    await press(h, PEOPLE.deployer, ActionId.markFaulty, { d: id });
    await tick(h);
    expect(h.fake.ephemerals({ user: PEOPLE.deployer }).at(-1)?.text).toContain(`DEP-${id} is marked faulty`);
    const issues = inBothLast(id, 'issue');
    for (const text of issues) expect(text).toMatch(/🆘 Marked faulty after release by <@UDEPLOYER>[^]*Roll back/);
    expect(stateOf(h, id).status).toBe('monitoring');
    expect(threadNotices(h, id, 'follow_up')).toEqual([]);
  });
});

describe('reporting a failed step', () => {
  // The form's pre-check used to run on the phase's first step, so once that step was confirmed
  // no other step of the phase could be reported failed.
  it('still opens its form once the first step of the phase is confirmed', async () => {
    const { id } = await startDeployment(h, {
      template: 'deployment-task',
      windowStart: windowStart / 1000,
      windowEnd: windowEnd / 1000,
    });
    await press(h, PEOPLE.deployer, ActionId.overrideGate, { d: id, g: 'start' });
    await submitReason(h, PEOPLE.deployer, 'test run');
    const phase = stateOf(h, id).plan.phases[0]!;
    await press(h, PEOPLE.deployer, ActionId.startPhase, { d: id, p: phase.id });
    await press(h, PEOPLE.deployer, ActionId.confirmItem, { d: id, k: `phase.${phase.id}.${phase.steps[0]!.id}` });
    const views = h.fake.views.length;
    await press(h, PEOPLE.deployer, ActionId.failStep, { d: id, p: phase.id });
    expect(
      h.fake
        .ephemerals({ user: PEOPLE.deployer })
        .map((e) => e.text)
        .join('\n'),
    ).not.toContain('undo that first');
    expect(h.fake.views.length).toBe(views + 1);
    expect((h.fake.lastView()!.view as { callback_id: string }).callback_id).toBe('step.fail');
  });
});

/** The latest notice of a kind in the announcement channel and in the thread. */
function inBothLast(id: number, kind: string) {
  return [announceNotices(h, kind).at(-1)!, threadNotices(h, id, kind).at(-1)!].map(mrkdwnOf);
}

function re(s: string) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
