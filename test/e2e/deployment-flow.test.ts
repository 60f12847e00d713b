import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Deployment } from '../../src/core/deployment/types.js';
import { itemsOfStage } from '../../src/core/template/items.js';
import { ActionId, encodeRef } from '../../src/slack/ids.js';
import { buttonsOf, press, startDeployment, textOf, threadOf } from '../support/flows.js';
import { CHANNELS, PEOPLE, startHarness, type Harness } from '../support/harness.js';
import { input } from '../support/slack-requests.js';
import { stateOf as storedState } from '../support/stored.js';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.stop();
});

const stateOf = (id: number): Deployment => storedState(h, id);

const eventsOf = (id: number) =>
  h.query<{ type: string; actor: string; data: string }>(
    'SELECT type, actor, data FROM events WHERE deployment_id = ? ORDER BY seq',
    id,
  );

async function confirmAll(
  id: number,
  stage: 'pre' | 'phase' | 'verify' | 'post',
  user: string = PEOPLE.deployer,
  phaseId?: string,
) {
  const d = stateOf(id);
  for (const p of itemsOfStage(d.plan, stage)) {
    if (phaseId && p.sectionId !== phaseId) continue;
    if (p.item.evidence) {
      await press(h, user, ActionId.confirmItem, { d: id, k: p.key });
      const view = h.fake.lastView()!;
      const res = await h.slack.submitView({
        user,
        callbackId: 'item.evidence',
        privateMetadata: (view.view as { private_metadata: string }).private_metadata,
        values: {
          evidence: {
            value: input.text(p.item.evidence.kind === 'url' ? 'https://ci.example.com/run/42' : 'backup-2026-11-23'),
          },
        },
        viewId: view.id,
      });
      expect(res.status).toBe(200);
      await h.settled();
    } else {
      await press(h, user, ActionId.confirmItem, { d: id, k: p.key });
    }
  }
}

