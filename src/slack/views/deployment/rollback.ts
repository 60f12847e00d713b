import type { Button, KnownBlock } from '@slack/types';
import { rollbackStepsLeft } from '../../../core/deployment/gates.js';
import { rollbackTiming } from '../../../core/deployment/progress.js';
import { refOf, type Deployment } from '../../../core/deployment/types.js';
import { isLiftoffsAtTheEnd } from '../../../core/schedule/liftoff-steps.js';
import { itemsOfStage, type PlanItem, type Stage } from '../../../core/template/items.js';
import { ESTIMATE_HINT, rollbackValidation, STANDARD_VALIDATION_NOTE } from '../../../core/template/rollback.js';
import type { Template } from '../../../core/template/schema.js';
import { ActionId, encodeRef } from '../../ids.js';
import { actions, button, confirmDialog, context, header, section } from '../blocks.js';
import { clip, formatDuration, hinted, joinLines, mention, safeLink, slackDate } from '../format.js';
import { itemBlocks, type ItemButton } from './item.js';
import { budgetAfter, maxOf, memoByPlan, pack, partLabel, sharedCost, unitKey, worstCost, ZERO } from './layout.js';
import { derived } from './memo.js';
import type { SlackMessage } from './message.js';
import { rollbackButton, what } from './offer.js';
import type { Notice, NoticeInput } from '../notices/common.js';

/** What can be restored, as chosen in the rollback modal. */
export const RESTORE_LABELS: Record<string, string> = {
  code: 'Code (previous version)',
  configuration: 'Configuration',
  database: 'Database migrations reversed',
  data: 'Data from backup',
};

const rolling = (d: Deployment) => d.status === 'rolling_back' || d.status === 'rollback_failed';
const versions = (d: Deployment) =>
  `${clip(d.rollback?.fromVersion ?? d.version, 64)} → ${d.rollback?.toVersion ? clip(d.rollback.toVersion, 64) : 'the previous version'}`;

function timerText(d: Deployment, now: number): string {
  const t = rollbackTiming(d, now);
  if (!t) return '';
  const verb = d.rollback?.completed ? 'Took' : 'Running for';
  const estimate =
    t.estimateMs !== null
      ? ` of ${formatDuration(t.estimateMs)} estimated`
      : ' · no estimated rollback time is set, so no overrun alert';
  return `⏱️ ${verb} ${formatDuration(t.elapsedMs)}${estimate}`;
}

// --- The parent card ----------------------------------------------------------

/** The parent card's line about the rollback, or null when there is none. */
export function rollbackNowLine(d: Deployment, now: number): string | null {
  const r = d.rollback;
  if (!r) return null;
  if (r.completed) return `↩️ *Rolled back* ${versions(d)} · ${slackDate(r.completed.at)} by ${mention(r.completed.by)}`;
  if (r.failed && d.status === 'rollback_failed')
    return `🆘 *Rollback failed* — ${mention(r.failed.by)}: “${clip(r.failed.note, 300)}”`;
  const t = rollbackTiming(d, now);
  const over = t && t.overrunMs > 0 ? ` · ⚠️ over the estimate by ${formatDuration(t.overrunMs)}` : '';
  return `⏪ *Rolling back* ${versions(d)}, started by ${mention(r.started.by)} ${slackDate(r.started.at)}${over}`;
}

/** The parent card's field naming the deployment a Rollback reverses. */
export const reversesPair = (d: Deployment): [string, string] | null =>
  d.reverses ? ['Reverses', refOf(d.reverses)] : null;

// --- The thread -------------------------------------------------------------------

function stepButton(d: Deployment, p: PlanItem): ItemButton {
  if (!rolling(d)) return null;
  return d.items[p.key]?.state === 'done' ? 'undo' : 'confirm';
}

const FRAME = { blocks: 10, chars: 5_000 };

/** The rollback checklists cut into messages: from the plan alone, so keys never move. */
export function rollbackLayout(
  plan: Template,
  stage: Extract<Stage, 'rollback' | 'rollback_validation'>,
): PlanItem[][] {
  return memoByPlan(plan, `rollback:${stage}`, () => {
    const items = itemsOfStage(plan, stage);
    const cost = (p: PlanItem) =>
      maxOf(
        (['confirm', 'undo'] as const).map((kind) =>
          sharedCost(unitKey(`rollback:${kind}`, p), () => worstCost(plan, (d) => itemBlocks(d, p, kind))),
        ),
      );
    const parts = pack([{ title: null, units: items }], cost, () => ZERO, budgetAfter(FRAME));
    return parts.length ? parts.map((chunk) => chunk.flatMap((s) => s.units)) : [[]];
  });
}

