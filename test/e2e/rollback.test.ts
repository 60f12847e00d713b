import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { itemsOfStage } from '../../src/core/template/items.js';
import { ActionId } from '../../src/slack/ids.js';
import { buttonsOf, press, startValues, textOf, threadOf } from '../support/flows.js';
import { CHANNELS, PEOPLE, startHarness, type Harness } from '../support/harness.js';
import {
  completed,
  confirmAll,
  eventsOf,
  openRollback,
  stateOf,
  submitRollback,
  underway,
} from '../rollback/helpers.js';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.stop();
});

const parentTsOf = (id: number) =>
  h.query<{ ts: string }>(`SELECT ts FROM messages WHERE deployment_id = ? AND key = 'parent'`, id)[0]!.ts;
const messageOf = (id: number, key: string) => {
  const row = h.query<{ ts: string; channel_id: string }>(
    'SELECT ts, channel_id FROM messages WHERE deployment_id = ? AND key = ?',
    id,
    key,
  )[0];
  return row ? h.fake.message(row.channel_id, row.ts) : undefined;
};
const rollbackEvents = (id: number) => eventsOf(h, id).filter((e) => e.type.startsWith('rollback_'));

/** Opens /deploy start and submits it; returns the answer to the submission. */
async function submitStart(values: Parameters<typeof startValues>[1] = {}) {
  await h.slack.command('start', { user: PEOPLE.deployer, channel: CHANNELS.deploys });
  await h.settled();
  const opened = h.fake.lastView()!;
  const res = await h.slack.submitView({
    user: PEOPLE.deployer,
    callbackId: 'deploy.start',
    privateMetadata: (opened.view as { private_metadata: string }).private_metadata,
    values: startValues(h, values),
    viewId: opened.id,
  });
  await h.settled();
  return res;
}

