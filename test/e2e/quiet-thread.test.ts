/**
 * A quiet, truthful thread: read as the deployer (the thread) and as a
 * stakeholder (the announcement channel), a full deployment, a cancellation
 * and a rollback say each event once. Every message the bot posted is sorted
 * by what it is (a notice by the job key in its metadata, a deployment
 * message by its key) and counted per place.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { progressOf } from '../../src/core/deployment/progress.js';
import { itemsOfStage } from '../../src/core/template/items.js';
import { ActionId } from '../../src/slack/ids.js';
import {
  completed,
  confirmAll,
  finish,
  openRollback,
  overrideGate,
  submitRollback,
  underway,
} from '../rollback/helpers.js';
import { fakeClock } from '../support/clock.js';
import type { FakeMessage } from '../support/fake-slack.js';
import { buttonsOf, press, showsRawBlank, startDeployment, textOf } from '../support/flows.js';
import { CHANNELS, PEOPLE, startHarness, type Harness } from '../support/harness.js';
import { jobKeyOf, kindOf, MIN, parentTsOf, stateOf, submitReason, tick } from '../support/schedule.js';

let h: Harness;
const t0 = Math.floor(Date.now() / MIN) * MIN;
beforeEach(async () => {
  h = await startHarness({ clock: fakeClock(t0), slackFollowsClock: true });
});
afterEach(async () => {
  await h.stop();
});

/** What a message is: `notice:KIND` for the scheduler's notices, else the deployment message's key family (`note`, `rollback:plan`, `phase`…). */
function whatIs(m: FakeMessage): string {
  const job = jobKeyOf(m);
  if (job) return `notice:${kindOf(job)}`;
  const row = h.query<{ key: string }>('SELECT key FROM messages WHERE ts = ? AND channel_id = ?', m.ts, m.channel)[0];
  if (!row) return 'other';
  return row.key.startsWith('note:') ? 'note' : row.key.replace(/:\d+$/, '').replace(/^phase:.*/, 'phase');
}

/** How many messages of each kind sit in `messages`. */
function countOf(messages: FakeMessage[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of messages) out[whatIs(m)] = (out[whatIs(m)] ?? 0) + 1;
  return out;
}

const threadOfId = (id: number) => {
  const ts = parentTsOf(h, id);
  return h.fake.messages().filter((m) => m.thread_ts === ts && m.ts !== ts);
};
const announced = () => h.fake.messages(CHANNELS.announce).filter((m) => !m.thread_ts);
const notices = (counts: Record<string, number>) =>
  Object.fromEntries(Object.entries(counts).filter(([k]) => k.startsWith('notice:') || k === 'note'));
/** Buttons that do something (links aside). */
const actionable = (m: FakeMessage) => buttonsOf(m).filter((b) => b.actionId !== ActionId.openLink);

