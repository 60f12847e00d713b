import type { KnownBlock } from '@slack/types';
import { gateReport } from '../../../core/deployment/gates.js';
import { healthChecksOffered, writtenEndpoint } from '../../../core/deployment/health-checks.js';
import { isUnderway, isWorkOpen } from '../../../core/deployment/progress.js';
import { DEPLOYMENT_TYPE_LABELS, ENVIRONMENT_LABELS, type Deployment } from '../../../core/deployment/types.js';
import { itemsOfStage, type PlanItem } from '../../../core/template/items.js';
import { hasPlaceholder } from '../../../core/template/placeholders.js';
import type { Group, Template } from '../../../core/template/schema.js';
import { ActionId, encodeRef } from '../../ids.js';
import { actions, button, confirmDialog, context, header, section } from '../blocks.js';
import { clip, hinted, joinLines, mention, slackDate } from '../format.js';
import { gateText, overrideButton, worstReports } from './gate.js';
import { itemBlocks, type ItemButton } from './item.js';
import {
  budgetAfter,
  maxOf,
  measure,
  memoByPlan,
  pack,
  partLabel,
  sharedCost,
  unitKey,
  worstCost,
  type Part,
} from './layout.js';
import type { SlackMessage } from './message.js';

export type ChecklistStage = 'pre' | 'verify' | 'post';

type Unit =
  | { kind: 'item'; p: PlanItem }
  | { kind: 'query'; index: number }
  | { kind: 'health' }
  | { kind: 'followUps' }
  | { kind: 'complete' };

const TITLES: Record<ChecklistStage, string> = {
  pre: 'Pre-deployment checklist',
  verify: 'Verification',
  post: 'Post-deployment',
};

const groupsOf = (plan: Template, stage: ChecklistStage): Group[] =>
  stage === 'pre' ? plan.preDeployment : stage === 'verify' ? plan.verification.groups : plan.postDeployment.groups;

function itemButton(d: Deployment, p: PlanItem): ItemButton {
  if (!isWorkOpen(d)) return null;
  if (p.stage !== 'pre' && d.status !== 'in_progress' && d.status !== 'verifying') return null;
  return d.items[p.key]?.state === 'done' ? 'undo' : 'confirm';
}

const titleBlock = (title: string, continued: boolean): KnownBlock =>
  section(`*${clip(title, 150)}*${continued ? ' _(continued)_' : ''}`);

function completeBlocks(d: Deployment, gate = gateReport(d, 'complete')): KnownBlock[] {
  if (d.completed) return [section(`✅ *Completed* by ${mention(d.completed.by)} · ${slackDate(d.completed.at)}`)];
  if (d.cancelled) return [section(`🚫 *Cancelled* by ${mention(d.cancelled.by)} · ${slackDate(d.cancelled.at)}`)];
  if (d.rollback) return [section(`⏪ *Not completed: a rollback started* — its plan is further down the thread.`)];
  if (d.monitoring) {
    return [
      section(
        `✅ *Completed* by ${mention(d.monitoring.by)} · ${slackDate(d.monitoring.at)}; monitored until ${slackDate(d.monitoring.until)}`,
      ),
    ];
  }
  const what = `${d.service} ${d.version} (${ENVIRONMENT_LABELS[d.environment]}, ${DEPLOYMENT_TYPE_LABELS[d.type]})`;
  const complete = button({
    text: 'Complete deployment',
    actionId: ActionId.complete,
    value: encodeRef({ d: d.id }),
    style: 'primary',
    confirm: confirmDialog({
      title: `Complete ${d.ref}?`,
      text: `This records ${what} as deployed and closes its checklists for good.`,
      confirm: 'Complete',
      style: 'primary',
    }),
  });
  // Complete is offered once the gate is open (its text lists what is missing until then), so pressing it is never refused for a gap.
  return [section(gateText(gate)), actions([gate.open ? complete : overrideButton(d, gate)])];
}

