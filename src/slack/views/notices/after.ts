import { ActionId, encodeRef } from '../../ids.js';
import { actions, button, confirmDialog, section } from '../blocks.js';
import { clip, formatDuration, joinLines, mention, slackDate } from '../format.js';
import { plainTitle, threadHint, title, windowText, type Notice, type NoticeInput } from './common.js';

function monitoringLines({ d }: NoticeInput): string[] {
  if (!d.monitoring) return [];
  const lines = [`📈 Monitoring until ${slackDate(d.monitoring.until)}. Something wrong before then? *Report a problem…* on the deployment’s card marks it faulty and tells everyone.`];
  if (d.plan.monitoring.metrics.length) lines.push(`*Metrics*\n${joinLines(d.plan.monitoring.metrics.map((m) => clip(m, 200)), 1000)}`);
  if (d.plan.monitoring.thresholds.length) {
    lines.push(`*Alert thresholds*\n${joinLines(d.plan.monitoring.thresholds.map((m) => clip(m, 200)), 1000)}`);
  }
  return lines;
}

/** Completed (or complete and now monitored): stakeholders and the thread. */
export function completion(input: NoticeInput): Notice {
  const { d, job } = input;
  const first = Object.values(d.phases).map((p) => p.started?.at).filter((x): x is number => x !== undefined);
  const end = d.monitoring?.at ?? d.completed?.at;
  const took = first.length && end ? ` · took ${formatDuration(end - Math.min(...first))}` : '';
  return {
    text: `✅ ${plainTitle(d)} is complete`,
    blocks: [
      section(`✅ *Deployment complete* ${title(d)}\n🗓️ Window ${windowText(d)}${took}`),
      ...monitoringLines(input).map((l) => section(l)),
      ...threadHint(d, job.payload.target),
    ],
  };
}

/** The deployer's verdict after monitoring: healthy. */
export function healthy({ d }: NoticeInput): Notice {
  const v = d.monitoring?.verdict;
  return {
    text: `💚 ${plainTitle(d)} is marked healthy`,
    blocks: [section(`💚 *Healthy* ${title(d)}: monitoring ended${v ? `, marked healthy by ${mention(v.by)} ${slackDate(v.at)}` : ''}.`)],
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

/** One follow-up action of the template, as a reminder to the deployer. */
export function followUp({ d, job }: NoticeInput): Notice {
  const what = d.plan.postDeployment.followUps[job.payload.n ?? 0] ?? 'Follow-up';
  return {
    text: `📌 ${d.ref} follow-up: ${clip(what, 300)}`,
    blocks: [section(`📌 ${mention(d.deployerId)}, a follow-up of ${d.ref}: *${clip(what, 500)}*`)],
  };
}

/** The window ended and nothing started: start, reschedule or cancel? */
export function missedWindow({ d }: NoticeInput): Notice {
  const ref = encodeRef({ d: d.id });
  return {
    text: `⌛ ${d.ref}: the window ended and the deployment has not started`,
    blocks: [
      section(`⌛ ${mention(d.deployerId)}: the window of ${d.ref} (${windowText(d)}) has ended and no phase has started. What now?`),
      actions([
        button({ text: 'Start now', actionId: ActionId.windowStart, value: ref, style: 'primary' }),
        button({ text: 'Reschedule…', actionId: ActionId.windowReschedule, value: ref }),
        button({ text: 'Cancel…', actionId: ActionId.windowCancel, value: ref, style: 'danger' }),
      ]),
    ],
  };
}