describe('rolling a deployment back from its thread', () => {
  it('one decision: rolling back, phases interrupted, plan and validation in the thread, everyone told, the environment locked', async () => {
    const previous = await completed(h, { version: '2.3.1', announce: CHANNELS.announce });
    const { id } = await underway(h, { version: '2.4.0', announce: CHANNELS.announce });

    // The button is on the card and in the thread while the deployment runs.
    const parent = h.fake.message(CHANNELS.deploys, parentTsOf(id))!;
    expect(buttonsOf(parent).map((b) => b.actionId)).toContain(ActionId.rollback);
    expect(buttonsOf(messageOf(id, 'rollback:offer')!).map((b) => b.actionId)).toContain(ActionId.rollback);

    // An approver opens the one confirmation modal: it names both versions, from history.
    const view = await openRollback(h, PEOPLE.qa, id);
    expect(view).toBeDefined();
    const modal = JSON.stringify(view!.view);
    expect(modal).toContain('from *2.4.0* to *2.3.1*');
    // The template's triggers are blanks (“[Condition that requires rollback]”): not offered as reasons.
    expect(modal).not.toContain('[Condition that requires rollback]');
    expect(stateOf(h, id).status).toBe('in_progress'); // opening it decides nothing

    const res = await submitRollback(h, PEOPLE.qa, view!, {
      trigger: 'other',
      other: 'Error rate above 5%',
      restore: ['code', 'database'],
      note: 'errors at 12%',
    });
    expect(res.status).toBe(200);
    expect(res.json?.response_action).toBeUndefined();

    const d = stateOf(h, id);
    expect(d.status).toBe('rolling_back');
    expect(d.rollback).toMatchObject({
      trigger: 'Error rate above 5%',
      restore: ['code', 'database'],
      note: 'errors at 12%',
      fromVersion: '2.4.0',
      toVersion: '2.3.1',
    });
    expect(d.phases[d.plan.phases[0]!.id]?.interrupted?.by).toBe(PEOPLE.qa);
    expect(h.query('SELECT service, environment, deployment_id AS d FROM locks WHERE released_at IS NULL')).toEqual([
      { service: 'checkout', environment: 'production', d: id },
    ]);

    // The thread: the plan (what it closed and locked, its steps and timer), the validation with its buttons.
    const plan = messageOf(id, 'rollback:plan')!;
    expect(textOf(plan)).toContain('Closed as interrupted: “Preparation”');
    expect(textOf(plan)).toMatch(/Rollback plan/);
    expect(textOf(plan)).toMatch(/Running for .* · no estimated rollback time is set, so no overrun alert/);
    expect(textOf(plan)).toContain('`estimatedMinutes` under `rollback:` in a YAML template');
    // Every step has its Confirm but the closing "Notify stakeholders": Liftoff's rollback-complete notice does that one.
    expect(buttonsOf(plan).filter((b) => b.actionId === ActionId.confirmItem)).toHaveLength(
      itemsOfStage(d.plan, 'rollback').length - 1,
    );
    expect(textOf(plan)).toMatch(/Notify stakeholders — 🤖 _Liftoff does this when the rollback is complete_/);
    const validation = messageOf(id, 'rollback:validation')!;
    expect(textOf(validation)).toContain('Application accessible');
    // Rollback complete is offered once the required steps are done: until then the message says so.
    // Rollback failed… is offered there, once in the thread.
    expect(buttonsOf(validation).map((b) => b.actionId)).toContain(ActionId.rollbackFail);
    expect(buttonsOf(plan).map((b) => b.actionId)).not.toContain(ActionId.rollbackFail);
    expect(buttonsOf(validation).map((b) => b.actionId)).not.toContain(ActionId.rollbackComplete);
    expect(textOf(validation)).toContain('*Rollback complete* appears here once every required step');
    // The card says so and no longer offers a rollback.
    const card = h.fake.message(CHANNELS.deploys, parentTsOf(id))!;
    expect(textOf(card)).toMatch(/Rolling back/);
    expect(buttonsOf(card).map((b) => b.actionId)).not.toContain(ActionId.rollback);
    // The announcement channel is told (the notices are scheduler jobs: the next tick sends them).
    await h.liftoff.scheduler.tick();
    await h.settled();
    expect(h.fake.messages(CHANNELS.announce).map(textOf).join('\n')).toMatch(
      /Rolling back checkout in Production.*2\.4\.0 → 2\.3\.1/,
    );

    // Completing the rollback validation: rolled back, the completion notice, the report with its own timeline.
    await confirmAll(h, id, 'rollback', PEOPLE.qa);
    await confirmAll(h, id, 'rollback_validation', PEOPLE.ops);
    await h.settled();
    expect(buttonsOf(messageOf(id, 'rollback:validation')!).map((b) => b.actionId)).toContain(
      ActionId.rollbackComplete,
    );
    await press(h, PEOPLE.deployer, ActionId.rollbackComplete, { d: id });
    await h.liftoff.scheduler.tick();
    await h.settled();
    const done = stateOf(h, id);
    expect(done.status).toBe('rolled_back');
    expect(done.rollback?.completed?.by).toBe(PEOPLE.deployer);
    expect(h.fake.messages(CHANNELS.announce).map(textOf).join('\n')).toMatch(
      /checkout in Production is rolled back.*to 2\.3\.1/,
    );
    // The thread's rollback-completed notice is the report: one message for the event.
    const report = threadOf(h, parentTsOf(id))
      .map(textOf)
      .find((t) => t.includes('Rollback report'))!;
    expect(report).toMatch(/Rollback report/);
    expect(report).toMatch(/Timeline/);
    expect(report).toMatch(/Application accessible — <@UOPSLEAD>/);
    expect(rollbackEvents(id).map((e) => e.type)).toEqual(['rollback_started', 'rollback_completed']);
    expect(previous.id).toBeLessThan(id);

    // Every call passed the fake's Block Kit checks.
    expect(h.fake.warnings).toEqual([]);
    expect(
      h.fake.calls.filter((c) => c.method.startsWith('chat.') && (c.response as { ok?: boolean }).ok === false),
    ).toEqual([]);
  });

  it('refuses people who may not roll back, ephemerally, and records it', async () => {
    const { id } = await underway(h);
    const views = h.fake.views.length;
    await press(h, PEOPLE.stranger, ActionId.rollback, { d: id });
    expect(h.fake.views.length).toBe(views);
    expect(h.fake.ephemerals({ user: PEOPLE.stranger }).at(-1)?.text).toMatch(
      /Only the deployer, the approvers or the people named for rollbacks can roll back DEP-1/,
    );
    expect(
      eventsOf(h, id)
        .filter((e) => e.type === 'refused')
        .map((e) => JSON.parse(e.data).action),
    ).toEqual(['start_rollback']);

    // The slash command refuses the same way; a deployment not under way cannot be rolled back.
    const refused = await h.slack.command(`rollback DEP-${id}`, { user: PEOPLE.stranger, channel: CHANNELS.deploys });
    expect(JSON.stringify(refused.json)).toMatch(/Only the deployer/);
    const other = await submitStart({ service: 'search' });
    expect(other.json?.response_action).toBeUndefined();
    const notYet = await h.slack.command('rollback DEP-2', { user: PEOPLE.deployer, channel: CHANNELS.deploys });
    expect(JSON.stringify(notYet.json)).toMatch(/has not started yet/);
    expect(stateOf(h, id).status).toBe('in_progress');
  });

  it('/deploy rollback DEP-1 opens the same modal for someone allowed', async () => {
    const { id } = await underway(h);
    await h.slack.command(`rollback DEP-${id}`, { user: PEOPLE.deployer, channel: CHANNELS.deploys });
    await h.settled();
    const view = h.fake.lastView()!;
    expect((view.view as { callback_id: string }).callback_id).toBe('rollback.start');
    expect(JSON.stringify(view.view)).toContain('no earlier completed deployment is on record');
    await submitRollback(h, PEOPLE.deployer, view, { trigger: 'other', other: 'checkout page blank' });
    expect(stateOf(h, id).rollback).toMatchObject({ trigger: 'checkout page blank', toVersion: null });
  });

  it('asks for the reason in words when "Other" is chosen, inline', async () => {
    const { id } = await underway(h);
    const view = await openRollback(h, PEOPLE.deployer, id);
    const res = await submitRollback(h, PEOPLE.deployer, view!, { trigger: 'other' });
    expect(res.json).toMatchObject({
      response_action: 'errors',
      errors: { rollback_other: expect.stringMatching(/why/) },
    });
    expect(stateOf(h, id).status).toBe('in_progress');
  });

  it('a double submission and two people racing give exactly one rollback', async () => {
    const { id } = await underway(h);
    const first = await openRollback(h, PEOPLE.deployer, id);
    const second = await openRollback(h, PEOPLE.qa, id);
    const [a, b, c] = await Promise.all([
      submitRollback(h, PEOPLE.deployer, first!),
      submitRollback(h, PEOPLE.deployer, first!),
      submitRollback(h, PEOPLE.qa, second!, { trigger: 'other', other: 'Checkout errors' }),
    ]);
    await h.settled();
    expect(rollbackEvents(id).map((e) => e.type)).toEqual(['rollback_started']);
    expect(h.query('SELECT id FROM locks')).toHaveLength(1);
    // The loser of the race is told in their form who started it.
    const answers = [a, b, c].map((r) => JSON.stringify(r.json ?? {}));
    const refusedAnswers = answers.filter((x) => x.includes('errors'));
    expect(refusedAnswers.length).toBeGreaterThanOrEqual(1);
    expect(refusedAnswers.every((x) => x.includes('already rolling back'))).toBe(true);
    expect(h.fake.messages(CHANNELS.deploys).filter((m) => /· Rollback plan/.test(m.text))).toHaveLength(1);
  });

  it('a deployment that failed its rollback can be marked failed, which alerts the deploy channel when nothing else is set', async () => {
    const { id } = await underway(h);
    await submitRollback(h, PEOPLE.deployer, (await openRollback(h, PEOPLE.deployer, id))!);
    await press(h, PEOPLE.ops, ActionId.rollbackFail, { d: id });
    const view = h.fake.lastView()!;
    expect((view.view as { callback_id: string }).callback_id).toBe('rollback.fail');
    await h.slack.submitView({
      user: PEOPLE.ops,
      callbackId: 'rollback.fail',
      privateMetadata: (view.view as { private_metadata: string }).private_metadata,
      values: { reason: { value: { type: 'plain_text_input', value: 'previous artifact is gone' } } },
      viewId: view.id,
    });
    await h.liftoff.scheduler.tick();
    await h.settled();
    expect(stateOf(h, id)).toMatchObject({
      status: 'rollback_failed',
      rollback: { failed: { by: PEOPLE.ops, note: 'previous artifact is gone' } },
    });
    // Shown in the deploy channel: a thread reply also sent to the channel.
    const inChannel = h.fake.messages(CHANNELS.deploys).filter((m) => !m.thread_ts || m.reply_broadcast);
    expect(inChannel.map(textOf).join('\n')).toMatch(
      /The rollback of checkout in Production failed.*previous artifact is gone/,
    );
    // That notice is the thread's one message about it: no note besides.
    const thread = threadOf(h, parentTsOf(id));
    expect(thread.filter((m) => /marked the rollback of DEP-1 failed/.test(textOf(m)))).toEqual([]);
    expect(thread.filter((m) => /The rollback of checkout in Production failed/.test(textOf(m)))).toHaveLength(1);
  });
});

