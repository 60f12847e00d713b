import { withRollbackValidation } from '../template/rollback.js';
import type { Template } from '../template/schema.js';
import type { DeploymentEvent } from './events.js';
import { planPhaseWindows } from './phase-plan.js';
import type { DeploymentInput } from './types.js';

/** The event that starts a deployment: its input, the frozen plan and its phase windows. */
export function createdEvent(input: DeploymentInput, plan: Template): DeploymentEvent & { type: 'created' } {
  return {
    type: 'created',
    input,
    plan: structuredClone(withRollbackValidation(plan)),
    phases: planPhaseWindows(plan, input.windowStart, input.windowEnd),
  };
}
