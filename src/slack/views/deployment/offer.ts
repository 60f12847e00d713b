import type { Button, KnownBlock } from '@slack/types';
import { isUnderway } from '../../../core/deployment/progress.js';
import { ENVIRONMENT_LABELS, ROLLBACK_FROM, type Deployment } from '../../../core/deployment/types.js';
import { ActionId, encodeRef } from '../../ids.js';
import { actions, button, confirmDialog, section } from '../blocks.js';
import { clip, mention, slackDate } from '../format.js';
import type { SlackMessage } from './message.js';

/** "checkout in Production", escaped. */
export const what = (d: Deployment) => `${clip(d.service, 80)} in ${ENVIRONMENT_LABELS[d.environment]}`;

/** The "Roll back" button: from the first phase start through the monitoring window, until a rollback starts. */
export function rollbackButton(d: Deployment): Button | null {
  if (!ROLLBACK_FROM.has(d.status) || d.rollback) return null;
  return button({ text: 'Roll back…', actionId: ActionId.rollback, value: encodeRef({ d: d.id }), style: 'danger' });
}

/**
 * "Report a problem": while the release is monitored and nobody has marked it
 * faulty yet, the deployer or an approver marks it faulty before the window
 * ends (the same action as the end-of-monitoring Faulty button): the issue
 * notice goes out at once and the roll-back-or-carry-on reminder follows.
 */
export function faultyButton(d: Deployment): Button | null {
  if (d.status !== 'monitoring' || d.rollback || d.monitoring?.verdict) return null;
  return button({
    text: 'Report a problem…',
    actionId: ActionId.markFaulty,
    value: encodeRef({ d: d.id }),
    confirm: confirmDialog({
      title: `Mark ${d.ref} faulty?`,
      text: `This reports ${d.service} ${d.version} faulty now: everyone following it gets the issue notice at once, and if it is still live a few minutes later the deployer is asked to roll back or carry on.`,
      confirm: 'Mark faulty',
      style: 'danger',
    }),
  });
}

const buttonsOf = (d: Deployment) => [rollbackButton(d), faultyButton(d)].filter((b): b is Button => b !== null);

/** Blocks the parent card ends with: Roll back (and Report a problem while monitored) while they apply. */
export function rollbackParentBlocks(d: Deployment): KnownBlock[] {
  const b = buttonsOf(d);
  return b.length ? [actions(b)] : [];
}

function offerText(d: Deployment, canRollBack: boolean): string {
  const verdict = d.monitoring?.verdict;
  if (canRollBack && verdict && !verdict.healthy) {
    return `⚠️ ${mention(verdict.by)} marked the release faulty ${slackDate(verdict.at)}. Roll ${what(d)} back, or carry on: you confirm a rollback in one form; everyone is told at once.`;
  }
  if (canRollBack && d.status === 'monitoring') {
    return `⏪ *Something wrong?* ${d.ref} is live and monitored: *Report a problem* marks it faulty now (everyone is told), or roll ${what(d)} back to the previous version in one form.`;
  }
  if (canRollBack)
    return `⏪ *Something wrong?* Roll ${what(d)} back to the previous version. You confirm in one form; everyone is told at once.`;
  if (d.rollback)
    return `⏪ A rollback started ${slackDate(d.rollback.started.at)} by ${mention(d.rollback.started.by)}: its plan follows below.`;
  if (d.status === 'completed')
    return `⏪ ${d.ref} is complete: its one-click rollback has ended. To undo it, deploy the previous version with \`/deploy start\`.`;
  if (isUnderway(d)) return '⏪ Rolling back is no longer offered for this deployment.';
  if (d.cancelled) return '🚫 Cancelled before it started: there is nothing to roll back.';
  return '⏪ Once the first phase starts, a *Roll back* button appears here (and on the deployment’s card) until the end of the monitoring window.';
}

/**
 * The thread's own Roll back button (and, while monitored, Report a problem).
 * The message exists from the start (keys depend on the plan only); the
 * buttons show from the first phase start through the monitoring window.
 */
export function renderRollbackOffer(d: Deployment): SlackMessage {
  const b = buttonsOf(d);
  const text = offerText(d, rollbackButton(d) !== null);
  const blocks: KnownBlock[] = b.length > 1 ? [section(text), actions(b)] : [section(text, b[0])];
  return { key: 'rollback:offer', placement: 'thread', text: `${d.ref} · Roll back`, blocks };
}