describe('environment locks', () => {
  it('a rollback locks the environment: new deployments are refused in the form, the lock shows, a lead releases it', async () => {
    const { id } = await underway(h);
    await submitRollback(h, PEOPLE.deployer, (await openRollback(h, PEOPLE.deployer, id))!);

    const refused = await submitStart();
    expect(refused.json?.response_action).toBe('errors');
    expect(refused.json?.errors?.service).toMatch(/checkout in Production is locked by DEP-1/);
    expect(h.query('SELECT id FROM deployments')).toHaveLength(1);
    // Another service's environment is not locked.
    expect((await submitStart({ service: 'search' })).json?.response_action).toBeUndefined();

    await h.slack.command('list', { user: PEOPLE.qa, channel: CHANNELS.deploys });
    await h.slack.command(`status DEP-${id}`, { user: PEOPLE.qa, channel: CHANNELS.deploys });
    await h.settled();
    const shown = h.fake.ephemerals({ user: PEOPLE.qa }).map((e) => JSON.stringify(e));
    expect(shown.filter((s) => s.includes('is locked (DEP-1)'))).toHaveLength(2);
    // The rolling-back deployment is listed as under way (the two answers may arrive in either order).
    expect(shown.find((s) => s.includes('Under way'))).toMatch(/Under way.*DEP-1.*Rolling back/);

    const stranger = await h.slack.command('unlock checkout prod', {
      user: PEOPLE.stranger,
      channel: CHANNELS.deploys,
    });
    expect(JSON.stringify(stranger.json)).toMatch(/Only whoever locked/);
    // The reason can be edited by those who may release it.
    const edited = await h.slack.command('lock checkout prod waiting for the postmortem', {
      user: PEOPLE.dev,
      channel: CHANNELS.deploys,
    });
    expect(JSON.stringify(edited.json)).toMatch(/reason is updated.*waiting for the postmortem/);
    const released = await h.slack.command('unlock checkout production', {
      user: PEOPLE.dev,
      channel: CHANNELS.deploys,
    });
    expect(JSON.stringify(released.json)).toMatch(/unlocked/);
    expect((await submitStart()).json?.response_action).toBeUndefined();
  });

  it('/deploy lock locks by hand (people named on a deployment there); whoever locked it unlocks it', async () => {
    const stranger = await h.slack.command('lock checkout staging mine', {
      user: PEOPLE.stranger,
      channel: CHANNELS.deploys,
    });
    expect(JSON.stringify(stranger.json)).toMatch(/can lock it/);
    expect((await submitStart({ environment: 'staging' })).json?.response_action).toBeUndefined();
    const locked = await h.slack.command('lock checkout staging database maintenance', {
      user: PEOPLE.ops,
      channel: CHANNELS.deploys,
    });
    expect(JSON.stringify(locked.json)).toMatch(/Locked.*checkout in Staging/);
    const refused = await submitStart({ environment: 'staging' });
    expect(refused.json?.errors?.service).toMatch(/locked: database maintenance/);
    expect(
      JSON.stringify(
        (await h.slack.command('unlock checkout staging', { user: PEOPLE.qa, channel: CHANNELS.deploys })).json,
      ),
    ).toMatch(/Only whoever locked/);
    expect(
      JSON.stringify(
        (await h.slack.command('unlock checkout staging', { user: PEOPLE.ops, channel: CHANNELS.deploys })).json,
      ),
    ).toMatch(/unlocked/);
    expect(
      JSON.stringify((await h.slack.command('lock checkout', { user: PEOPLE.ops, channel: CHANNELS.deploys })).json),
    ).toMatch(/Name the service and the environment/);
  });
});

describe('a deployment of type Rollback', () => {
  it('links to the deployment it reverses', async () => {
    const { id: previous } = await completed(h, { version: '2.4.0' });
    const res = await submitStart({ type: 'rollback', version: '2.3.1' });
    expect(res.json?.response_action).toBeUndefined();
    const id = previous + 1;
    expect(stateOf(h, id).reverses).toBe(previous);
    expect(JSON.stringify(h.fake.message(CHANNELS.deploys, parentTsOf(id))!.blocks)).toContain('*Reverses:* DEP-1');
  });
});