describe('a deployment from /deploy start to completion', () => {
  it('opens the start form prefilled from the command arguments', async () => {
    const res = await h.slack.command('start checkout 2.4.0 prod', {
      user: PEOPLE.deployer,
      channel: CHANNELS.deploys,
    });
    expect(res.status).toBe(200);
    await h.settled();
    const view = h.fake.lastView()!.view as {
      callback_id: string;
      blocks: Array<{ block_id: string; element?: Record<string, any> }>;
    };
    expect(view.callback_id).toBe('deploy.start');
    const block = (id: string) => view.blocks.find((b) => b.block_id === id)?.element;
    expect(block('service')?.initial_value).toBe('checkout');
    expect(block('version')?.initial_value).toBe('2.4.0');
    expect(block('environment')?.initial_option?.value).toBe('production');
    expect(block('deployer')?.initial_user).toBe(PEOPLE.deployer);
    expect(view.blocks.map((b) => b.block_id)).toEqual(
      expect.arrayContaining(['approver:dev_lead', 'approver:qa_lead', 'approver:ops_lead']),
    );
  });

  it('runs the whole process in one thread and records who did what', async () => {
    const { id, parentTs } = await startDeployment(h);
    expect(parentTs).not.toBe('');
    const parent = h.fake.message(CHANNELS.deploys, parentTs)!;
    expect(textOf(parent)).toContain('checkout');
    expect(textOf(parent)).toContain('2.4.0');
    expect(textOf(parent)).toContain('DEP-1');
    expect(textOf(parent)).toMatch(/<!date\^\d+\^/);
    expect(threadOf(h, parentTs).length).toBeGreaterThanOrEqual(4);
    // Only threads: the channel itself gets exactly one message.
    expect(h.fake.messages(CHANNELS.deploys).filter((m) => !m.thread_ts || m.thread_ts === m.ts)).toHaveLength(1);

    // A stranger cannot approve; nothing changes and the refusal is audited.
    await press(h, PEOPLE.stranger, ActionId.approve, { d: id, r: 'dev_lead' });
    expect(stateOf(id).approvals).toEqual({});
    expect(h.fake.ephemerals({ user: PEOPLE.stranger }).at(-1)?.text).toMatch(
      /Only the named Development Lead \(<@UDEVLEAD>\) can sign as Development Lead/,
    );
    expect(eventsOf(id).map((e) => e.type)).toContain('refused');

    // The gate holds the phases.
    const phaseId = stateOf(id).plan.phases[0]!.id;
    await press(h, PEOPLE.deployer, ActionId.startPhase, { d: id, p: phaseId });
    expect(stateOf(id).phases[phaseId]?.started).toBeUndefined();
    expect(h.fake.ephemerals({ user: PEOPLE.deployer }).at(-1)?.text).toMatch(/cannot start yet/);

    for (const [role, user] of [
      ['dev_lead', PEOPLE.dev],
      ['qa_lead', PEOPLE.qa],
      ['ops_lead', PEOPLE.ops],
    ] as const) {
      await press(h, user, ActionId.approve, { d: id, r: role });
    }
    expect(Object.keys(stateOf(id).approvals).sort()).toEqual(['dev_lead', 'ops_lead', 'qa_lead']);
    expect(stateOf(id).status).toBe('preparing');

    await confirmAll(id, 'pre');
    const withEvidence = itemsOfStage(stateOf(id).plan, 'pre').find((p) => p.item.evidence?.kind === 'url')!;
    expect(stateOf(id).items[withEvidence.key]).toMatchObject({
      state: 'done',
      by: PEOPLE.deployer,
      evidence: 'https://ci.example.com/run/42',
    });

    for (const phase of stateOf(id).plan.phases) {
      await press(h, PEOPLE.deployer, ActionId.startPhase, { d: id, p: phase.id });
      expect(stateOf(id).phases[phase.id]?.started?.by).toBe(PEOPLE.deployer);
      await confirmAll(id, 'phase', PEOPLE.deployer, phase.id);
      await press(h, PEOPLE.deployer, ActionId.completePhase, { d: id, p: phase.id });
      expect(stateOf(id).phases[phase.id]?.completed).toBeDefined();
    }
    expect(stateOf(id).status).toBe('verifying');
    await confirmAll(id, 'verify', PEOPLE.qa);
    await confirmAll(id, 'post', PEOPLE.ops);
    await press(h, PEOPLE.deployer, ActionId.complete, { d: id });
    const done = stateOf(id);
    expect(done.status).toBe('completed');

    // The parent card follows: completed, full progress; no buttons remain anywhere.
    const finalParent = h.fake.message(CHANNELS.deploys, parentTs)!;
    expect(textOf(finalParent)).toMatch(/Completed/);
    for (const m of threadOf(h, parentTs)) {
      expect(buttonsOf(m).filter((b) => b.actionId !== ActionId.openLink)).toEqual([]);
    }
    // Every message the bot sent passed the fake's Block Kit checks and had fallback text.
    expect(h.fake.warnings).toEqual([]);
    const failures = h.fake.calls.filter(
      (c) => c.method.startsWith('chat.') && (c.response as { ok?: boolean }).ok === false,
    );
    expect(failures).toEqual([]);
  });

  it('shows who confirmed an item and when, and lets the author undo it', async () => {
    const { id } = await startDeployment(h);
    const item = itemsOfStage(stateOf(id).plan, 'pre').find((p) => !p.item.evidence)!;
    const { message } = await press(h, PEOPLE.qa, ActionId.confirmItem, { d: id, k: item.key });
    expect(stateOf(id).items[item.key]).toMatchObject({ state: 'done', by: PEOPLE.qa });
    const updated = h.fake.message(CHANNELS.deploys, message!.ts)!;
    expect(textOf(updated)).toMatch(new RegExp(`✅[^\\n]*<@${PEOPLE.qa}>`));
    expect(updated.updates).toBeGreaterThan(0);

    await press(h, PEOPLE.dev, ActionId.undoItem, { d: id, k: item.key });
    expect(stateOf(id).items[item.key]).toBeDefined();
    expect(h.fake.ephemerals({ user: PEOPLE.dev }).at(-1)?.text).toMatch(
      /Only whoever confirmed it \(<@UQALEAD>\) or the deployer/,
    );

    await press(h, PEOPLE.qa, ActionId.undoItem, { d: id, k: item.key });
    expect(stateOf(id).items[item.key]).toBeUndefined();
    expect(eventsOf(id).map((e) => e.type)).toEqual(expect.arrayContaining(['item_confirmed', 'item_undone']));
  });
});

