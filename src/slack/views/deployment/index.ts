import type { Deployment } from '../../../core/deployment/types.js';
import { renderApprovals } from './approvals.js';
import { type ChecklistStage, checklistLayout, renderChecklistPart } from './checklist.js';
import { type Part, renderTracked, stillValid } from './memo.js';
import type { SlackMessage } from './message.js';
import { renderNotes } from './notes.js';
import { renderRollbackOffer } from './offer.js';
import { renderParent } from './parent.js';
import { renderPhase } from './phase.js';
import { renderMirror } from './room.js';
import { renderRollback } from './rollback.js';
import { renderRunbookNotes } from './runbook-notes.js';

export type { SlackMessage } from './message.js';

/** One part of the thread: its name, whether it shows time (a running clock), how it renders. */
type PartSpec = [name: string, timed: boolean, render: (d: Deployment) => SlackMessage[]];

/** A stage's checklist, a part per message: a click renders only the message showing its item. */
const checklistParts = (d: Deployment, stage: ChecklistStage) =>
  checklistLayout(d.plan, stage).map(
    (_, i): PartSpec => [`${stage}:${i}`, false, (x) => [renderChecklistPart(x, stage, i)]],
  );

/** The parts of a deployment's messages, in thread order (see renderDeployment). */
function partsOf(d: Deployment, now: number): PartSpec[] {
  return [
    [
      'parent',
      true,
      (x) => {
        const parent = renderParent(x, now);
        const mirror = renderMirror(x, parent);
        return mirror ? [parent, mirror] : [parent];
      },
    ],
    ['approvals', false, renderApprovals],
    ...checklistParts(d, 'pre'),
    ...d.plan.phases.map((_, i): PartSpec => [`phase:${i}`, true, (x) => renderPhase(x, x.plan.phases[i]!, now)]),
    ...checklistParts(d, 'verify'),
    ...checklistParts(d, 'post'),
    ['runbook', false, renderRunbookNotes],
    ['offer', false, (x) => [renderRollbackOffer(x)]],
    ['notes', false, renderNotes],
    ['rollback', true, (x) => renderRollback(x, now)],
  ];
}

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
  return partsOf(d, now).flatMap(([, , render]) => render(d));
}

/**
 * `renderDeployment`, remembering each part's output by what it read
 * (memo.ts): after a click only the parts showing what changed are rendered
 * again, and a part that did not change returns the very same message
 * objects (callers must not change them). Holds the deployments drawn last,
 * up to `maxMessages` messages in all: the layout keeps each message within
 * Slack's 11,000 characters of blocks, so the count bounds the memory, and
 * a template of 85 messages holds fewer deployments than one of 11.
 * `keep` false is a one-off look (start-up reconciliation): a deployment not
 * held already is rendered plainly and not remembered.
 */
export function createDeploymentRenderer(maxMessages = 2_000) {
  const memo = new Map<number, { parts: Map<string, Part<SlackMessage[]>>; messages: number }>();
  let held = 0;
  return (d: Deployment, now: number, keep = true): SlackMessage[] => {
    let entry = memo.get(d.id);
    if (!keep && !entry) return renderDeployment(d, now);
    // Most recently drawn last: the first in the map is the one drawn longest ago.
    if (entry) memo.delete(d.id);
    else entry = { parts: new Map(), messages: 0 };
    memo.set(d.id, entry);
    const { parts } = entry;
    const out: SlackMessage[] = [];
    for (const [name, timed, render] of partsOf(d, now)) {
      let part = parts.get(name);
      if (!part || !stillValid(part, d, now)) parts.set(name, (part = renderTracked(d, now, timed, render)));
      out.push(...part.out);
    }
    held += out.length - entry.messages;
    entry.messages = out.length;
    for (const [id, oldest] of memo) {
      if (held <= maxMessages || id === d.id) break;
      memo.delete(id);
      held -= oldest.messages;
    }
    return out;
  };
}
