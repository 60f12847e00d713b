import type { Deployment } from '../../../core/deployment/types.js';
import { renderApprovals } from './approvals.js';
import { renderChecklists } from './checklist.js';
import type { SlackMessage } from './message.js';
import { renderNotes } from './notes.js';
import { renderRollbackOffer } from './offer.js';
import { renderParent } from './parent.js';
import { renderPhase } from './phase.js';
import { renderMirror } from './room.js';
import { renderRollback } from './rollback.js';
import { renderRunbookNotes } from './runbook-notes.js';

export type { SlackMessage } from './message.js';

/**
 * Every Slack message of a deployment, in thread order: the parent card
 * (and its mirror in the deploy channel when it lives in its own channel),
 * approvals, pre-deployment checklist parts, one message per phase,
 * verification and post-deployment parts, the runbook's notes (what a
 * Markdown runbook says beyond its sections), the Roll back button, notes,
 * then once a rollback started its note, plan, validation and report. Which
 * keys exist depends on the plan only (and, for notes and the rollback, on
 * what happened); rendering the same state twice gives the same output.
 */
export function renderDeployment(d: Deployment, now: number): SlackMessage[] {
  const parent = renderParent(d, now);
  const mirror = renderMirror(d, parent);
  return [
    parent,
    ...(mirror ? [mirror] : []),
    ...renderApprovals(d),
    ...renderChecklists(d, 'pre'),
    ...d.plan.phases.flatMap((p) => renderPhase(d, p, now)),
    ...renderChecklists(d, 'verify'),
    ...renderChecklists(d, 'post'),
    ...renderRunbookNotes(d),
    renderRollbackOffer(d),
    ...renderNotes(d),
    ...renderRollback(d, now),
  ];
}
