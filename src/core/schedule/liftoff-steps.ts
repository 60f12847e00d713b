import { itemsOfStage } from '../template/items.js';
import type { Deployment } from '../deployment/types.js';
import type { JobKind } from './jobs.js';

/** Who confirms the steps Liftoff performs itself, in the audit trail. */
export const LIFTOFF_ACTOR = 'liftoff';

/** A runbook step that is one of Liftoff's own notices: "Notify Stakeholders: Announce the start of the deployment window". */
const STEP_OF: Partial<Record<JobKind, RegExp>> = {
  start: /\b(?:announce|notify)\b[^.\n]*\bstart\b/i,
};

/**
 * The phase steps a notice performs, once it is sent: open (their phase runs, not yet confirmed)
 * and worded as that notice. Liftoff confirms them as its own (`LIFTOFF_ACTOR`).
 */
export function stepsDoneByNotice(d: Deployment, kind: JobKind): string[] {
  const pattern = STEP_OF[kind];
  if (!pattern) return [];
  return itemsOfStage(d.plan, 'phase')
    .filter((p) => {
      const phase = d.phases[p.sectionId];
      return phase?.started && !phase.completed && !phase.interrupted && !d.items[p.key] && pattern.test(p.item.text);
    })
    .map((p) => p.key);
}