describe('one event, one message', () => {
  it('a full deployment created 40 minutes before its window: one announcement, one start, one completion carrying the summary, 100 %', async () => {
    const { id } = await startDeployment(h, {
      announce: CHANNELS.announce,
      windowStart: (t0 + 40 * MIN) / 1000,
      windowEnd: (t0 + 100 * MIN) / 1000,
    });
    await tick(h);
    // Due together, the announcement and the reminder are one; nobody is reminded of what was created a minute ago.
    expect(notices(countOf(announced()))).toEqual({ 'notice:announcement': 1 });
    expect(textOf(announced()[0]!)).toMatch(
      /Upcoming deployment[^]*\(in 40 min\)[^]*things still open before it can start/,
    );
    expect(notices(countOf(threadOfId(id)))).toEqual({});

    for (const [role, user] of [
      ['dev_lead', PEOPLE.dev],
      ['qa_lead', PEOPLE.qa],
      ['ops_lead', PEOPLE.ops],
    ] as const)
      await press(h, user, ActionId.approve, { d: id, r: role });
    await confirmAll(h, id, 'pre');
    h.clock.set(t0 + 40 * MIN);
    for (const phase of stateOf(h, id).plan.phases) {
      await press(h, PEOPLE.deployer, ActionId.startPhase, { d: id, p: phase.id });
      await tick(h);
      if (phase === stateOf(h, id).plan.phases[0]) {
        // "Notify Stakeholders: Announce the start of the deployment window" is what the start notice did: done by Liftoff.
        const announceStep = Object.entries(stateOf(h, id).items).find(([key]) => key.startsWith(`phase.${phase.id}.`));
        expect(announceStep?.[1]).toMatchObject({ state: 'done', by: 'liftoff' });
        const phaseMessage = threadOfId(id).find((m) =>
          textOf(m).includes('Announce the start of the deployment window'),
        )!;
        expect(textOf(phaseMessage)).toMatch(
          /Announce the start of the deployment window\.[^\n]* — 🤖 done by Liftoff \(its notice\)/,
        );
        // The notice went out: nothing offers to undo it (decide refuses to).
        const undo = buttonsOf(phaseMessage).filter((b) => b.actionId === ActionId.undoItem);
        expect(undo.map((b) => JSON.parse(b.value).k)).not.toContain(announceStep![0]);
        await press(h, PEOPLE.deployer, ActionId.undoItem, { d: id, k: announceStep![0] });
        expect(stateOf(h, id).items[announceStep![0]]).toMatchObject({ by: 'liftoff' });
      }
      await confirmAll(h, id, 'phase', PEOPLE.deployer, phase.id);
      await press(h, PEOPLE.deployer, ActionId.completePhase, { d: id, p: phase.id });
    }
    // "Announce the completion of the deployment" is the completion notice's to do: nobody confirmed it, nothing waited for it.
    const completionStep = (): [string, unknown] | undefined =>
      Object.entries(stateOf(h, id).items).find(([key]) => key.endsWith('.notify-stakeholders-2'));
    expect(completionStep()).toBeUndefined();
    await confirmAll(h, id, 'verify');
    await confirmAll(h, id, 'post');
    await press(h, PEOPLE.deployer, ActionId.complete, { d: id });
    await tick(h);

    expect(notices(countOf(announced()))).toEqual({
      'notice:announcement': 1,
      'notice:start': 1,
      'notice:completion': 1,
    });
    expect(notices(countOf(threadOfId(id)))).toEqual({ 'notice:start': 1, 'notice:completion': 1 });
    // Sent, the completion notice confirmed that step as Liftoff's; the phase message says so.
    expect(completionStep()?.[1]).toMatchObject({ state: 'done', by: 'liftoff' });
    expect(threadOfId(id).map(textOf).join('\n')).toMatch(
      /Announce the completion of the deployment\.[^\n]* — 🤖 done by Liftoff \(its notice\)/,
    );
    // The completion notice carries the summary report; the card reads 100 %.
    const completion = threadOfId(id).find((m) => whatIs(m) === 'notice:completion')!;
    expect(textOf(completion)).toMatch(/Deployment complete[^]*\*Phases\*[^]*\*Approvals\*[^]*\*Timeline\*/);
    expect(textOf(h.fake.message(CHANNELS.deploys, parentTsOf(h, id))!)).toMatch(
      /✅ Completed\* · ▰{10} 100% \(\d+\/\d+ required/,
    );
    // Every required item confirmed: nothing is said to be left unconfirmed.
    expect(textOf(h.fake.message(CHANNELS.deploys, parentTsOf(h, id))!)).not.toContain('left unconfirmed');
    // Nothing stale: no button anywhere in the thread, no placeholder branch.
    for (const m of threadOfId(id)) expect(actionable(m), whatIs(m)).toEqual([]);
    expect(threadOfId(id).map(textOf).join('\n')).not.toContain('[branch_name]');
    expect(threadOfId(id).map(textOf).join('\n')).toContain('release/2.4');
    // What the thread's rollback message says once the rollback has ended: what to do instead.
    expect(threadOfId(id).map(textOf).join('\n')).toContain(
      'DEP-1 is complete: its one-click rollback has ended. To undo it, deploy the previous version with `/deploy start`.',
    );
    expect(h.fake.warnings).toEqual([]);
  });

  it('a full deployment of the deployment-task seed: one message per event in each place, no raw blank, its notify steps done by Liftoff', async () => {
    const start = t0 + 3 * 60 * MIN;
    const { id } = await startDeployment(h, {
      template: 'deployment-task',
      announce: CHANNELS.announce,
      windowStart: start / 1000,
      windowEnd: (start + 2 * 60 * MIN) / 1000,
    });
    await tick(h);
    const d0 = stateOf(h, id);
    for (const a of d0.plan.approvals) {
      const who = d0.approvers[a.role]?.[0];
      if (who) await press(h, who, ActionId.approve, { d: id, r: a.role });
    }
    await confirmAll(h, id, 'pre');
    for (const at of [start - 30 * MIN, start]) {
      h.clock.set(at);
      await tick(h);
    }
    for (const phase of stateOf(h, id).plan.phases) {
      await press(h, PEOPLE.deployer, ActionId.startPhase, { d: id, p: phase.id });
      await tick(h);
      await confirmAll(h, id, 'phase', PEOPLE.deployer, phase.id);
      await press(h, PEOPLE.deployer, ActionId.completePhase, { d: id, p: phase.id });
      h.clock.set(h.clock.now() + 10 * MIN);
      await tick(h);
    }
    await confirmAll(h, id, 'verify');
    await confirmAll(h, id, 'post');
    await press(h, PEOPLE.deployer, ActionId.complete, { d: id });
    await tick(h);
    h.clock.set(h.clock.now() + 26 * 60 * MIN);
    await tick(h);

    expect(stateOf(h, id).status).toBe('completed');
    expect(notices(countOf(threadOfId(id)))).toEqual({
      'notice:start': 1,
      'notice:progress': 1,
      'notice:completion': 1,
      'notice:follow_up': 1,
    });
    expect(notices(countOf(announced()))).toEqual({
      'notice:announcement': 1,
      'notice:reminder': 1,
      'notice:start': 1,
      'notice:progress': 1,
      'notice:completion': 1,
    });
    // "Stakeholders notified" was the announcement, "Notify stakeholders of completion" the completion notice.
    const byLiftoff = Object.entries(stateOf(h, id).items)
      .filter(([, s]) => s.by === 'liftoff')
      .map(([key]) => key);
    expect(byLiftoff.sort()).toEqual([
      'phase.finalization.notify-stakeholders-completion',
      'pre.environment-preparation.stakeholders-notified',
    ]);
    // Nothing left to click, and no blank of the template shown raw ("Monitor for [X] hours", "[Step 1]",
    // the health check's "[URL]" → "[Response]") in the card, the thread or the announcement channel. A
    // validation query is code, shown as written (`[table]` may be SQL).
    const shown = [h.fake.message(CHANNELS.deploys, parentTsOf(h, id))!, ...threadOfId(id), ...announced()];
    for (const m of shown) expect(actionable(m), whatIs(m)).toEqual([]);
    for (const m of shown) expect(showsRawBlank(textOf(m)), whatIs(m)).toBe(false);
    expect(threadOfId(id).map(textOf).join('\n')).toContain('Monitor for _✎ X_ hours');
    expect(threadOfId(id).map(textOf).join('\n')).toContain('• _✎ URL_ → _✎ Response_');
  });

  it('a cancellation: one notice in the announcement channel and one in the thread; nothing there still offers a click', async () => {
    const { id } = await startDeployment(h, { announce: CHANNELS.announce });
    await tick(h);
    await press(h, PEOPLE.deployer, ActionId.cancel, { d: id });
    await submitReason(h, PEOPLE.deployer, 'Payment provider freeze');
    await tick(h);
    expect(notices(countOf(threadOfId(id)))).toEqual({ 'notice:cancelled': 1 });
    expect(notices(countOf(announced()))).toEqual({ 'notice:announcement': 1, 'notice:cancelled': 1 });
    const thread = threadOfId(id);
    for (const m of thread) expect(actionable(m), whatIs(m)).toEqual([]);
    const text = thread.map(textOf).join('\n');
    expect(text).not.toMatch(/button appears here|Start gate closed|Opens when the first/);
    // Its completion step no longer promises a notice that cannot come.
    expect(text).not.toContain('when the deployment is complete');
    expect(text).toContain('— 🤖 _no completion notice: the deployment was cancelled_');
  });

  it('a cancellation without an announcement channel: one reply, shown in the channel', async () => {
    const { id } = await startDeployment(h);
    await tick(h);
    await press(h, PEOPLE.deployer, ActionId.cancel, { d: id });
    await submitReason(h, PEOPLE.deployer, 'Payment provider freeze');
    await tick(h);
    expect(notices(countOf(threadOfId(id)))).toEqual({ 'notice:cancelled': 1 });
  });

  it('a rollback: its start and its end are one notice each in the thread (the end with the report); no note, no stale buttons', async () => {
    await completed(h, { version: '2.3.1', announce: CHANNELS.announce });
    const { id } = await underway(h, { version: '2.4.0', announce: CHANNELS.announce });
    await tick(h);
    // Under way: its start gate was overridden (asked, then granted: a note each) and its first phase started.
    expect(notices(countOf(threadOfId(id)))).toEqual({ note: 2, 'notice:start': 1 });
    await submitRollback(h, PEOPLE.qa, (await openRollback(h, PEOPLE.qa, id))!, { note: 'errors at 12%' });
    await tick(h);
    expect(notices(countOf(threadOfId(id)))).toEqual({ note: 2, 'notice:start': 1, 'notice:rollback_started': 1 });
    // While it rolls back only the rollback's own buttons show.
    for (const m of threadOfId(id)) {
      const kind = whatIs(m);
      if (kind.startsWith('rollback:')) continue;
      expect(
        actionable(m).map((b) => b.actionId),
        kind,
      ).toEqual([]);
    }
    await confirmAll(h, id, 'rollback', PEOPLE.qa);
    await confirmAll(h, id, 'rollback_validation', PEOPLE.ops);
    await press(h, PEOPLE.deployer, ActionId.rollbackComplete, { d: id });
    await tick(h);
    expect(notices(countOf(threadOfId(id)))).toEqual({
      note: 2,
      'notice:start': 1,
      'notice:rollback_started': 1,
      'notice:rollback_completed': 1,
      'notice:follow_up': 1,
    });
    // The rollback's closing "Notify stakeholders" is its completion notice: confirmed by Liftoff when sent.
    const byLiftoff = Object.entries(stateOf(h, id).items)
      .filter(([key, s]) => key.startsWith('rollback.') && s.by === 'liftoff')
      .map(([key]) => key.split('.').at(-1));
    expect(byLiftoff).toEqual(['notify-stakeholders']);
    const done = threadOfId(id).find((m) => whatIs(m) === 'notice:rollback_completed')!;
    expect(textOf(done)).toMatch(/is rolled back[^]*Rollback report[^]*Timeline/);
    expect(notices(countOf(announced().filter((m) => jobKeyOf(m)?.startsWith(`DEP-${id}:`))))).toEqual({
      'notice:start': 1,
      'notice:rollback_started': 1,
      'notice:rollback_completed': 1,
      ...notices(
        countOf(
          announced().filter(
            (m) => jobKeyOf(m) === `DEP-${id}:announcement:w${Math.floor(stateOf(h, id).window.start / 1000)}:announce`,
          ),
        ),
      ),
    });
    for (const m of threadOfId(id)) expect(actionable(m), whatIs(m)).toEqual([]);
    // Rolled back, it never completes: its completion step no longer promises that notice (the rollback's own is done).
    const thread = threadOfId(id).map(textOf).join('\n');
    expect(thread).not.toContain('when the deployment is complete');
    expect(thread).toContain('— 🤖 _no completion notice: a rollback took its place_');
  });

  it('a long deployment: its completion report goes on in continuation messages in the thread, nothing left out; stakeholders get one message', async () => {
    const { id } = await underway(h, { announce: CHANNELS.announce });
    // A long record: the checklist confirmed and undone, again and again.
    const plain = itemsOfStage(stateOf(h, id).plan, 'pre').filter((p) => !p.item.evidence);
    for (let round = 0; round < 3; round++)
      for (const p of plain) {
        await press(h, PEOPLE.deployer, ActionId.confirmItem, { d: id, k: p.key });
        await press(h, PEOPLE.deployer, ActionId.undoItem, { d: id, k: p.key });
      }
    await finish(h, id);
    await tick(h);

    const parts = threadOfId(id).filter((m) => whatIs(m) === 'notice:completion');
    expect(parts.length).toBeGreaterThan(1);
    // In order, each says its place; only the first is shown in the channel too.
    expect(parts.map((m) => m.text.match(/\((\d+)\/\d+\)$/)?.[1])).toEqual(parts.map((_, i) => String(i + 1)));
    expect(h.fake.warnings).toEqual([]);
    const timeline = parts.map(textOf).join('\n');
    const undone = h.query<{ n: number }>(
      "SELECT COUNT(*) AS n FROM events WHERE deployment_id = ? AND type = 'item_undone'",
      id,
    )[0]!.n;
    expect(undone).toBe(3 * plain.length);
    expect(timeline.match(/ undid “/g)).toHaveLength(undone);
    expect(timeline).not.toMatch(/and \d+ more/);
    // The announcement channel: one completion message, pointing to the thread for the rest.
    const told = announced().filter((m) => whatIs(m) === 'notice:completion');
    expect(told).toHaveLength(1);
    // The outcome without the timeline (who did what stays in the thread), pointing to the thread.
    expect(textOf(told[0]!)).not.toMatch(/ undid “/);
    expect(textOf(told[0]!)).toMatch(/Follow it in the thread/);

    // `/deploy report` posts it the same way: whole, over several messages.
    const before = threadOfId(id).length;
    await h.slack.command(`report DEP-${id}`, { user: PEOPLE.deployer, channel: CHANNELS.deploys });
    await h.settled();
    const report = threadOfId(id)
      .slice(before)
      .filter((m) => m.text.startsWith('📋 Summary report'));
    expect(report.length).toBeGreaterThan(1);
    expect(
      report
        .map(textOf)
        .join('\n')
        .match(/ undid “/g),
    ).toHaveLength(undone);
  });

  it('an override is said once when asked and once when granted, each in its note; the gate line only says who and when', async () => {
    const { id } = await startDeployment(h);
    await overrideGate(h, id, 'start');
    const said = threadOfId(id).filter((m) => textOf(m).includes('test run'));
    expect(said.map(whatIs)).toEqual(['note', 'note']);
    expect(said.map(textOf)).toEqual([expect.stringContaining('asks to override'), expect.stringContaining('granted')]);
  });

  it('a deployment completed through overridden gates: its card says beside the 100 % how many required items it left unconfirmed', async () => {
    const { id } = await completed(h);
    const p = progressOf(stateOf(h, id));
    expect(p.done).toBeLessThan(p.total);
    const card = textOf(h.fake.message(CHANNELS.deploys, parentTsOf(h, id))!);
    expect(card).toContain(`100% (${p.done}/${p.total} required`);
    expect(card).toContain(`· ${p.total - p.done} left unconfirmed`);
  });
});
