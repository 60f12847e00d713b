import type { KnownBlock } from '@slack/types';
import { gateReport } from '../../../core/deployment/gates.js';
import { currentPhase, phaseTiming, progressOf } from '../../../core/deployment/progress.js';
import {
  DEPLOYMENT_TYPE_LABELS,
  ENVIRONMENT_LABELS,
  STATUS_LABELS,
  type Deployment,
} from '../../../core/deployment/types.js';
import { findItem } from '../../../core/template/items.js';
import { truncate } from '../../../core/text.js';
import { context, header, section } from '../blocks.js';
import { clip, firstFew, formatDuration, hinted, mention, progressBar, slackDate, statusText } from '../format.js';
import type { SlackMessage } from './message.js';
import { rollbackParentBlocks } from './offer.js';
import { reversesPair, rollbackNowLine } from './rollback.js';

/** Cancellation, rejections and failed steps: what must not be missed. One section each, each well under 3000 characters. */
function alerts(d: Deployment): string[] {
  const out: string[] = [];
  if (d.cancelled)
    out.push(
      `🚫 *Cancelled* by ${mention(d.cancelled.by)} · ${slackDate(d.cancelled.at)}: “${clip(d.cancelled.reason, 300)}”`,
    );
  const rejected = d.plan.approvals.flatMap((role) => {
    const a = d.approvals[role.role];
    return a?.decision === 'rejected' ? [{ role, a }] : [];
  });
  const rejection = ({ role, a }: (typeof rejected)[number]) =>
    `⛔ *${clip(role.label, 75)} rejected it* — ${mention(a.by)}${a.reason ? `: “${clip(a.reason, 200)}”` : ''}`;
  if (rejected.length) out.push(firstFew(rejected, 3, rejection).join('\n'));
  const failed = Object.entries(d.items).flatMap(([key, s]) => {
    const p = s.state === 'failed' ? findItem(d.plan, key) : undefined;
    return p ? [{ p, s }] : [];
  });
  const failure = ({ p, s }: (typeof failed)[number]) =>
    `❌ *Step failed* in “${clip(p.sectionTitle, 100)}”: ${hinted(clip(p.item.text, 200))} — ${mention(s.by)}${s.note ? `: “${clip(s.note, 200)}”` : ''}`;
  if (failed.length) out.push(firstFew(failed, 3, failure).join('\n'));
  return out;
}

function nowLine(d: Deployment, now: number): string {
  const rollback = rollbackNowLine(d, now);
  if (rollback) return rollback;
  if (d.completed) {
    // Monitored: completed when Complete was pressed (as the completion notice says), healthy at the verdict.
    const m = d.monitoring;
    if (m?.verdict?.healthy)
      return `✅ Completed ${slackDate(m.at)} by ${mention(m.by)} · 💚 healthy after monitoring, ${slackDate(m.verdict.at, '{time}')}`;
    return `✅ Completed ${slackDate(d.completed.at)} by ${mention(d.completed.by)}`;
  }
  if (d.cancelled) return '';
  const phase = currentPhase(d);
  if (phase) {
    const index = d.plan.phases.indexOf(phase);
    const t = phaseTiming(d, phase.id, now);
    const over =
      t.overrun && t.actualMs !== null ? ` · ⚠️ over plan by ${formatDuration(t.actualMs - t.plannedMs)}` : '';
    return `▶️ *Now:* phase ${index + 1} of ${d.plan.phases.length}, “${clip(phase.title, 150)}”${over}`;
  }
  if (d.status === 'verifying') return '🔎 *Now:* verification and post-deployment checks.';
  if (d.status === 'in_progress') return '⏸️ *Now:* between phases.';
  const gate = gateReport(d, 'start');
  if (gate.open) return '✅ *Ready to start:* the start gate is open.';
  const n = gate.missing.length;
  return `⏳ *Before starting:* ${n} thing${n === 1 ? '' : 's'} missing (approvals and the pre-deployment checklist are in the thread).`;
}

function summary(d: Deployment): string {
  const parts: string[] = [];
  if (d.changes.length) parts.push(`*Changes*\n${firstFew(d.changes, 5, (c) => `• ${clip(c, 150)}`).join('\n')}`);
  if (d.tickets.length) {
    const line = (t: Deployment['tickets'][number]) =>
      `• *${clip(t.key, 40)}*${t.description ? `: ${clip(t.description, 150)}` : ''}`;
    parts.push(`*Tickets*\n${firstFew(d.tickets, 5, line).join('\n')}`);
  }
  return parts.join('\n\n');
}

/**
 * What a reader wants first, one fact a line so it stays short on a phone:
 * status and progress, then when and who, then only what is unusual. Service,
 * version and environment are in the header (and the fallback text), not repeated here.
 */
function facts(d: Deployment): string {
  const lines = [
    `*${statusText(d.status)}* · ${progressBar(progressOf(d))}`,
    `*Window:* ${slackDate(d.window.start)} – ${slackDate(d.window.end)}`,
    `*Deployer:* ${mention(d.deployerId)}`,
  ];
  if (d.type !== 'release') lines.push(`*Type:* ${DEPLOYMENT_TYPE_LABELS[d.type]}`);
  if (d.emergency) lines.push(emergencyLine(d));
  const reverses = reversesPair(d);
  if (reverses) lines.push(`*${reverses[0]}:* ${reverses[1]}`);
  if (d.branch) lines.push(`*Branch:* \`${clip(d.branch, 200)}\``);
  return lines.join('\n');
}

/** The emergency flag of a deployment outside the deploy calendar: why, and whether a second person granted it. */
function emergencyLine(d: Deployment): string {
  const granted = d.overrides.find((o) => o.gate === 'calendar');
  const state = granted ? `granted by ${mention(granted.by)}` : 'waits for a second person';
  return `🚨 *Emergency outside the calendar* (${state}): “${clip(d.emergency?.reason ?? '', 200)}”`;
}

/** "🚀 checkout 2.4.0 → Production" within the header's 150 characters: a long service name gives way, never the version or environment. */
function title(d: Deployment): string {
  const rest = ` ${d.version} → ${ENVIRONMENT_LABELS[d.environment]}`;
  return `🚀 ${truncate(d.service, Math.max(1, 147 - rest.length))}${rest}`;
}

export function renderParent(d: Deployment, now: number): SlackMessage {
  const env = ENVIRONMENT_LABELS[d.environment];
  const blocks: KnownBlock[] = [header(title(d)), section(facts(d))];
  blocks.push(...alerts(d).map((text) => section(text)));
  const line = nowLine(d, now);
  if (line) blocks.push(section(line));
  const s = summary(d);
  if (s) blocks.push(section(s));
  blocks.push(...rollbackParentBlocks(d));
  blocks.push(
    context(
      `*${d.ref}* · Template: ${clip(d.plan.name, 75)} · Created by ${mention(d.created.by)} ${slackDate(d.created.at)}`,
    ),
  );
  return {
    key: 'parent',
    placement: 'parent',
    text: `${d.ref}: ${clip(d.service, 80)} ${clip(d.version, 64)} to ${env} — ${STATUS_LABELS[d.status]}`,
    blocks,
  };
}
