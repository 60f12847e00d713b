import { fillPlaceholders } from '../template/placeholders.js';
import { derivedPlans } from '../template/derived.js';
import { withRollbackValidation } from '../template/rollback.js';
import type { Template } from '../template/schema.js';
import type { DeploymentEvent } from './events.js';
import { planPhaseWindows } from './phase-plan.js';
import type { DeploymentInput } from './types.js';

/** The event that starts a deployment: its input, the frozen plan (the placeholders it answers filled in) and its phase windows. */
export function createdEvent(input: DeploymentInput, plan: Template): DeploymentEvent & { type: 'created' } {
  return {
    type: 'created',
    input,
    plan: frozenPlan(plan, input.branch),
    phases: planPhaseWindows(plan, input.windowStart, input.windowEnd),
  };
}

/** Frozen plans by plan object and branch (100 branches a plan). */
const frozenFrom = derivedPlans(100);

/**
 * The plan a deployment freezes: `plan` with its rollback validation and the placeholders the
 * deployment answers filled in. Deployments of one plan and branch get the same object (deeply
 * frozen: nothing changes a plan once made), so a start copies and serialises a plan only when
 * it is new (storage keeps each plan once, by its hash).
 */
export function frozenPlan(plan: Template, branch: string | null): Template {
  const key = branch?.trim() ?? '';
  return frozenFrom(plan, key, () =>
    deepFreeze(fillPlaceholders(withRollbackValidation(plan), { branch: key || null })),
  );
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
