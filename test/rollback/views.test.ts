import type { ModalView } from '@slack/types';
import { describe, expect, it } from 'vitest';
import type { Deployment } from '../../src/core/deployment/types.js';
import { itemsOfStage } from '../../src/core/template/items.js';
import type { Template } from '../../src/core/template/schema.js';
import { ActionId, decodeRef, RollbackField, ViewId } from '../../src/slack/ids.js';
import { renderDeployment } from '../../src/slack/views/deployment/index.js';
import { isOnlyPlaceholder } from '../../src/core/template/placeholders.js';
import { rollbackNotice, rollbackReport } from '../../src/slack/views/deployment/rollback.js';
import { restorePreset, rollbackModal } from '../../src/slack/views/modals/rollback.js';
import { validateView } from '../support/block-kit-rules.js';
import { allTemplates, created, HOSTILE, MIN, play, T0, USERS } from '../views/fixtures.js';
import { allTextOf, buttons, mrkdwnOf, ownLimitProblems } from '../views/helpers.js';

const underway = (plan: Template) =>
  play(
    created(plan),
    [{ type: 'gate_overridden', gate: 'start', reason: 'x', missing: [] }],
    [{ type: 'phase_started', phaseId: plan.phases[0]!.id }],
  );

const rolledBackAt = T0 + 10 * MIN;
const rollingBack = (plan: Template, trigger = 'Error rate above 5%', note = 'Seen on the dashboards') =>
  play(underway(plan), [
    {
      type: 'rollback_started',
      trigger,
      restore: ['code', 'database'],
      note,
      fromVersion: '2.14.0',
      toVersion: '2.13.2',
    },
    USERS.qa,
    rolledBackAt,
  ]);

function rollbackStates(plan: Template): Array<[string, Deployment]> {
  const started = rollingBack(plan, '"'.repeat(500), '"'.repeat(1000));
  const keys = [...itemsOfStage(plan, 'rollback'), ...itemsOfStage(plan, 'rollback_validation')].map((p) => p.key);
  const allDone = play(
    started,
    ...keys.map(
      (key) =>
        [{ type: 'item_confirmed' as const, key }, USERS.ops] as [{ type: 'item_confirmed'; key: string }, string],
    ),
  );
  const failed = play(started, [{ type: 'rollback_failed', note: '"'.repeat(1000) }, USERS.ops]);
  const completed = play(allDone, [{ type: 'rollback_completed' }, USERS.deployer]);
  return [
    ['started', started],
    ['all done', allDone],
    ['failed', failed],
    ['completed', completed],
  ];
}

const keysOf = (d: Deployment, now: number) =>
  renderDeployment(d, now)
    .map((m) => m.key)
    .filter((k) => !k.startsWith('note:') && k !== 'rollback:report');

describe.each(allTemplates)('the rollback messages of the %s template', (_name, plan) => {
  it('stay within Slack’s limits in every rollback state, under the same keys', () => {
    const states = rollbackStates(plan);
    const keys = keysOf(states[0]![1], rolledBackAt);
    for (const [name, d] of states) {
      const now = rolledBackAt + 1000 * MIN;
      expect(keysOf(d, now), name).toEqual(keys);
      for (const m of renderDeployment(d, now))
        expect(ownLimitProblems(m.blocks, m.text), `${name}: ${m.key}`).toEqual([]);
    }
  });

  it('the confirmation modal is valid Block Kit', () => {
    expect(validateView(rollbackModal({ d: underway(plan), toVersion: '2.13.2' }))).toEqual([]);
  });
});

describe('the Roll back button', () => {
  const plan = allTemplates[0]![1];
  const rollbackButtons = (d: Deployment) =>
    renderDeployment(d, T0)
      .flatMap((m) => buttons(m.blocks))
      .filter((b) => b.action_id === ActionId.rollback);

  it('shows on the card and in the thread from the first phase start, not before, and not once a rollback started', () => {
    expect(rollbackButtons(created(plan))).toEqual([]);
    const running = rollbackButtons(underway(plan));
    expect(running).toHaveLength(2);
    expect(decodeRef(running[0]!.value)).toEqual({ d: 12 });
    expect(rollbackButtons(rollingBack(plan))).toEqual([]);
  });

  it('stays through the monitoring window', () => {
    const d = underway(plan);
    const monitoring: Deployment = {
      ...d,
      status: 'monitoring',
      monitoring: { by: USERS.deployer, at: T0, until: T0 + 60 * MIN },
    };
    expect(rollbackButtons(monitoring)).toHaveLength(2);
    expect(rollbackButtons({ ...d, status: 'completed' })).toEqual([]);
  });
});

