import type { KnownBlock } from '@slack/types';
import { gateReport, startGatesOpen } from '../../../core/deployment/gates.js';
import { progressOf } from '../../../core/deployment/progress.js';
import { followUpsFor } from '../../../core/schedule/follow-ups.js';
import { asSent } from '../../../core/schedule/liftoff-steps.js';
import { ActionId, encodeRef } from '../../ids.js';
import { actions, button, confirmDialog, context, section } from '../blocks.js';
import { clip, formatDuration, hinted, joinLines, mention, plainHinted, progressCounts, slackDate } from '../format.js';
import { summarySections } from './summary.js';
import { plainTitle, splitNotice, threadHint, title, windowText, type Notice, type NoticeInput } from './common.js';

function monitoringLines({ d }: NoticeInput): string[] {
  if (!d.monitoring) return [];
  const lines = [
    `📈 Monitoring until ${slackDate(d.monitoring.until)}. Something wrong before then? *Report a problem…* on the deployment’s card marks it faulty and tells everyone.`,
  ];
  if (d.plan.monitoring.metrics.length)
    lines.push(
      `*Metrics*\n${joinLines(
        d.plan.monitoring.metrics.map((m) => hinted(clip(m, 200))),
        1000,
      )}`,
    );
  if (d.plan.monitoring.thresholds.length) {
    lines.push(
      `*Alert thresholds*\n${joinLines(
        d.plan.monitoring.thresholds.map((m) => hinted(clip(m, 200))),
        1000,
      )}`,
    );
  }
  return lines;
}

/** Characters of blocks a completion notice keeps to, well under Slack's `msg_blocks_too_long` (measured from about 11,000). */
const COMPLETION_BUDGET = 9_500;

/**
 * The summary report's sections that fit after `head`, for a copy outside the thread; when some do
 * not, a line says the thread has the whole report.
 */
function withSummary(body: KnownBlock[], head: KnownBlock[]): KnownBlock[] {
  const out = [...head];
  let size = JSON.stringify(out).length;
  for (const [i, b] of body.entries()) {
    const n = JSON.stringify(b).length + 1;
    if (size + n > COMPLETION_BUDGET) {
      const left = body.length - i;
      out.push(
        context(
          `_${left} more part${left === 1 ? '' : 's'} of the summary in the deployment’s thread, which has it whole._`,
        ),
      );
      break;
    }
    out.push(b);
    size += n;
  }
  return out;
}

/**
 * Completed (or complete and now monitored): stakeholders and the thread, one message each, which
 * carries the summary report: whole in the thread (phases, approvals, overrides and failures, the
 * timeline; a long one goes on in continuation messages); in the announcement channel the outcome
 * without the timeline (what fits), pointing to the thread. The ops copy is the headline only.
 */
export function completion(sent: NoticeInput): Notice {
  // It counts the steps it performs ("Announce the completion of the deployment") as done.
  const input = { ...sent, d: asSent(sent.d, 'completion', sent.now) };
  const { d, job } = input;
  const first = Object.values(d.phases)
    .map((p) => p.started?.at)
    .filter((x): x is number => x !== undefined);
  const end = d.monitoring?.at ?? d.completed?.at;
  const took = first.length && end ? ` · took ${formatDuration(end - Math.min(...first))}` : '';
  const p = progressOf(d);
  const head = [
    section(
      `✅ *Deployment complete* ${title(d)}\n🗓️ Window ${windowText(d)}${took}\n${progressCounts(p)} items confirmed${p.failed ? ` · ${p.failed} failed` : ''}`,
    ),
    ...monitoringLines(input).map((l) => section(l)),
  ];
  const hint = threadHint(d, job.payload.target);
  const text = `✅ ${plainTitle(d)} is complete`;
  if (job.payload.target === 'ops') return { text, blocks: [...head, ...hint] };
  // The thread gets the whole report (in continuations when it is long), a copy elsewhere the outcome.
  if (job.payload.target === 'thread')
    return splitNotice(head, summarySections(input), text, `📋 Summary report of ${d.ref}, continued`);
  return { text, blocks: [...withSummary(summarySections(input, { timeline: false }), head), ...hint] };
}

