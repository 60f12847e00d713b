import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Deployment } from '../../src/core/deployment/types.js';
import { itemsOfStage } from '../../src/core/template/items.js';
import { ActionId } from '../../src/slack/ids.js';
import { buttonsOf, mrkdwnOf, press, startDeployment, textOf, threadOf } from '../support/flows.js';
import { CHANNELS, PEOPLE, startHarness, type Harness } from '../support/harness.js';
import { input } from '../support/slack-requests.js';
import { submitReason } from '../support/schedule.js';
import { overrideGate } from '../rollback/helpers.js';
import { stateOf as storedState } from '../support/stored.js';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.stop();
});

const stateOf = (id: number): Deployment => storedState(h, id);

/** Presses a button that opens a modal, then submits the modal with a reason. */
async function withReason(
  user: string,
  actionId: string,
  ref: Parameters<typeof press>[3],
  reason: string,
  extra: Record<string, Record<string, unknown>> = {},
) {
  await press(h, user, actionId, ref);
  return submitReason(h, user, reason, extra);
}

describe('approvals', () => {
  it('approve and reject ask for confirmation before anything is signed', async () => {
    const { parentTs } = await startDeployment(h);
    const approvals = threadOf(h, parentTs).find((m) => buttonsOf(m).some((b) => b.actionId === ActionId.approve))!;
    const raw = JSON.stringify(approvals.blocks);
    const buttons = (approvals.blocks as Array<{ elements?: Array<{ action_id?: string; confirm?: unknown }> }>)
      .flatMap((b) => b.elements ?? [])
      .filter((e) => e.action_id === ActionId.approve || e.action_id === ActionId.reject);
    expect(buttons.length).toBeGreaterThanOrEqual(6);
    expect(buttons.every((b) => b.confirm)).toBe(true);
    expect(raw).toContain('Development Lead');
  });

  it('a rejection with a reason blocks the deployment and is shown to everyone', async () => {
    const { id, parentTs } = await startDeployment(h);
    await withReason(PEOPLE.qa, ActionId.reject, { d: id, r: 'qa_lead' }, 'Regression in <!channel> coupons & totals');
    const d = stateOf(id);
    expect(d.approvals.qa_lead).toMatchObject({
      decision: 'rejected',
      by: PEOPLE.qa,
      reason: 'Regression in <!channel> coupons & totals',
    });
    const thread = threadOf(h, parentTs).map(textOf).join('\n');
    expect(thread).toContain('rejected');
    // Shown as written, never as a ping.
    expect(thread).toContain('&lt;!channel&gt;');
    expect(thread).not.toMatch(/<!channel>/);
    // The gate names the rejection.
    await press(h, PEOPLE.deployer, ActionId.startPhase, { d: id, p: d.plan.phases[0]!.id });
    expect(h.fake.ephemerals({ user: PEOPLE.deployer }).at(-1)?.text).toMatch(/QA Lead rejected it/);
  });

  it('one person cannot sign for two roles, and the deployer cannot approve their own deployment', async () => {
    const { id } = await startDeployment(h, {
      approvers: { dev_lead: PEOPLE.dev, qa_lead: PEOPLE.qa, ops_lead: PEOPLE.ops, product_owner: PEOPLE.product },
    });
    await press(h, PEOPLE.deployer, ActionId.approve, { d: id, r: 'ops_lead' });
    expect(stateOf(id).approvals).toEqual({});
    await press(h, PEOPLE.product, ActionId.approve, { d: id, r: 'product_owner' });
    expect(stateOf(id).approvals.product_owner?.by).toBe(PEOPLE.product);
  });
});

