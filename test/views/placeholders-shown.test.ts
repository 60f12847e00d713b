/**
 * A blank the template left (`[…]`) never shows raw: not in the modals (rollback confirmation,
 * evidence, failed step, start form), the summary report's timeline, an override's note of what
 * the gate lacked, nor the preparation reminder's list of who owes what. Text shows it as a
 * muted hint (`_✎ …_`), plain text as `✎ …`.
 */
import { describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../../src/core/deployment/events.js';
import { gateReport } from '../../src/core/deployment/gates.js';
import { DEFAULT_TIMINGS } from '../../src/core/schedule/index.js';
import { itemsOfStage } from '../../src/core/template/items.js';
import { hasPlaceholder } from '../../src/core/template/placeholders.js';
import type { Template } from '../../src/core/template/schema.js';
import { evidenceModal, failStepModal, startModal } from '../../src/slack/views/modals/index.js';
import { renderDeployment } from '../../src/slack/views/deployment/index.js';
import { rollbackModal } from '../../src/slack/views/modals/rollback.js';
import { renderNotice } from '../../src/slack/views/notices/index.js';
import { builtInTemplates, created, LATE, play, T0, USERS } from './fixtures.js';
import { showsRawBlank } from '../support/flows.js';
import { allTextOf, textObjects } from './helpers.js';

const seed = (id: string): Template => builtInTemplates.find((t) => t.id === id)!;
/** The seed with blanks where people leave them: in a trigger, a role's label, an evidence label and a step. */
const blanks = (id: string): Template => {
  const t = structuredClone(seed(id));
  t.rollback.triggers.push('Error rate above [X]% for [N] minutes');
  t.approvals[0]!.label = '[Approver role]';
  t.phases[0]!.steps.push({ id: 'blank', text: 'Run [script name] on [host]', required: true, details: [], level: 0 });
  t.preDeployment[0]!.items[0]!.evidence = { label: '[Evidence label]', kind: 'text', hint: '[Details]' };
  return t;
};
const raw = (view: unknown) =>
  textObjects(view)
    .map((t) => t.text)
    .filter(hasPlaceholder);

describe.each(['standard-release', 'deployment-task'])('the %s seed’s blanks', (id) => {
  const plan = blanks(id);
  const running = play(
    created(plan),
    [{ type: 'gate_overridden', gate: 'start', reason: 'x', missing: [] }],
    [{ type: 'phase_started', phaseId: plan.phases[0]!.id }],
  );

  it('never show raw in the rollback confirmation; a trigger with a blank is offered with a hint', () => {
    const view = rollbackModal({ d: running, toVersion: '2.3.1' });
    expect(raw(view)).toEqual([]);
    expect(allTextOf(view)).toContain('Error rate above ✎ X% for ✎ N minutes');
  });

  it('never show raw in the evidence modal', () => {
    const p = itemsOfStage(plan, 'pre').find((x) => x.item.evidence?.label === '[Evidence label]')!;
    const { label, hint, kind } = p.item.evidence!;
    const view = evidenceModal({ d: 12, key: p.key, label, hint, kind, itemText: 'Backup taken to [bucket]' });
    expect(raw(view)).toEqual([]);
  });

  it('never show raw in the failed-step modal nor the start form', () => {
    const phase = plan.phases[0]!;
    const steps = itemsOfStage(plan, 'phase').filter((p) => p.sectionId === phase.id);
    expect(raw(failStepModal({ d: 12, phase, steps }))).toEqual([]);
    const form = startModal({
      templates: [{ id: plan.id, name: `${plan.name} [team]`, roles: plan.approvals }],
      templateId: plan.id,
      prefill: {},
      deployerId: USERS.deployer,
      channelId: 'C0DEPLOYS01',
      now: T0,
    });
    expect(raw(form)).toEqual([]);
    expect(allTextOf(form)).toContain('✎ Approver role approval');
  });

  it('never show raw in the summary report’s timeline', () => {
    const keys = planItems(plan);
    const events = keys.map((p, i) => ({
      type: 'item_confirmed',
      key: p,
      actor: USERS.deployer,
      at: T0 + i,
    })) as RecordedEvent[];
    const report = renderNotice({
      job: { kind: 'summary', dueAt: LATE, payload: { target: 'thread' } },
      d: running,
      events,
      now: LATE,
      timings: DEFAULT_TIMINGS,
    });
    for (const m of [report, ...(report.more ?? [])]) expect(raw(m.blocks)).toEqual([]);
    expect(allTextOf(report.blocks)).toContain('confirmed “Run _✎ script name_ on _✎ host_”');
  });
});

describe.each(['standard-release', 'deployment-task'])('the %s seed’s blanks, in what a closed gate lists', (id) => {
  const plan = blanks(id);
  const fresh = created(plan);
  // The role with a blank label comes first in what the start gate lacks, then the open items.
  const missing = gateReport(fresh, 'start').missing;

  it('never show raw in an override’s note of what the gate lacked', () => {
    const overridden = play(fresh, [{ type: 'gate_overridden', gate: 'start', reason: 'Hotfix', missing }]);
    const note = renderDeployment(overridden, T0).find((m) => m.key === 'note:override:start')!;
    expect(raw(note.blocks)).toEqual([]);
    expect(note.text).toContain('• _✎ Approver role_ approval');
  });

  it('never show raw in the preparation reminder’s list of who owes what', () => {
    const reminder = renderNotice({
      job: { kind: 'personal_reminder', dueAt: T0, payload: { target: 'thread' } },
      d: fresh,
      events: [],
      now: T0,
      timings: DEFAULT_TIMINGS,
    });
    expect(raw(reminder.blocks)).toEqual([]);
    expect(allTextOf(reminder.blocks)).toContain('the _✎ Approver role_ approval');
  });
});

describe.each(['standard-release', 'deployment-task'])('the %s seed’s blanks, in the health checks', (id) => {
  it('an endpoint and an answer left blank show as hints; a written endpoint as code', () => {
    const plan = blanks(id);
    plan.verification.healthChecks = [
      { endpoint: '[URL]', expected: '[Response]' },
      { endpoint: 'https://shop.example.com/healthz', status: 200, expected: '[Body]' },
    ];
    const text = renderDeployment(created(plan), T0)
      .filter((m) => m.key.startsWith('verify'))
      .map((m) => allTextOf(m.blocks))
      .join('\n');
    expect(text).toContain('• _✎ URL_ → _✎ Response_');
    expect(text).toContain('• `https://shop.example.com/healthz` → 200 → _✎ Body_');
    expect(showsRawBlank(text)).toBe(false);
  });
});

/** Every item key of the plan, in order. */
function planItems(plan: Template): string[] {
  return (['pre', 'phase', 'verify', 'post'] as const).flatMap((s) => itemsOfStage(plan, s).map((p) => p.key));
}