/** The deployer's verdict after monitoring: healthy. */
export function healthy({ d }: NoticeInput): Notice {
  const v = d.monitoring?.verdict;
  return {
    text: `💚 ${plainTitle(d)} is marked healthy`,
    blocks: [
      section(
        `💚 *Healthy* ${title(d)}: monitoring ended${v ? `, marked healthy by ${mention(v.by)} ${slackDate(v.at)}` : ''}.`,
      ),
    ],
  };
}

/** At the end of monitoring: asks the deployer for the verdict. */
export function monitoringVerdict({ d }: NoticeInput): Notice {
  const ref = encodeRef({ d: d.id });
  return {
    text: `📈 ${d.ref}: the monitoring window is over. Is the release healthy?`,
    blocks: [
      section(`📈 ${mention(d.deployerId)}: the monitoring window of ${d.ref} is over. Is the release healthy?`),
      actions([
        button({ text: 'Healthy', actionId: ActionId.markHealthy, value: ref, style: 'primary' }),
        button({
          text: 'Faulty',
          actionId: ActionId.markFaulty,
          value: ref,
          style: 'danger',
          confirm: confirmDialog({
            title: 'Mark the release faulty?',
            text: 'Everyone following the deployment is told at once, and the rollback can start.',
            confirm: 'Mark faulty',
            style: 'danger',
          }),
        }),
      ]),
    ],
  };
}

/**
 * The template's follow-up actions that apply, as one reminder to the deployer (a job planned
 * before they became one message names one of them by `n`).
 */
export function followUp({ d, job }: NoticeInput): Notice {
  const all = d.plan.postDeployment.followUps;
  const picked =
    job.payload.n !== undefined ? [all[job.payload.n] ?? 'Follow-up'] : followUpsFor(d).map((n) => all[n]!);
  if (picked.length === 1) {
    return {
      text: `📌 ${d.ref} follow-up: ${plainHinted(picked[0]!).slice(0, 300)}`,
      blocks: [section(`📌 ${mention(d.deployerId)}, a follow-up of ${d.ref}: *${hinted(clip(picked[0]!, 500))}*`)],
    };
  }
  return {
    text: `📌 ${d.ref}: ${picked.length} follow-ups`,
    blocks: [
      section(
        `📌 ${mention(d.deployerId)}, the follow-ups of ${d.ref}:\n${joinLines(
          picked.map((f) => hinted(clip(f, 300))),
          2800,
        )}`,
      ),
    ],
  };
}

/**
 * The window ended and nothing started: start, reschedule or cancel? Start now
 * is offered only while the start gate is open (it would be refused otherwise);
 * a closed gate is named instead, and the first phase's Start appears once it opens.
 */
export function missedWindow({ d }: NoticeInput): Notice {
  const ref = encodeRef({ d: d.id });
  const canStart = startGatesOpen(d);
  const missing = gateReport(d, 'calendar').missing.length + gateReport(d, 'start').missing.length;
  const blocks: KnownBlock[] = [
    section(
      `⌛ ${mention(d.deployerId)}: the window of ${d.ref} (${windowText(d)}) has ended and no phase has started. What now?`,
    ),
  ];
  if (!canStart)
    blocks.push(
      context(
        `🔒 It cannot start yet: ${missing === 1 ? '1 thing is' : `${missing} things are`} missing (the approvals message above lists them). Once the start gate opens, *Start phase* appears on the first phase’s message.`,
      ),
    );
  blocks.push(
    actions([
      ...(canStart
        ? [button({ text: 'Start now', actionId: ActionId.windowStart, value: ref, style: 'primary' })]
        : []),
      button({ text: 'Reschedule…', actionId: ActionId.windowReschedule, value: ref }),
      button({ text: 'Cancel…', actionId: ActionId.windowCancel, value: ref, style: 'danger' }),
    ]),
  );
  return { text: `⌛ ${d.ref}: the window ended and the deployment has not started`, blocks };
}