describe('the rollback timer', () => {
  const base = allTemplates[0]![1];
  const plan: Template = { ...base, rollback: { ...base.rollback, estimatedMinutes: 20 } };

  it('shows the time elapsed against the estimate, and the overrun', () => {
    const d = rollingBack(plan);
    const within = renderDeployment(d, rolledBackAt + 12 * MIN);
    expect(allTextOf(within.find((m) => m.key === 'rollback:plan')!.blocks)).toContain(
      'Running for 12 min of 20 min estimated',
    );
    const late = renderDeployment(d, rolledBackAt + 25 * MIN);
    expect(allTextOf(late.find((m) => m.key === 'rollback:plan')!.blocks)).toContain(
      'Over the estimated rollback time by 5 min',
    );
    expect(allTextOf(late.find((m) => m.key === 'parent')!.blocks)).toMatch(/Rolling back.*over the estimate by 5 min/);
  });

  it('the report gives the rollback’s own timeline and its duration against the estimate', () => {
    const [p1, p2] = itemsOfStage(plan, 'rollback');
    const d = play(
      rollingBack(plan),
      [{ type: 'item_confirmed', key: p1!.key }, USERS.ops, rolledBackAt + 4 * MIN],
      [{ type: 'item_confirmed', key: p2!.key }, USERS.dev, rolledBackAt + 9 * MIN],
      [{ type: 'rollback_completed' }, USERS.deployer, rolledBackAt + 31 * MIN],
    );
    // The thread's rollback-completed notice carries it: one message for the event.
    expect(renderDeployment(d, rolledBackAt + 60 * MIN).map((m) => m.key)).not.toContain('rollback:report');
    const text = allTextOf(rollbackReport(d));
    expect(text).toContain('*Duration:* 31 min (estimate 20 min, over by 11 min)');
    expect(text).toMatch(
      /\+4 min ✅ .* — <@U0OPSLEAD01>\n\+9 min ✅ .* — <@U0DEVLEAD01>\n\+31 min ↩️ marked complete by <@U0DEPLOYER1>/,
    );
  });
});

describe('after the rollback', () => {
  const plan = allTemplates[0]![1];

  it('the interrupted phase stops its clock and says so; the card reads “Rolled back 2.14.0 → 2.13.2”', () => {
    const d = play(rollingBack(plan), [{ type: 'rollback_completed' }, USERS.deployer, rolledBackAt + 20 * MIN]);
    const later = renderDeployment(d, rolledBackAt + 1000 * MIN);
    const phase = later.find((m) => m.key === `phase:${plan.phases[0]!.id}`)!;
    const text = allTextOf(phase.blocks);
    expect(phase.text).toContain(': interrupted, 0 of');
    expect(text).toMatch(/⏹️ Interrupted by the rollback <!date\^\d+\^[^>]+> after \d+ min of \d+ min planned/);
    expect(text).not.toContain('Running for');
    expect(text).not.toContain('Over plan');
    expect(allTextOf(later.find((m) => m.key === 'parent')!.blocks)).toMatch(
      /↩️ \*Rolled back\* 2\.14\.0 → 2\.13\.2 · <!date/,
    );
  });
});