function planFrame(d: Deployment, now: number, part: string): KnownBlock[] {
  const r = d.rollback!;
  const restore = r.restore.map((k) => RESTORE_LABELS[k] ?? k).join(', ') || 'nothing chosen';
  const lines = [
    `*${what(d)}:* ${versions(d)}`,
    `*Trigger:* ${hinted(clip(r.trigger, 500))}`,
    `*Restore:* ${clip(restore, 300)}`,
    ...(r.note ? [`*Note:* ${clip(r.note, 1000)}`] : []),
  ];
  const blocks: KnownBlock[] = [header(`⏪ Rollback plan${part}`), section(lines.join('\n'))];
  const timing = [`▶️ Started ${slackDate(r.started.at)} by ${mention(r.started.by)}`, timerText(d, now)];
  blocks.push(context(...timing));
  // What the rollback did at once, said here rather than in a note of its own.
  const interrupted = d.plan.phases.filter((p) => d.phases[p.id]?.interrupted).map((p) => `“${clip(p.title, 100)}”`);
  const closed = interrupted.length ? `Closed as interrupted: ${clip(interrupted.join(', '), 600)}. ` : '';
  blocks.push(context(`${closed}${what(d)} is locked against new deployments until a lead unlocks it.`));
  const t = rollbackTiming(d, now);
  if (t && t.estimateMs === null && !r.completed)
    blocks.push(context(`The template gives no estimated rollback time. ${ESTIMATE_HINT}`));
  if (t && t.overrunMs > 0 && !r.completed)
    blocks.push(section(`⚠️ *Over the estimated rollback time by ${formatDuration(t.overrunMs)}*`));
  return blocks;
}

function failButton(d: Deployment): Button {
  return button({
    text: 'Rollback failed…',
    actionId: ActionId.rollbackFail,
    value: encodeRef({ d: d.id }),
    style: 'danger',
  });
}

function completeBlocks(d: Deployment): KnownBlock[] {
  const r = d.rollback!;
  if (r.completed)
    return [section(`✅ *Rollback complete* — ${mention(r.completed.by)} · ${slackDate(r.completed.at)}`)];
  const complete = button({
    text: 'Rollback complete',
    actionId: ActionId.rollbackComplete,
    value: encodeRef({ d: d.id }),
    style: 'primary',
    confirm: confirmDialog({
      title: `Rollback of ${d.ref} complete?`,
      text: `This records ${d.service} as rolled back and tells everyone. The environment stays locked until a lead unlocks it.`,
      confirm: 'Complete',
      style: 'primary',
    }),
  });
  // Rollback complete is offered once no required step is left, so pressing it is never refused for one.
  const ready = derived(d, 'rollbackStepsDone', (x) => rollbackStepsLeft(x).length === 0);
  const buttons = [...(ready ? [complete] : []), ...(d.status === 'rollback_failed' ? [] : [failButton(d)])];
  const failed = r.failed
    ? [
        section(
          `🆘 *Marked failed* by ${mention(r.failed.by)} · ${slackDate(r.failed.at)}: “${clip(r.failed.note, 1000)}”`,
        ),
      ]
    : [];
  const hint = ready
    ? 'Complete the rollback once its steps and validation are done.'
    : '*Rollback complete* appears here once every required step of the plan and its validation is done.';
  return [...failed, context(hint), ...(buttons.length ? [actions(buttons)] : [])];
}

function renderPlan(d: Deployment, now: number): SlackMessage[] {
  const parts = rollbackLayout(d.plan, 'rollback');
  const all = parts.flat();
  const done = all.filter((p) => d.items[p.key]?.state === 'done').length;
  return parts.map((part, i) => {
    const label = partLabel(i + 1, parts.length);
    const blocks = i === 0 ? planFrame(d, now, label) : [header(`⏪ Rollback plan${label}`)];
    // Rollback failed… is offered once, beside Rollback complete at the end of the validation.
    for (const p of part) blocks.push(...itemBlocks(d, p, stepButton(d, p)));
    return {
      key: i === 0 ? 'rollback:plan' : `rollback:plan:${i + 1}`,
      placement: 'thread' as const,
      text: `${d.ref} · Rollback plan${label}: ${done} of ${all.length} steps done`,
      blocks,
    };
  });
}

