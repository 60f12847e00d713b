import type { Item, Template } from './schema.js';

/**
 * The rollback validation checks Liftoff asks for when a template lists none
 * (the standard release seed has no "Rollback Validation" part): the four
 * checks of the deployment task seed.
 */
export const STANDARD_ROLLBACK_VALIDATION: readonly Item[] = [
  { id: 'application-accessible', text: 'Application accessible', required: true, details: [], level: 0 },
  { id: 'database-state-correct', text: 'Database state correct', required: true, details: [], level: 0 },
  { id: 'no-data-loss', text: 'No data loss', required: true, details: [], level: 0 },
  { id: 'services-operational', text: 'Services operational', required: true, details: [], level: 0 },
];

export interface RollbackValidation {
  items: readonly Item[];
  /** True when the template lists none and these are Liftoff's standard checks. */
  standard: boolean;
}

/** The rollback validation a plan (or a template, before it is frozen) asks for: the template's own checks, else the standard ones. */
export function rollbackValidation(plan: Template): RollbackValidation {
  const { validation, standardValidation } = withRollbackValidation(plan).rollback;
  return { items: validation, standard: standardValidation === true };
}

/**
 * The plan a new deployment freezes: the standard checks written in when the
 * template lists none. Written at creation (never derived when drawing), so a
 * deployment stored before keeps exactly the plan it started with.
 */
export function withRollbackValidation(plan: Template): Template {
  if (plan.rollback.validation.length) return plan;
  const validation = STANDARD_ROLLBACK_VALIDATION.map((item) => ({ ...item, details: [...item.details] }));
  return { ...plan, rollback: { ...plan.rollback, validation, standardValidation: true } };
}

/** Said wherever the standard checks stand in for the template's. */
export const STANDARD_VALIDATION_NOTE =
  'The template lists no rollback validation, so Liftoff asks for its standard checks.';

/** How to give a template a rollback estimate (the seeds leave "[Estimate]" blank). */
export const ESTIMATE_HINT =
  'To set one: `estimatedMinutes` under `rollback:` in a YAML template; in a Markdown runbook, write the time (“*Estimated Rollback Time:* 20 minutes”) or fill the blank from its front matter (`values: { Estimate: 20 minutes }`).';