function unitBlocks(d: Deployment, u: Unit): KnownBlock[] {
  const plan = d.plan;
  switch (u.kind) {
    case 'item':
      return itemBlocks(d, u.p, itemButton(d, u.p));
    case 'query': {
      const q = plan.verification.validationQueries[u.index];
      if (!q) return [];
      const code = clip(q.code.replace(/```/g, '`\u200b`\u200b`'), 2700); // a ``` inside would end the code block
      return [section(`*Validation query ${u.index + 1}* (${clip(q.language, 20)})\n\`\`\`${code}\`\`\``)];
    }
    case 'health': {
      // An endpoint or an answer the template left blank (`[URL]` → `[Response]`) shows as a hint, as every
      // other blank does; an endpoint with a blank is not run (`healthChecksOffered`), so it is not shown as code.
      const lines = plan.verification.healthChecks.map((h) => {
        const endpoint = clip(writtenEndpoint(h.endpoint), 300);
        const shown = hasPlaceholder(h.endpoint) ? hinted(endpoint) : `\`${endpoint}\``;
        return `${shown}${h.status ? ` → ${h.status}` : ''}${h.expected ? ` → ${hinted(clip(h.expected, 300))}` : ''}`;
      });
      const run = healthChecksOffered(d)
        ? button({ text: 'Run health checks', actionId: ActionId.runHealthChecks, value: encodeRef({ d: d.id }) })
        : undefined;
      return [section(`*Health checks*\n${joinLines(lines, 2800)}`, run)];
    }
    case 'followUps':
      return [
        section(
          `*Follow-up actions*\n${joinLines(
            plan.postDeployment.followUps.map((f) => hinted(clip(f, 500))),
            2800,
          )}`,
        ),
      ];
    case 'complete':
      return completeBlocks(d);
  }
}

function frameTop(d: Deployment, stage: ChecklistStage, part: string): KnownBlock[] {
  const top: KnownBlock[] = [header(`${TITLES[stage]}${part}`)];
  // Before the first phase only: afterwards (also once a rollback interrupted it) the stage has opened, or closed for good.
  const notYet = stage !== 'pre' && !isUnderway(d) && !d.cancelled;
  if (notYet) top.push(context('Opens when the first deployment phase starts.'));
  return top;
}

function segmentsOf(plan: Template, stage: ChecklistStage) {
  const items = itemsOfStage(plan, stage);
  const segments = groupsOf(plan, stage).map((g) => ({
    title: g.title as string | null,
    units: items.filter((p) => p.sectionId === g.id).map((p): Unit => ({ kind: 'item', p })),
  }));
  if (stage === 'verify') {
    plan.verification.validationQueries.forEach((_, index) =>
      segments.push({ title: null, units: [{ kind: 'query', index }] }),
    );
    if (plan.verification.healthChecks.length) segments.push({ title: null, units: [{ kind: 'health' }] });
  }
  if (stage === 'post') {
    const tail: Unit[] = plan.postDeployment.followUps.length
      ? [{ kind: 'followUps' }, { kind: 'complete' }]
      : [{ kind: 'complete' }];
    segments.push({ title: null, units: tail });
  }
  return segments;
}

/** The chunks of a stage's checklist: from the plan alone, so keys never move. */
export function checklistLayout(plan: Template, stage: ChecklistStage): Part<Unit>[][] {
  return memoByPlan(plan, `checklist:${stage}`, () =>
    pack(
      segmentsOf(plan, stage),
      (u) =>
        u.kind === 'complete'
          ? sharedCost('checklist:complete', () =>
              maxOf(worstReports('complete').map((r) => worstCost(plan, (d) => completeBlocks(d, r)))),
            )
          : u.kind === 'item'
            ? sharedCost(unitKey('checklist', u.p), () => worstCost(plan, (d) => unitBlocks(d, u)))
            : worstCost(plan, (d) => unitBlocks(d, u)),
      (title, continued) => measure([titleBlock(title, continued)]),
      budgetAfter(worstCost(plan, (d) => frameTop(d, stage, partLabel(99, 99)))),
    ),
  );
}

/** The `i`-th message (from 0) of a stage's checklist. */
export function renderChecklistPart(d: Deployment, stage: ChecklistStage, i: number): SlackMessage {
  const chunks = checklistLayout(d.plan, stage);
  const chunk = chunks[i]!;
  const part = partLabel(i + 1, chunks.length);
  const blocks = frameTop(d, stage, part);
  let done = 0;
  let total = 0;
  for (const seg of chunk) {
    // A group titled like the message ("Pre-deployment checklist" under the header of that name) is not titled twice.
    const sameAsHeader = !seg.continued && seg.title?.trim().toLowerCase() === TITLES[stage].toLowerCase();
    if (seg.title !== null && !sameAsHeader) blocks.push(titleBlock(seg.title, seg.continued));
    for (const u of seg.units) {
      blocks.push(...unitBlocks(d, u));
      if (u.kind === 'item') {
        total++;
        if (d.items[u.p.key]?.state === 'done') done++;
      }
    }
  }
  const counts = total ? `: ${done} of ${total} done` : '';
  return {
    key: `${stage}:${i + 1}`,
    placement: 'thread' as const,
    text: `${d.ref} · ${TITLES[stage]}${part}${counts}`,
    blocks,
  };
}
