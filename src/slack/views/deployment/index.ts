import type { Deployment } from '../../../core/deployment/types.js';
import { renderApprovals } from './approvals.js';
import { renderChecklists } from './checklist.js';
import type { SlackMessage } from './message.js';
import { renderNotes } from './notes.js';
import { renderParent } from './parent.js';
import { renderPhase } from './phase.js';

export type { SlackMessage } from './message.js';

/**
 * Every Slack message of a deployment, in thread order: the parent card,
 * approvals, pre-deployment checklist parts, one message per phase,
 * verification and post-deployment parts, then notes. Which keys exist
 * depends on the plan only (and, for notes, on what happened); rendering
 * the same state twice gives the same output.
 */
export function renderDeployment(d: Deployment, now: number): SlackMessage[] {
  return [
    renderParent(d, now),
    ...renderApprovals(d),
    ...renderChecklists(d, 'pre'),
    ...d.plan.phases.flatMap((p) => renderPhase(d, p, now)),
    ...renderChecklists(d, 'verify'),
    ...renderChecklists(d, 'post'),
    ...renderNotes(d),
  ];
}