function renderValidation(d: Deployment): SlackMessage[] {
  const parts = rollbackLayout(d.plan, 'rollback_validation');
  const all = parts.flat();
  const done = all.filter((p) => d.items[p.key]?.state === 'done').length;
  return parts.map((part, i) => {
    const label = partLabel(i + 1, parts.length);
    const blocks: KnownBlock[] = [header(`🔎 Rollback validation${label}`)];
    if (!all.length)
      blocks.push(section('_The template lists no rollback validation: check the application by the plan above._'));
    else if (i === 0 && rollbackValidation(d.plan).standard) blocks.push(context(STANDARD_VALIDATION_NOTE));
    for (const p of part) blocks.push(...itemBlocks(d, p, stepButton(d, p)));
    if (i === parts.length - 1) blocks.push(...completeBlocks(d));
    return {
      key: i === 0 ? 'rollback:validation' : `rollback:validation:${i + 1}`,
      placement: 'thread' as const,
      text: `${d.ref} · Rollback validation${label}: ${done} of ${all.length} checks done`,
      blocks,
    };
  });
}

const once = (key: string, text: string, blocks: KnownBlock[] = [section(text)]): SlackMessage => ({
  key,
  placement: 'thread',
  text,
  blocks,
  once: true,
});

/** The rollback's own timeline: when it started, each step, the end; with its duration against the estimate. */
export function rollbackTimeline(d: Deployment): string[] {
  const r = d.rollback;
  if (!r) return [];
  const offset = (at: number) => `+${formatDuration(at - r.started.at)}`;
  const steps = [...itemsOfStage(d.plan, 'rollback'), ...itemsOfStage(d.plan, 'rollback_validation')]
    .flatMap((p) => {
      const s = d.items[p.key];
      return s?.state === 'done'
        ? [{ at: s.at, line: `${offset(s.at)} ✅ ${hinted(clip(p.item.text, 150))} — ${mention(s.by)}` }]
        : [];
    })
    .sort((a, b) => a.at - b.at)
    .map((s) => s.line);
  const lines = [`${slackDate(r.started.at)} ⏪ started by ${mention(r.started.by)}`, ...steps];
  if (r.failed) lines.push(`${offset(r.failed.at)} 🆘 marked failed by ${mention(r.failed.by)}`);
  if (r.completed) lines.push(`${offset(r.completed.at)} ↩️ marked complete by ${mention(r.completed.by)}`);
  return lines;
}

/** The rollback report: what was rolled back, the trigger, what was restored, its duration and timeline. Sent as the thread's rollback-completed notice. */
export function rollbackReport(d: Deployment): KnownBlock[] {
  const r = d.rollback;
  if (!r?.completed) return [];
  const t = rollbackTiming(d, r.completed.at)!;
  const estimate =
    t.estimateMs !== null
      ? ` (estimate ${formatDuration(t.estimateMs)}${t.overrunMs ? `, over by ${formatDuration(t.overrunMs)}` : ''})`
      : '';
  const restore = r.restore.map((k) => RESTORE_LABELS[k] ?? k).join(', ');
  const summary = [
    `*${what(d)}:* ${versions(d)}`,
    `*Trigger:* ${hinted(clip(r.trigger, 300))}`,
    `*Restored:* ${clip(restore || '—', 300)}`,
    `*Duration:* ${formatDuration(t.elapsedMs)}${estimate}`,
  ].join('\n');
  return [
    header(`📋 Rollback report · ${d.ref}`),
    section(summary),
    section(`*Timeline*\n${joinLines(rollbackTimeline(d), 2800, '')}`),
  ];
}

/** Whether the failed-rollback notice lands in the thread itself (no ops channel, no announcement channel, no dedicated channel). */
const failedNoticeInThread = (d: Deployment) => !d.opsChannelId && !d.announceChannelId && d.location !== 'channel';

/**
 * Once a rollback started, its messages in thread order (posted then, after
 * the notes): its plan, validation and failure note. The start and the end
 * are told by their notices (the thread's completed notice is the report).
 */
export function renderRollback(d: Deployment, now: number): SlackMessage[] {
  const r = d.rollback;
  if (!r) return [];
  const out = [...renderPlan(d, now), ...renderValidation(d)];
  if (r.failed && !failedNoticeInThread(d)) {
    out.push(
      once(
        'note:rollback:failed',
        `🆘 ${mention(r.failed.by)} marked the rollback of ${d.ref} failed: “${clip(r.failed.note, 1000)}”. The ops channel has been alerted.`,
      ),
    );
  }
  return out;
}

