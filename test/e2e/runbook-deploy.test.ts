import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BUILT_IN_TEMPLATES_DIR, loadTemplates } from '../../src/config/templates.js';
import type { Deployment } from '../../src/core/deployment/types.js';
import { ActionId } from '../../src/slack/ids.js';
import { buttonsOf, press, startDeployment, textOf, threadOf } from '../support/flows.js';
import { CHANNELS, PEOPLE, startHarness, type Harness } from '../support/harness.js';
import { input } from '../support/slack-requests.js';
import { stateOf as storedState } from '../support/stored.js';

/** A small runbook of the team's own, as Markdown: a checklist with evidence, one phase with a window, a section Liftoff does not know. */
const RUNBOOK = `# Hotfix runbook

Ship one fix, fast.

## Pre-Deployment Checklist

- [ ] Fix reviewed
  - *Link to review:* [URL]
- [ ] Tests green

## Deployment Steps

### Phase 1: Ship

**10:00 - 10:30**

1. Deploy the fix
2. Check the error rate

## Rollback Plan

1. Redeploy the previous version

## Approvals

- **QA Lead:** [Name]

## On-call

Page the on-call engineer if the error rate doubles.
`;

let h: Harness;
let dir: string;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'liftoff-runbook-'));
  mkdirSync(join(dir, 'runbooks'));
  writeFileSync(join(dir, 'runbooks', 'hotfix-runbook.md'), RUNBOOK);
  writeFileSync(join(dir, 'liftoff.yml'), 'templates_dir: runbooks\n');
  h = await startHarness({ env: { LIFTOFF_CONFIG: join(dir, 'liftoff.yml') } });
});
afterEach(async () => {
  await h.stop();
  rmSync(dir, { recursive: true, force: true });
});

const stateOf = (id: number): Deployment => storedState(h, id);

describe('/deploy templates', () => {
  it('answers ephemerally with each template: name, id, source, approval roles, checklist items and phases', async () => {
    const res = await h.slack.command('templates', { user: PEOPLE.deployer, channel: CHANNELS.deploys });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ response_type: 'ephemeral' });
    const [answer, ...more] = h.fake.ephemerals({ user: PEOPLE.deployer });
    expect(more).toEqual([]);
    expect(answer!.via).toBe('command_ack');
    expect(h.fake.warnings).toEqual([]);
    const text = textOf(answer as never);
    expect(text).toContain('3 templates you can deploy with');

    const builtIns = [...loadTemplates(BUILT_IN_TEMPLATES_DIR).values()].map((l) => l.template);
    for (const t of builtIns) {
      const items = t.preDeployment.reduce((n, g) => n + g.items.length, 0);
      expect(text).toContain(`*${t.name}* (\`${t.id}\`)${t.id === 'deployment-task' ? ' — default' : ''} · built-in`);
      expect(text).toContain(
        `${items} checklist items before the start · ${t.phases.length} phase${t.phases.length === 1 ? '' : 's'}`,
      );
    }
    expect(text).toContain('Approvals: Development Lead, QA Lead, Operations Lead, Product Owner (optional)');
    expect(text).toContain(
      '*Hotfix runbook* (`hotfix-runbook`) · team file `hotfix-runbook.md`\nApprovals: QA Lead\n2 checklist items before the start · 1 phase (2 steps)',
    );
    // Nothing was stored.
    expect(h.query('SELECT id FROM deployments')).toEqual([]);
  });
});

describe('a deployment run from a Markdown runbook', () => {
  it('starts from the form, shows its items, phase and notes in the thread, and records a confirmation with evidence', async () => {
    const { id, parentTs } = await startDeployment(h, {
      template: 'hotfix-runbook',
      approvers: { qa_lead: PEOPLE.qa },
    });
    const d = stateOf(id);
    expect(d.templateId).toBe('hotfix-runbook');
    expect(d.plan.phases.map((p) => [p.title, p.window])).toEqual([['Ship', { start: '10:00', end: '10:30' }]]);
    expect(d.approvers).toEqual({ qa_lead: [PEOPLE.qa] });

    // The thread: the approval, the checklist, the phase with its window and steps, the runbook's notes.
    const thread = threadOf(h, parentTs);
    const all = thread.map(textOf).join('\n');
    for (const text of [
      'QA Lead',
      'Fix reviewed',
      'Tests green',
      'Ship',
      'Deploy the fix',
      'Check the error rate',
      'Notes from the runbook',
      'Page the on-call engineer if the error rate doubles.',
    ]) {
      expect(all).toContain(text);
    }
    const phase = thread.find((m) => textOf(m).includes('Phase 1 of 1: Ship'))!;
    expect(textOf(phase)).toMatch(
      /Planned <!date\^\d+\^[^|]*\|\d{4}-\d\d-\d\d 10:00 UTC> – <!date\^\d+\^\{time\}\|\d{4}-\d\d-\d\d 10:30 UTC> \(30 min\)/,
    );
    // No approvals yet: Start phase waits for the start gate, and the message says so.
    expect(buttonsOf(phase).map((b) => b.actionId)).not.toContain(ActionId.startPhase);
    expect(textOf(phase)).toContain('*Start phase* appears here once the start gate is open');
    const notes = thread.find((m) => textOf(m).includes('Notes from the runbook'))!;
    expect(textOf(notes)).toContain('*On-call*\nPage the on-call engineer if the error rate doubles.');
    expect(h.fake.warnings).toEqual([]);

    // Confirm the item that asks for evidence: the evidence form opens, the link is stored and shown.
    const key = 'pre.pre-deployment-checklist.fix-reviewed';
    expect(d.plan.preDeployment[0]?.items[0]?.evidence).toMatchObject({ label: 'Link to review', kind: 'url' });
    const { message } = await press(h, PEOPLE.qa, ActionId.confirmItem, { d: id, k: key });
    expect(message).toBeDefined();
    const view = h.fake.lastView()!;
    expect(textOf({ blocks: (view.view as { blocks: unknown[] }).blocks } as never)).toContain('Link to review');
    const submitted = await h.slack.submitView({
      user: PEOPLE.qa,
      callbackId: 'item.evidence',
      privateMetadata: (view.view as { private_metadata: string }).private_metadata,
      values: { evidence: { value: input.text('https://review.example.com/pr/7') } },
      viewId: view.id,
    });
    expect(submitted.status).toBe(200);
    await h.settled();
    expect(stateOf(id).items[key]).toMatchObject({
      state: 'done',
      by: PEOPLE.qa,
      evidence: 'https://review.example.com/pr/7',
    });
    const updated = h.fake.message(CHANNELS.deploys, message!.ts)!;
    expect(textOf(updated)).toContain(`<@${PEOPLE.qa}>`);
    expect(textOf(updated)).toContain('review.example.com/pr/7');
    expect(
      buttonsOf(updated).find((b) => b.value.includes('fix-reviewed') && b.actionId === ActionId.undoItem),
    ).toBeDefined();
    // The card's progress follows.
    expect(textOf(h.fake.message(CHANNELS.deploys, parentTs)!)).toMatch(/\(1\/\d+ required/);
  });
});
