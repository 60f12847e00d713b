import { describe, expect, it } from 'vitest';
import { BUILT_IN_TEMPLATES_DIR, loadTemplates } from '../../src/config/templates.js';
import { endNoticeToCome, noticeOfStep } from '../../src/core/schedule/liftoff-steps.js';
import { planItems } from '../../src/core/template/items.js';

const seeds = loadTemplates(BUILT_IN_TEMPLATES_DIR);

/** Each seed's steps that are one of Liftoff's notices, as `key → notice`. */
const ownSteps = (id: string) =>
  Object.fromEntries(
    planItems(seeds.get(id)!.template)
      .map((p) => [p.key, noticeOfStep(p)] as const)
      .filter(([, kind]) => kind !== undefined),
  );

describe('the runbook steps Liftoff performs by sending a notice', () => {
  it('standard release: the start and completion announcements, and the rollback decision and completion', () => {
    expect(ownSteps('standard-release')).toEqual({
      'phase.deployment-steps.notify-stakeholders': 'start',
      'phase.deployment-steps.notify-stakeholders-2': 'completion',
      'rollback.steps.notify-stakeholders-rollback-decision': 'rollback_started',
      'rollback.steps.notify-stakeholders-rollback-completion': 'rollback_completed',
    });
  });

  it('deployment task: "Stakeholders notified" is the announcement, the completion and the rollback’s last step', () => {
    expect(ownSteps('deployment-task')).toEqual({
      'pre.environment-preparation.stakeholders-notified': 'announcement',
      'phase.finalization.notify-stakeholders-completion': 'completion',
      'rollback.steps.notify-stakeholders': 'rollback_completed',
    });
  });
});

describe('whether the notice at the end of a step can still come', () => {
  const steps = planItems(seeds.get('standard-release')!.template);
  const completion = steps.find((p) => noticeOfStep(p) === 'completion')!;
  const rollbackEnd = steps.find((p) => noticeOfStep(p) === 'rollback_completed')!;
  const rollback = {} as never;

  it('the completion notice: not once a rollback started or the deployment was cancelled', () => {
    expect(endNoticeToCome({ status: 'in_progress', rollback: undefined }, completion)).toBe(true);
    expect(endNoticeToCome({ status: 'rolling_back', rollback }, completion)).toBe(false);
    expect(endNoticeToCome({ status: 'rolled_back', rollback }, completion)).toBe(false);
    expect(endNoticeToCome({ status: 'cancelled', rollback: undefined }, completion)).toBe(false);
  });

  it('the rollback’s: while it runs, a failed one included (it may still be completed)', () => {
    expect(endNoticeToCome({ status: 'rolling_back', rollback }, rollbackEnd)).toBe(true);
    expect(endNoticeToCome({ status: 'rollback_failed', rollback }, rollbackEnd)).toBe(true);
  });
});