describe('gates and overrides', () => {
  it('in production the deployer asks to override the start gate with a reason; an approver grants it; it is recorded with what was missing', async () => {
    const { id, parentTs } = await startDeployment(h);
    const res = await withReason(PEOPLE.qa, ActionId.overrideGate, { d: id, g: 'start' }, 'not mine to override');
    expect(stateOf(id).overrides).toEqual([]);
    expect(res.status).toBe(200);
    await withReason(PEOPLE.deployer, ActionId.overrideGate, { d: id, g: 'start' }, 'Hotfix for an outage');
    // Without a team configuration too, production's gates need a second person: this only asks.
    expect(stateOf(id).overrides).toEqual([]);
    expect(stateOf(id).overrideRequests?.start).toMatchObject({ by: PEOPLE.deployer, reason: 'Hotfix for an outage' });
    expect(threadOf(h, parentTs).map(textOf).join('\n')).toContain('asks to override');
    await press(h, PEOPLE.deployer, ActionId.grantOverride, { d: id, g: 'start' });
    expect(stateOf(id).overrides).toEqual([]);
    await press(h, PEOPLE.dev, ActionId.grantOverride, { d: id, g: 'start' });
    const d = stateOf(id);
    expect(d.overrides).toHaveLength(1);
    expect(d.overrides[0]).toMatchObject({
      gate: 'start',
      by: PEOPLE.dev,
      requestedBy: PEOPLE.deployer,
      reason: 'Hotfix for an outage',
    });
    expect(d.overrides[0]!.missing.length).toBeGreaterThan(0);
    expect(threadOf(h, parentTs).map(textOf).join('\n')).toContain('Hotfix for an outage');
    await press(h, PEOPLE.deployer, ActionId.startPhase, { d: id, p: d.plan.phases[0]!.id });
    expect(stateOf(id).status).toBe('in_progress');
  });

  it('in staging the deployer overrides alone', async () => {
    const { id } = await startDeployment(h, { environment: 'staging' });
    await withReason(PEOPLE.deployer, ActionId.overrideGate, { d: id, g: 'start' }, 'Hotfix for an outage');
    expect(stateOf(id).overrides[0]).toMatchObject({ gate: 'start', by: PEOPLE.deployer });
  });

  it('an override with an empty reason is refused inline and records nothing', async () => {
    const { id } = await startDeployment(h);
    const res = await withReason(PEOPLE.deployer, ActionId.overrideGate, { d: id, g: 'start' }, '   ');
    expect(res.json).toMatchObject({ response_action: 'errors', errors: { reason: expect.any(String) } });
    expect(stateOf(id).overrides).toEqual([]);
  });
});

describe('phases', () => {
  it('a failed step is recorded with its note and shown prominently', async () => {
    const { id, parentTs } = await startDeployment(h);
    await overrideGate(h, id, 'start');
    const phase = stateOf(id).plan.phases[0]!;
    await press(h, PEOPLE.deployer, ActionId.startPhase, { d: id, p: phase.id });
    const step = itemsOfStage(stateOf(id).plan, 'phase').find((p) => p.sectionId === phase.id)!;
    await press(h, PEOPLE.deployer, ActionId.failStep, { d: id, p: phase.id });
    const view = h.fake.lastView()!;
    const v = view.view as {
      private_metadata: string;
      blocks: Array<{ block_id: string; element?: { options?: Array<{ value: string }> } }>;
    };
    const option = v.blocks.find((b) => b.block_id === 'step')!.element!.options![0]!;
    await h.slack.submitView({
      user: PEOPLE.ops,
      callbackId: 'step.fail',
      privateMetadata: v.private_metadata,
      values: { step: { value: input.select(option.value) }, reason: { value: input.text('CDN purge timed out') } },
      viewId: view.id,
    });
    await h.settled();
    expect(stateOf(id).items[step.key]).toMatchObject({ state: 'failed', by: PEOPLE.ops, note: 'CDN purge timed out' });
    const thread = threadOf(h, parentTs).map(textOf).join('\n');
    expect(thread).toContain('❌');
    expect(thread).toContain('CDN purge timed out');
    // The phase cannot complete with a failed step.
    await press(h, PEOPLE.deployer, ActionId.completePhase, { d: id, p: phase.id });
    expect(stateOf(id).phases[phase.id]?.completed).toBeUndefined();
  });

  it('the phase message shows when it started and its planned window', async () => {
    const { id, parentTs } = await startDeployment(h);
    await overrideGate(h, id, 'start');
    const phase = stateOf(id).plan.phases[0]!;
    h.clock.advance(5 * 60_000);
    await press(h, PEOPLE.deployer, ActionId.startPhase, { d: id, p: phase.id });
    const msg = threadOf(h, parentTs).find((m) => buttonsOf(m).some((b) => b.actionId === ActionId.failStep))!;
    expect(textOf(msg)).toMatch(/<!date\^\d+\^/);
    expect(stateOf(id).phases[phase.id]?.started?.at).toBe(h.clock.now());
  });
});

describe('hostile text', () => {
  it('service, version, changes and tickets are shown as written and never ping or link', async () => {
    const evil = '<!channel> <@U123> <https://evil.example|bank> & co';
    const { parentTs } = await startDeployment(h, { service: evil, changes: evil, tickets: '#SEC-1: <!here> urgent' });
    // Plain text (headers) is never parsed by Slack; mrkdwn and the fallback text are, so they must be escaped.
    const all = [h.fake.message(CHANNELS.deploys, parentTs)!, ...threadOf(h, parentTs)].map(mrkdwnOf).join('\n');
    expect(all).toContain('&lt;!channel&gt;');
    for (const bad of ['<!channel>', '<!here>', '<@U123>', '<https://evil'])
      expect(
        all.includes(bad),
        `${bad} in ${all.slice(Math.max(0, all.indexOf(bad) - 200), all.indexOf(bad) + 50)}`,
      ).toBe(false);
  });
});
