/**
 * A blank the template left (`[…]`) never shows raw: not in the modals (rollback confirmation,
 * evidence, failed step, start form) nor in the summary report's timeline. Text shows it as a
 * muted hint (`_✎ …_`), plain text as `✎ …`.
 */
import { describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../../src/core/deployment/events.js';
import { DEFAULT_TIMINGS } from '../../src/core/schedule/index.js';
import { itemsOfStage } from '../../src/core/template/items.js';
import { hasPlaceholder } from '../../src/core/template/placeholders.js';
import type { Template } from '../../src/core/template/schema.js';
import { evidenceModal, failStepModal, startModal } from '../../src/slack/views/modals/index.js';
import { rollbackModal } from '../../src/slack/views/modals/rollback.js';
import { renderNotice } from '../../src/slack/views/notices/index.js';
import { builtInTemplates, created, LATE, play, T0, USERS } from './fixtures.js';
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

/** Every item key of the plan, in order. */
function planItems(plan: Template): string[] {
  return (['pre', 'phase', 'verify', 'post'] as const).flatMap((s) => itemsOfStage(plan, s).map((p) => p.key));
}
