import { describe, expect, it } from 'vitest';
import { decide } from '../../src/core/deployment/decide.js';
import type { Deployment } from '../../src/core/deployment/types.js';
import { DomainError } from '../../src/core/errors.js';
import { itemsOfStage } from '../../src/core/template/items.js';
import { rollbackValidation, STANDARD_ROLLBACK_VALIDATION } from '../../src/core/template/rollback.js';
import type { Template } from '../../src/core/template/schema.js';
import { renderDeployment } from '../../src/slack/views/deployment/index.js';
import { initialState } from '../../src/core/deployment/apply.js';
import { builtInTemplates, created, inputFor, MIN, play, T0, USERS } from '../views/fixtures.js';
import { allTextOf, buttons } from '../views/helpers.js';

const get = (id: string) => builtInTemplates.find((t) => t.id === id)!;

const rollingBack = (plan: Template): Deployment =>
  play(
    created(plan),
    [{ type: 'gate_overridden', gate: 'start', reason: 'x', missing: [] }],
    [{ type: 'phase_started', phaseId: plan.phases[0]!.id }],
    [
      {
        type: 'rollback_started',
        trigger: 'Errors',
        restore: ['code'],
        note: '',
        fromVersion: '2.14.0',
        toVersion: '2.13.2',
      },
      USERS.qa,
    ],
  );

const message = (d: Deployment, key: string) => renderDeployment(d, T0 + 30 * MIN).find((m) => m.key === key)!;

describe('rollback validation when the template lists none', () => {
  const standard = get('standard-release');

  it('the standard release seed lists none: the plan asks for the four standard checks, and says so', () => {
    expect(standard.rollback.validation).toEqual([]);
    expect(rollbackValidation(standard)).toEqual({ items: STANDARD_ROLLBACK_VALIDATION, standard: true });
    expect(itemsOfStage(created(standard).plan, 'rollback_validation').map((p) => [p.key, p.item.text])).toEqual([
      ['rollback_validation.validation.application-accessible', 'Application accessible'],
      ['rollback_validation.validation.database-state-correct', 'Database state correct'],
      ['rollback_validation.validation.no-data-loss', 'No data loss'],
      ['rollback_validation.validation.services-operational', 'Services operational'],
    ]);
    const text = allTextOf(message(rollingBack(standard), 'rollback:validation').blocks);
    expect(text).toContain('The template lists no rollback validation, so Liftoff asks for its standard checks.');
    for (const check of ['Application accessible', 'Database state correct', 'No data loss', 'Services operational'])
      expect(text).toContain(check);
  });

  it('the checks are required: the rollback cannot complete before they are confirmed', () => {
    let d = rollingBack(standard);
    for (const p of itemsOfStage(standard, 'rollback'))
      d = play(d, [{ type: 'item_confirmed', key: p.key }, USERS.ops]);
    const refusal = (() => {
      try {
        decide(d, { type: 'complete_rollback' }, USERS.deployer);
      } catch (e) {
        return e as DomainError;
      }
      throw new Error('not refused');
    })();
    expect(refusal.details).toEqual(STANDARD_ROLLBACK_VALIDATION.map((i) => `Rollback validation: ${i.text}`));
    for (const p of itemsOfStage(d.plan, 'rollback_validation'))
      d = play(d, [{ type: 'item_confirmed', key: p.key }, USERS.ops]);
    expect(decide(d, { type: 'complete_rollback' }, USERS.deployer)).toEqual([{ type: 'rollback_completed' }]);
  });

  it('a deployment stored before the fallback keeps its frozen plan: no new checks appear in its rollback, which completes as before', async () => {
    // Its created event froze the plan as it was: no rollback validation at all.
    const e = {
      type: 'created' as const,
      input: inputFor(standard),
      plan: structuredClone(standard),
      phases: created(standard).phases,
      actor: USERS.deployer,
      at: T0 - 60 * MIN,
    };
    const before = initialState(12, e);
    let d = play(
      before,
      [{ type: 'gate_overridden', gate: 'start', reason: 'x', missing: [] }],
      [{ type: 'phase_started', phaseId: standard.phases[0]!.id }],
      [
        {
          type: 'rollback_started',
          trigger: 'Errors',
          restore: ['code'],
          note: '',
          fromVersion: '2.14.0',
          toVersion: '2.13.2',
        },
        USERS.qa,
      ],
    );
    expect(itemsOfStage(d.plan, 'rollback_validation')).toEqual([]);
    const text = allTextOf(message(d, 'rollback:validation').blocks);
    expect(text).not.toContain('Application accessible');
    expect(text).not.toContain('standard checks');
    for (const p of itemsOfStage(standard, 'rollback'))
      d = play(d, [{ type: 'item_confirmed', key: p.key }, USERS.ops]);
    expect(decide(d, { type: 'complete_rollback' }, USERS.deployer)).toEqual([{ type: 'rollback_completed' }]);
  });

  it('the standard checks are written into the plan a new deployment freezes', () => {
    expect(created(standard).plan.rollback.validation).toEqual(STANDARD_ROLLBACK_VALIDATION);
    expect(standard.rollback.validation).toEqual([]);
  });

  it('a template with its own validation keeps it and says nothing about standard checks', () => {
    const task = get('deployment-task');
    expect(rollbackValidation(task).standard).toBe(false);
    const m = message(rollingBack(task), 'rollback:validation');
    expect(allTextOf(m.blocks)).not.toContain('standard checks');
    expect(buttons(m.blocks).filter((b) => b.action_id === 'item.confirm')).toHaveLength(
      task.rollback.validation.length,
    );
  });

  it('the rollback timer says when no estimate is set, and how to set one', () => {
    expect(standard.rollback.estimatedMinutes).toBeNull();
    const text = allTextOf(message(rollingBack(standard), 'rollback:plan').blocks);
    expect(text).toMatch(/Running for \d+ min · no estimated rollback time is set, so no overrun alert/);
    expect(text).toContain(
      'The template gives no estimated rollback time. To set one: `estimatedMinutes` under `rollback:` in a YAML template',
    );
    expect(text).toContain('front matter (`values: { Estimate: 20 minutes }`)');
  });
});
