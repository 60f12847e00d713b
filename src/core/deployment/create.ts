import { fillPlaceholders } from '../template/placeholders.js';
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
    plan: fillPlaceholders(withRollbackValidation(plan), { branch: input.branch }),
    phases: planPhaseWindows(plan, input.windowStart, input.windowEnd),
  };
}
