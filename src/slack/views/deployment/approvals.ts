import type { KnownBlock } from '@slack/types';
import { gateReport, requiredRoles } from '../../../core/deployment/gates.js';
import { isUnderway, isWorkOpen } from '../../../core/deployment/progress.js';
import { ENVIRONMENT_LABELS, type Deployment } from '../../../core/deployment/types.js';
import type { ApprovalRole, Template } from '../../../core/template/schema.js';
import { ActionId, encodeRef } from '../../ids.js';
import { actions, button, confirmDialog, header, section } from '../blocks.js';
import { clip, mention, mentions, slackDate } from '../format.js';
import { gateText, overrideButton, worstReports } from './gate.js';
import { budgetAfter, maxOf, memoByPlan, pack, partLabel, sharedCost, unitKey, worstCost, ZERO } from './layout.js';
import type { SlackMessage } from './message.js';

type Unit = { kind: 'role'; role: ApprovalRole } | { kind: 'gate' };

function stateLine(d: Deployment, role: ApprovalRole): string {
  const a = d.approvals[role.role];
  if (a?.decision === 'approved') return `✅ Approved by ${mention(a.by)} · ${slackDate(a.at)}`;
  if (a?.decision === 'rejected') {
    return `⛔ *Rejected* by ${mention(a.by)} · ${slackDate(a.at)}${a.reason ? `: “${clip(a.reason, 200)}”` : ''}`;
  }
  if (!requiredRoles(d).includes(role.role)) return '➖ Not requested';
  // Once the work is closed (finished, or a rollback started) nobody waits for it any more.
  return isWorkOpen(d) ? '⏳ Waiting' : '➖ Not given';
}

function roleBlocks(d: Deployment, role: ApprovalRole): KnownBlock[] {
  const named = d.approvers[role.role] ?? [];
  const title = `*${clip(role.label, 75)}*${role.required ? '' : ' _(optional)_'}`;
  const who = named.length ? `Approver${named.length > 1 ? 's' : ''}: ${mentions(named)}` : '_Nobody named_';
  const blocks: KnownBlock[] = [section(`${title}\n${who}\n${stateLine(d, role)}`)];
  const decision = d.approvals[role.role]?.decision;
  if (!isWorkOpen(d) || !named.length || decision === 'approved') return blocks;

  const value = encodeRef({ d: d.id, r: role.role });
  const env = ENVIRONMENT_LABELS[d.environment];
  const buttons = [
    button({
      text: 'Approve',
      actionId: ActionId.approve,
      value,
      style: 'primary',
      confirm: confirmDialog({
        title: `Approve ${d.ref}?`,
        text: `You sign as ${role.label} for this ${env} deployment. Everyone following it sees who approved and when.`,
        confirm: 'Approve',
        style: 'primary',
      }),
    }),
  ];
  // Once under way a rejection is refused: the problem is raised in the thread, or the release rolled back.
  if (decision !== 'rejected' && !isUnderway(d)) {
    buttons.push(
      button({
        text: 'Reject…',
        actionId: ActionId.reject,
        value,
        style: 'danger',
        confirm: confirmDialog({
          title: `Reject ${d.ref}?`,
          text: `You will be asked why. A rejection as ${role.label} holds the deployment until it is approved or the deployer overrides it.`,
          confirm: 'Reject…',
          style: 'danger',
        }),
      }),
    );
  }
  return [...blocks, actions(buttons)];
}

function gateBlocks(
  d: Deployment,
  report = gateReport(d, 'start'),
  calendar = d.emergency ? gateReport(d, 'calendar') : null,
): KnownBlock[] {
  // A deployment cancelled before it started has no gate to pass any more.
  if (d.cancelled && !isUnderway(d)) return [section('🚫 *Cancelled before it started*: nothing more to approve.')];
  // An emergency outside the calendar waits for a second person's grant, before and besides the start gate.
  const blocks: KnownBlock[] = [];
  if (calendar && !calendar.open && !isUnderway(d)) {
    blocks.push(section(gateText(calendar)));
    if (calendar.requested && isWorkOpen(d)) blocks.push(actions([overrideButton(d, calendar)]));
  }
  // Once under way the start gate is not asked again: an item undone later does not close it.
  if (isUnderway(d) && !report.open) return [section('✅ *Start gate* passed: the first phase has started.')];
  blocks.push(section(gateText(report)));
  if (!report.open && isWorkOpen(d)) blocks.push(actions([overrideButton(d, report)]));
  return blocks;
}

const unitBlocks = (d: Deployment, u: Unit) => (u.kind === 'role' ? roleBlocks(d, u.role) : gateBlocks(d));

const title = (part: string) => header(`Approvals${part}`);

export function approvalsLayout(plan: Template): Unit[][] {
  return memoByPlan(plan, 'approvals', () => {
    const units: Unit[] = [...plan.approvals.map((role): Unit => ({ kind: 'role', role })), { kind: 'gate' }];
    const frame = worstCost(plan, () => [title(partLabel(99, 99))]);
    const cost = (u: Unit) =>
      u.kind === 'role'
        ? sharedCost(unitKey('approvals', u.role), () => worstCost(plan, (d) => roleBlocks(d, u.role)))
        : sharedCost('approvals:gate', () =>
            maxOf(
              worstReports('start').flatMap((r) =>
                worstReports('calendar').map((c) => worstCost(plan, (d) => gateBlocks(d, r, c))),
              ),
            ),
          );
    return pack([{ title: null, units }], cost, () => ZERO, budgetAfter(frame)).map((chunk) =>
      chunk.flatMap((s) => s.units),
    );
  });
}

export function renderApprovals(d: Deployment): SlackMessage[] {
  const chunks = approvalsLayout(d.plan);
  const roles = requiredRoles(d);
  const signed = roles.filter((r) => d.approvals[r]?.decision === 'approved').length;
  const rejected = roles.filter((r) => d.approvals[r]?.decision === 'rejected').length;
  const summary = `${signed} of ${roles.length} required approvals${rejected ? `, ${rejected} rejected` : ''}`;
  return chunks.map((units, i) => {
    const part = partLabel(i + 1, chunks.length);
    return {
      key: i === 0 ? 'approvals' : `approvals:${i + 1}`,
      placement: 'thread' as const,
      text: `${d.ref} · Approvals${part}: ${summary}`,
      blocks: [title(part), ...units.flatMap((u) => unitBlocks(d, u))],
    };
  });
}