describe('the rollback notices and note', () => {
  const plan = allTemplates[0]![1];

  it('have a plain fallback (what a phone notification shows) and the trigger in the block', () => {
    const d = rollingBack(plan);
    const started = rollbackNotice(d, 'started', null);
    expect(started.text).toBe('⏪ Rolling back checkout-api in Production (DEP-12): 2.14.0 → 2.13.2');
    expect(mrkdwnOf(started.blocks)).toBe(
      '⏪ *Rolling back checkout-api in Production* (DEP-12): 2.14.0 → 2.13.2, started by <@U0QALEAD001>\n*Trigger:* Error rate above 5%',
    );
    const completed = play(d, [{ type: 'rollback_completed' }, USERS.deployer]);
    expect(rollbackNotice(completed, 'completed', null).text).toBe(
      '↩️ checkout-api in Production is rolled back (DEP-12) to 2.13.2',
    );
    const failed = play(d, [{ type: 'rollback_failed', note: 'artifact gone' }, USERS.ops]);
    expect(rollbackNotice(failed, 'failed', null).text).toBe(
      '🆘 The rollback of checkout-api in Production failed (DEP-12)',
    );
    for (const n of [started, rollbackNotice(completed, 'completed', null), rollbackNotice(failed, 'failed', null)])
      expect(n.text).not.toContain('*');
  });

  it('no note of its own: the plan says what the rollback closed and locked; the notice tells the thread', () => {
    const all = renderDeployment(rollingBack(plan), rolledBackAt);
    expect(all.map((m) => m.key).filter((k) => k.startsWith('note:rollback'))).toEqual([]);
    const text = allTextOf(all.find((m) => m.key === 'rollback:plan')!.blocks);
    expect(text).toContain('Closed as interrupted: “');
    expect(text).toContain('is locked against new deployments until a lead unlocks it.');
  });
});

describe('text typed in the modal stays inert', () => {
  it('in the thread, the card and the notices', () => {
    const plan = allTemplates[0]![1];
    const d = rollingBack(plan, HOSTILE, HOSTILE);
    const shown = [
      ...renderDeployment(d, T0).map((m) => mrkdwnOf(m.blocks)),
      rollbackNotice(d, 'started', null).text,
      mrkdwnOf(rollbackNotice(d, 'started', null).blocks),
    ].join('\n');
    expect(shown).not.toContain('<!channel>');
    expect(shown).not.toContain('<https://evil|bank>');
  });
});

describe('rollbackModal', () => {
  const plan = allTemplates[0]![1];

  it('offers the template’s triggers and "Other", presets what to restore from the rollback steps, and carries only the id', () => {
    const v: ModalView = rollbackModal({ d: underway(plan), toVersion: '2.13.2' });
    expect(v.callback_id).toBe(ViewId.rollback);
    expect(decodeRef(v.private_metadata)).toEqual({ d: 12 });
    const trigger = v.blocks.find((b) => b.block_id === RollbackField.trigger) as {
      element: { type: string; options: Array<{ value: string }> };
    };
    // A trigger the template left blank (“[Condition that requires rollback]”) is not offered.
    const offered = plan.rollback.triggers.flatMap((t, i) => (isOnlyPlaceholder(t) ? [] : [`t${i}`]));
    expect(trigger.element.options.map((o) => o.value)).toEqual([...offered, 'other']);
    const restore = v.blocks.find((b) => b.block_id === RollbackField.restore) as {
      element: { initial_options: Array<{ value: string }> };
    };
    expect(restore.element.initial_options.map((o) => o.value)).toEqual(restorePreset(plan));
    expect(JSON.stringify(v.blocks[0])).toContain('from *2.14.0* to *2.13.2*');
  });

  it('uses a select when the triggers would not fit radio buttons', () => {
    const many: Template = {
      ...plan,
      rollback: { ...plan.rollback, triggers: Array.from({ length: 12 }, (_, i) => `Trigger ${i}`) },
    };
    const v = rollbackModal({ d: underway(many), toVersion: null });
    const trigger = v.blocks.find((b) => b.block_id === RollbackField.trigger) as { element: { type: string } };
    expect(trigger.element.type).toBe('static_select');
    expect(validateView(v)).toEqual([]);
  });

  it('reads the restore preset from the steps', () => {
    const steps = (...texts: string[]) => ({
      ...plan,
      rollback: {
        ...plan.rollback,
        steps: texts.map((text, i) => ({ id: `s${i}`, text, required: true, details: [], level: 0 })),
      },
    });
    expect(
      restorePreset(steps('Redeploy the previous artifact', 'Run down migrations', 'Restore data from backup')),
    ).toEqual(['code', 'database', 'data']);
    expect(restorePreset(steps('Restore configuration changes'))).toEqual(['configuration']);
    expect(restorePreset(steps('Call the vendor'))).toEqual(['code']);
  });
});