describe('the start form refuses bad input inline and creates nothing', () => {
  it.each([
    ['an empty version', { version: '   ' }, 'version'],
    ['a window that ends before it starts', { windowStart: 2_000_000_000, windowEnd: 1_999_999_000 }, 'window_end'],
    [
      'the deployer as an approver',
      { approvers: { dev_lead: PEOPLE.deployer, qa_lead: PEOPLE.qa, ops_lead: PEOPLE.ops } },
      'approver:dev_lead',
    ],
    ['a bad ticket line', { tickets: 'not a ticket' }, 'tickets'],
  ])('%s', async (_name, values, block) => {
    await h.slack.command('start', { user: PEOPLE.deployer, channel: CHANNELS.deploys });
    await h.settled();
    const opened = h.fake.lastView()!;
    const { startValues } = await import('../support/flows.js');
    const res = await h.slack.submitView({
      user: PEOPLE.deployer,
      callbackId: 'deploy.start',
      privateMetadata: (opened.view as { private_metadata: string }).private_metadata,
      values: startValues(h, values),
      viewId: opened.id,
    });
    expect(res.json?.response_action).toBe('errors');
    expect(Object.keys(res.json?.errors ?? {})).toContain(block);
    expect(h.query('SELECT id FROM deployments')).toEqual([]);
  });

  it('a double submission of the form creates one deployment', async () => {
    await h.slack.command('start', { user: PEOPLE.deployer, channel: CHANNELS.deploys });
    await h.settled();
    const opened = h.fake.lastView()!;
    const { startValues } = await import('../support/flows.js');
    const submit = () =>
      h.slack.submitView({
        user: PEOPLE.deployer,
        callbackId: 'deploy.start',
        privateMetadata: (opened.view as { private_metadata: string }).private_metadata,
        values: startValues(h),
        viewId: opened.id,
      });
    await Promise.all([submit(), submit()]);
    await h.settled();
    expect(h.query('SELECT id FROM deployments')).toHaveLength(1);
    expect(h.fake.messages(CHANNELS.deploys).filter((m) => !m.thread_ts)).toHaveLength(1);
  });
});

describe('commands answer only the person who typed them', () => {
  it('help, list, status and unknown input', async () => {
    const help = await h.slack.command('help', { user: PEOPLE.qa, channel: CHANNELS.deploys });
    expect(help.json?.response_type).toBe('ephemeral');
    expect(help.json?.text ?? JSON.stringify(help.json)).toMatch(/status/);
    const unknown = await h.slack.command('launch <!channel>', { user: PEOPLE.qa, channel: CHANNELS.deploys });
    expect(JSON.stringify(unknown.json)).not.toContain('<!channel>');
    const { id } = await startDeployment(h);
    await h.slack.command('list', { user: PEOPLE.qa, channel: CHANNELS.deploys });
    await h.settled();
    const listed = [...h.fake.ephemerals({ user: PEOPLE.qa })].map((e) => JSON.stringify(e)).join('\n');
    expect(listed).toContain(`DEP-${id}`);
    const missing = await h.slack.command('status DEP-999', { user: PEOPLE.qa, channel: CHANNELS.deploys });
    expect(JSON.stringify(missing.json)).toMatch(/no deployment DEP-999/);
  });

  it('/deploy cancel by someone other than the deployer is refused; by the deployer it cancels', async () => {
    const { id, parentTs } = await startDeployment(h);
    const refused = await h.slack.command(`cancel DEP-${id} not mine`, { user: PEOPLE.qa, channel: CHANNELS.deploys });
    await h.settled();
    expect(JSON.stringify(refused.json)).toMatch(/Only the deployer/);
    expect(stateOf(id).status).toBe('scheduled');
    await h.slack.command(`cancel DEP-${id} window moved`, { user: PEOPLE.deployer, channel: CHANNELS.deploys });
    await h.settled();
    expect(stateOf(id)).toMatchObject({
      status: 'cancelled',
      cancelled: { reason: 'window moved', by: PEOPLE.deployer },
    });
    expect(textOf(h.fake.message(CHANNELS.deploys, parentTs)!)).toMatch(/Cancelled/);
    // A click on a cancelled deployment changes nothing.
    const item = itemsOfStage(stateOf(id).plan, 'pre')[0]!;
    await h.slack.action({
      user: PEOPLE.deployer,
      actionId: ActionId.confirmItem,
      value: encodeRef({ d: id, k: item.key }),
      channel: CHANNELS.deploys,
    });
    await h.settled();
    expect(stateOf(id).items).toEqual({});
  });
});
