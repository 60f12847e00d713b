import { gateReport, requiredRoles } from '../../../core/deployment/gates.js';
import { FRESH_MS } from '../../../core/schedule/plan.js';
import type { Deployment } from '../../../core/deployment/types.js';
import { section } from '../blocks.js';
import { clip, formatDuration, hinted, joinLines, mention, mentions, slackDate } from '../format.js';
import { plainTitle, threadHint, title, windowText, type Notice, type NoticeInput } from './common.js';

/**
 * The deployment announcement, to stakeholders, some hours before the window. Sent so close to the
 * window that the reminder is not (notices due together are one, src/core/schedule/plan.ts), it also
 * says when it starts and what is still open.
 */
export function announcement({ d, job, now, timings }: NoticeInput): Notice {
  const changes = d.changes.length
    ? joinLines(
        d.changes.map((c) => clip(c, 300)),
        1500,
      )
    : '';
  const soon = d.window.start - now < timings.reminderHoursBefore * 3_600_000 + FRESH_MS;
  const when = soon && d.window.start > now ? ` (in ${formatDuration(d.window.start - now)})` : '';
  return {
    text: `📣 Upcoming deployment: ${plainTitle(d)}, ${windowText(d)}`,
    blocks: [
      section(
        `📣 *Upcoming deployment* ${title(d)}\n🗓️ ${windowText(d)}${when} · deployer ${mention(d.deployerId)}${soon ? `\n${readiness(d)}` : ''}`,
      ),
      ...(changes ? [section(`*What changes*\n${changes}`)] : []),
      ...(d.emergency ? [section(`🚨 *Why it cannot wait*: “${clip(d.emergency.reason, 500)}”`)] : []),
      ...threadHint(d, job.payload.target),
    ],
  };
}

/** "✅ Ready to start…" or "⏳ 13 things still open before it can start." */
function readiness(d: Deployment): string {
  const gate = gateReport(d, 'start');
  return gate.open
    ? '✅ Ready to start: approvals and checklist are complete.'
    : `⏳ ${gate.missing.length} ${gate.missing.length === 1 ? 'thing' : 'things'} still open before it can start.`;
}

/** The preparation reminder, to stakeholders, shortly before the window. */
export function reminder({ d, now, job }: NoticeInput): Notice {
  const state = readiness(d);
  return {
    text: `⏰ ${plainTitle(d)} starts in ${formatDuration(d.window.start - now)}`,
    blocks: [
      section(
        `⏰ *Starting soon* ${title(d)}\n🗓️ ${windowText(d)} (in ${formatDuration(d.window.start - now)})\n${state}`,
      ),
      ...threadHint(d, job.payload.target),
    ],
  };
}

/** How many people named for one role are mentioned; the others are counted (a group of six is not pinged for one signature). */
const MENTIONED_PER_ROLE = 3;

/**
 * In the thread: who still has to do what, one line per person or role, so each mention says why.
 * Approvers are mentioned for their own role's signature only; the deployer for the checklist. The
 * list is a snapshot, and says so ("as of 13:05"): the checklist messages above stay current.
 */
export function personalReminder({ d, now }: NoticeInput): Notice {
  const lines: string[] = [];
  for (const role of requiredRoles(d)) {
    if (d.approvals[role]?.decision === 'approved') continue;
    const label = hinted(clip(d.plan.approvals.find((a) => a.role === role)?.label ?? role, 75));
    const named = d.approvers[role] ?? [];
    lines.push(`• ${named.length ? mentions(named, MENTIONED_PER_ROLE) : '_nobody named_'}: the ${label} approval`);
  }
  // The gate lists the roles first (one line each, as above), then the open pre-deployment items.
  const missing = gateReport(d, 'start').missing;
  // The template's blanks as hints, as the gate on the card shows them (no raw `[placeholder]`).
  const items = missing.slice(lines.length).map((l) => hinted(clip(l, 200)));
  if (items.length) {
    const n = `${items.length} pre-deployment ${items.length === 1 ? 'item' : 'items'}`;
    lines.push(`• ${mention(d.deployerId)}: ${n}\n${joinLines(items, 2000, '\u2003◦ ')}`);
  }
  const count = missing.length;
  return {
    text: `⏰ ${d.ref} starts in ${formatDuration(d.window.start - now)}; still open: ${count} ${count === 1 ? 'item' : 'items'}`,
    blocks: [
      section(
        `⏰ ${d.ref} starts ${slackDate(d.window.start)}. Still open, as of ${slackDate(now, '{time}')}:\n${lines.join('\n')}`,
      ),
    ],
  };
}

/** The window moved: told to the announcement channel. */
export function rescheduled({ d, events, job }: NoticeInput): Notice {
  const e = job.payload.seq ? events[job.payload.seq - 1] : undefined;
  const by = e ? mention(e.actor) : mention(d.deployerId);
  return {
    text: `🗓️ ${plainTitle(d)} is rescheduled`,
    blocks: [
      section(`🗓️ *Rescheduled* ${title(d)}\nNew window: ${windowText(d)} (by ${by})`),
      ...threadHint(d, job.payload.target),
    ],
  };
}

/** Cancelled: told to the announcement channel (and, when that is elsewhere, to the thread). */
export function cancelled({ d, job }: NoticeInput): Notice {
  const why = d.cancelled ? `\nReason: ${clip(d.cancelled.reason, 1000)} (${mention(d.cancelled.by)})` : '';
  return {
    text: `🚫 ${plainTitle(d)} is cancelled`,
    blocks: [
      section(`🚫 *Cancelled* ${title(d)} planned for ${windowText(d)}${why}`),
      ...threadHint(d, job.payload.target),
    ],
  };
}
