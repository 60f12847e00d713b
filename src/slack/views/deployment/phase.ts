import type { KnownBlock } from '@slack/types';
import { phaseStepsLeft, startGatesOpen } from '../../../core/deployment/gates.js';
import { phaseTiming } from '../../../core/deployment/progress.js';
import { FINISHED, type Deployment } from '../../../core/deployment/types.js';
import { truncate } from '../../../core/text.js';
import { itemsOfStage, type PlanItem } from '../../../core/template/items.js';
import type { Phase, Template } from '../../../core/template/schema.js';
import { ActionId, encodeRef } from '../../ids.js';
import { actions, button, context, header, section } from '../blocks.js';
import { clip, DATE_TIME, formatDuration, joinLines, mention, slackDate } from '../format.js';
import { itemBlocks } from './item.js';
import { budgetAfter, memoByPlan, pack, partLabel, plus, sharedCost, unitKey, worstCost, ZERO } from './layout.js';
import { derived } from './memo.js';
import type { SlackMessage } from './message.js';

const DAY = 86_400_000;

/** A phase's timing; one the rollback interrupted stops its clock then (no growing “running for”, no overrun after it). */
function timingOf(d: Deployment, phaseId: string, now: number) {
  const s = d.phases[phaseId];
  return phaseTiming(d, phaseId, s?.interrupted && !s.completed ? Math.min(now, s.interrupted.at) : now);
}

function timingLines(d: Deployment, phase: Phase, now: number): string[] {
  const state = d.phases[phase.id];
  if (!state) return [];
  const t = timingOf(d, phase.id, now);
  const endFormat = t.plannedMs < DAY ? '{time}' : DATE_TIME;
  const lines = [
    `🗓️ Planned ${slackDate(state.plannedStart)} – ${slackDate(state.plannedEnd, endFormat)} (${formatDuration(t.plannedMs)})`,
  ];
  if (state.started) lines.push(`▶️ Started ${slackDate(state.started.at)} by ${mention(state.started.by)}`);
  if (state.completed) {
    lines.push(`🏁 Completed ${slackDate(state.completed.at)} by ${mention(state.completed.by)}`);
    lines.push(`⏱️ Took ${formatDuration(t.actualMs ?? 0)} of ${formatDuration(t.plannedMs)} planned`);
  } else if (state.interrupted && t.actualMs !== null) {
    lines.push(
      `⏹️ Interrupted by the rollback ${slackDate(state.interrupted.at)} after ${formatDuration(t.actualMs)} of ${formatDuration(t.plannedMs)} planned`,
    );
  } else if (t.actualMs !== null) {
    lines.push(`⏱️ Running for ${formatDuration(t.actualMs)} of ${formatDuration(t.plannedMs)} planned`);
  }
  return lines;
}

function frameTop(d: Deployment, phase: Phase, now: number, part: string): KnownBlock[] {
  const index = d.plan.phases.findIndex((p) => p.id === phase.id);
  const blocks: KnownBlock[] = [
    header(`Phase ${index + 1} of ${d.plan.phases.length}: ${truncate(phase.title, 110)}${part}`),
  ];
  const timing = timingLines(d, phase, now);
  if (timing.length) blocks.push(context(...timing));
  const t = timingOf(d, phase.id, now);
  if (t.overrun && t.actualMs !== null) {
    blocks.push(section(`⚠️ *Over plan by ${formatDuration(t.actualMs - t.plannedMs)}*`));
  }
  if (phase.notes.length)
    blocks.push(
      context(
        `📝 ${joinLines(
          phase.notes.map((n) => clip(n, 500)),
          1500,
          '',
        )}`,
      ),
    );
  if (!phase.steps.length) blocks.push(section('_No steps are listed for this phase._'));
  return blocks;
}