// --- Notices and locks ------------------------------------------------------------

export type RollbackNoticeKind = 'started' | 'completed' | 'failed';

/** The rollback notices for the announcement and ops channels. */
export function rollbackNotice(
  d: Deployment,
  kind: RollbackNoticeKind,
  threadLink: string | null,
): { text: string; blocks: KnownBlock[] } {
  const r = d.rollback;
  // The fallback text is what a phone notification shows: plain words, no mrkdwn stars.
  let text: string;
  let body: string;
  if (kind === 'started') {
    text = `⏪ Rolling back ${what(d)} (${d.ref}): ${versions(d)}`;
    body = `⏪ *Rolling back ${what(d)}* (${d.ref}): ${versions(d)}, started by ${mention(r?.started.by ?? d.deployerId)}\n*Trigger:* ${hinted(clip(r?.trigger ?? '', 300))}`;
  } else if (kind === 'completed') {
    const to = d.rollback?.toVersion ? clip(d.rollback.toVersion, 64) : 'the previous version';
    text = `↩️ ${what(d)} is rolled back (${d.ref}) to ${to}`;
    body = `↩️ *${what(d)} is rolled back* (${d.ref}) to ${to}.`;
  } else {
    text = `🆘 The rollback of ${what(d)} failed (${d.ref})`;
    body = `🆘 *The rollback of ${what(d)} failed* (${d.ref}): “${clip(r?.failed?.note ?? '', 500)}” — ${mention(r?.failed?.by ?? d.deployerId)}. Help is needed in the thread.`;
  }
  const link = threadLink ? safeLink(threadLink, `Open the thread of ${d.ref}`) : null;
  return { text, blocks: [section(body), ...(link ? [context(link)] : [])] };
}

/**
 * The scheduler's question some minutes after a monitored release was marked
 * faulty and is still live: roll back, or carry on (mark it healthy)?
 */
export function rollbackDecision({ d, now }: Pick<NoticeInput, 'd' | 'now'>): Notice {
  const verdict = d.monitoring?.verdict;
  const since = verdict ? ` ${formatDuration(now - verdict.at)} ago` : '';
  const why = verdict?.note ? ` (“${clip(verdict.note, 300)}”)` : '';
  const rollback = rollbackButton(d);
  const healthy = button({
    text: 'Carry on: mark healthy',
    actionId: ActionId.markHealthy,
    value: encodeRef({ d: d.id }),
    confirm: confirmDialog({
      title: `Keep ${d.ref} live?`,
      text: `This records ${d.service} ${d.version} as healthy and completes the deployment.`,
      confirm: 'Mark healthy',
      style: 'primary',
    }),
  });
  const until = d.monitoring ? ` The monitoring window ends ${slackDate(d.monitoring.until)}.` : '';
  return {
    text: `⏰ ${d.ref} was marked faulty${since} and is still live: roll back, or carry on?`,
    blocks: [
      section(
        `⏰ ${mention(d.deployerId)}: ${d.ref} (${what(d)}) was marked faulty${since}${why} and is still live. Decide now: roll back, or carry on.${until}`,
      ),
      actions(rollback ? [rollback, healthy] : [healthy]),
    ],
  };
}

/** The scheduler's alert when a rollback runs past the template's estimate. */
export function rollbackOverrun({ d, now }: Pick<NoticeInput, 'd' | 'now'>): Notice {
  const t = rollbackTiming(d, now);
  const estimate = t?.estimateMs ? formatDuration(t.estimateMs) : 'its estimate';
  const over = t?.overrunMs ? ` by ${formatDuration(t.overrunMs)}` : '';
  const open = itemsOfStage(d.plan, 'rollback').filter(
    (p) => p.item.required && d.items[p.key]?.state !== 'done' && !isLiftoffsAtTheEnd(p),
  ).length;
  const left = open ? ` ${open} required rollback step${open === 1 ? ' is' : 's are'} still open.` : '';
  const text = `⚠️ The rollback of ${d.ref} (${what(d)}) is over its estimated ${estimate}${over}.${left}`;
  const who = [...new Set([d.deployerId, d.rollback?.started.by ?? d.deployerId])].map(mention).join(', ');
  return { text, blocks: [section(`${text} ${who}: say in the thread what holds it up.`)] };
}