function frameBottom(d: Deployment, phase: Phase): KnownBlock[] {
  // An interrupted phase says so in its timing line, also once the rollback is over.
  if (FINISHED.has(d.status) || d.rollback) return [];
  const state = d.phases[phase.id];
  const ref = encodeRef({ d: d.id, p: phase.id });
  if (state?.completed) return [];
  if (state?.started) {
    // Complete phase is offered once nothing required is left, so pressing it never meets “still has steps to do”.
    const ready = phaseStepsLeft(d, phase.id).length === 0;
    const buttons = ready
      ? [button({ text: 'Complete phase', actionId: ActionId.completePhase, value: ref, style: 'primary' })]
      : [];
    if (phase.steps.length)
      buttons.push(button({ text: 'Report a failed step…', actionId: ActionId.failStep, value: ref, style: 'danger' }));
    const hint = ready ? [] : [context('*Complete phase* appears here once every required step above is done.')];
    return buttons.length ? [...hint, actions(buttons)] : hint;
  }
  const index = d.plan.phases.findIndex((p) => p.id === phase.id);
  const previous = d.plan.phases[index - 1];
  if (previous && !d.phases[previous.id]?.completed)
    return [context(`Starts after “${clip(previous.title, 150)}” is complete.`)];
  // The first phase waits for the start gate (and an emergency's go-ahead); the approvals message says what is missing.
  if (!previous && !derived(d, 'startGatesOpen', startGatesOpen))
    return [
      context(
        '*Start phase* appears here once the start gate is open: the approvals message above says what is missing.',
      ),
    ];
  return [actions([button({ text: 'Start phase', actionId: ActionId.startPhase, value: ref, style: 'primary' })])];
}

const running = (d: Deployment, phase: Phase) => {
  const s = d.phases[phase.id];
  return !FINISHED.has(d.status) && !d.rollback && !!s?.started && !s.completed;
};

const stepBlocks = (d: Deployment, phase: Phase, p: PlanItem): KnownBlock[] =>
  itemBlocks(d, p, running(d, phase) ? (d.items[p.key]?.state === 'done' ? 'undo' : 'confirm') : null);

/** A phase's steps cut into parts; nearly always one. */
export function phaseLayout(plan: Template, phase: Phase): PlanItem[][] {
  return memoByPlan(plan, `phase:${phase.id}`, () => {
    const steps = itemsOfStage(plan, 'phase').filter((p) => p.sectionId === phase.id);
    const frame = plus(
      worstCost(plan, (d, now) => frameTop(d, phase, now, partLabel(99, 99))),
      worstCost(plan, (d) => frameBottom(d, phase)),
    );
    const parts = pack(
      [{ title: null, units: steps }],
      (p) => sharedCost(unitKey('phase', p), () => worstCost(plan, (d) => stepBlocks(d, phase, p))),
      () => ZERO,
      budgetAfter(frame),
    );
    return parts.length ? parts.map((chunk) => chunk.flatMap((s) => s.units)) : [[]];
  });
}

export function renderPhase(d: Deployment, phase: Phase, now: number): SlackMessage[] {
  const parts = phaseLayout(d.plan, phase);
  const state = d.phases[phase.id];
  const steps = parts.flat();
  const done = steps.filter((p) => d.items[p.key]?.state === 'done').length;
  const where = state?.completed
    ? 'complete'
    : state?.interrupted
      ? 'interrupted'
      : state?.started
        ? 'running'
        : 'not started';
  return parts.map((part, i) => {
    const label = partLabel(i + 1, parts.length);
    const blocks: KnownBlock[] =
      i === 0 ? frameTop(d, phase, now, label) : [header(`${truncate(phase.title, 130)}${label}`)];
    for (const p of part) blocks.push(...stepBlocks(d, phase, p));
    if (i === parts.length - 1) blocks.push(...frameBottom(d, phase));
    return {
      key: i === 0 ? `phase:${phase.id}` : `phase:${phase.id}:${i + 1}`,
      placement: 'thread' as const,
      text: `${d.ref} · Phase “${clip(phase.title, 150)}”${label}: ${where}, ${done} of ${steps.length} steps done`,
      blocks,
    };
  });
}
