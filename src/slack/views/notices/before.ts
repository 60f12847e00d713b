import { gateReport, requiredRoles } from '../../../core/deployment/gates.js';
import type { Deployment } from '../../../core/deployment/types.js';
import { section } from '../blocks.js';
import { clip, formatDuration, joinLines, mention, mentions, slackDate } from '../format.js';
import { plainTitle, threadHint, title, windowText, type Notice, type NoticeInput } from './common.js';

/** The deployment announcement, to stakeholders, some hours before the window. */
export function announcement({ d, job }: NoticeInput): Notice {
  const changes = d.changes.length ? joinLines(d.changes.map((c) => clip(c, 300)), 1500) : '';
  return {
    text: `📣 Upcoming deployment: ${plainTitle(d)}, ${windowText(d)}`,
    blocks: [
      section(`📣 *Upcoming deployment* ${title(d)}\n🗓️ ${windowText(d)} · deployer ${mention(d.deployerId)}`),
      ...(changes ? [section(`*What changes*\n${changes}`)] : []),
      ...threadHint(d, job.payload.target),
    ],
  };
}

/** The preparation reminder, to stakeholders, shortly before the window. */
export function reminder({ d, now, job }: NoticeInput): Notice {
  const gate = gateReport(d, 'start');
  const state = gate.open ? '✅ Ready to start: approvals and checklist are complete.' : `⏳ ${gate.missing.length} ${gate.missing.length === 1 ? 'thing' : 'things'} still open before it can start.`;
  return {
    text: `⏰ ${plainTitle(d)} starts in ${formatDuration(d.window.start - now)}`,
    blocks: [
      section(`⏰ *Starting soon* ${title(d)}\n🗓️ ${windowText(d)} (in ${formatDuration(d.window.start - now)})\n${state}`),
      ...threadHint(d, job.payload.target),
    ],
  };
}

/** The people who still have something open before the start, and what. */
export function openBeforeStart(d: Deployment): { people: string[]; lines: string[] } {
  const people = new Set<string>([d.deployerId]);
  for (const role of requiredRoles(d)) {
    if (d.approvals[role]?.decision !== 'approved') for (const u of d.approvers[role] ?? []) people.add(u);
  }
  return { people: [...people], lines: gateReport(d, 'start').missing };
}

/** In the thread: who still has to approve or confirm what. */
export function personalReminder({ d, now }: NoticeInput): Notice {
  const open = openBeforeStart(d);
  const lines = joinLines(open.lines.map((l) => clip(l, 200)), 2500);
  return {
    text: `⏰ ${d.ref} starts in ${formatDuration(d.window.start - now)}; still open: ${open.lines.length} ${open.lines.length === 1 ? 'item' : 'items'}`,
    blocks: [
      section(`⏰ ${mentions(open.people, 20)}: ${d.ref} starts ${slackDate(d.window.start)} and still needs:\n${lines}`),
    ],
  };
}

/** The window moved: told to the announcement channel. */
export function rescheduled({ d, events, job }: NoticeInput): Notice {
  const e = job.payload.seq ? events[job.payload.seq - 1] : undefined;
  const by = e ? mention(e.actor) : mention(d.deployerId);
  return {
    text: `🗓️ ${plainTitle(d)} is rescheduled`,
    blocks: [section(`🗓️ *Rescheduled* ${title(d)}\nNew window: ${windowText(d)} (by ${by})`), ...threadHint(d, job.payload.target)],
  };
}

/** Cancelled: told to the announcement channel. */
export function cancelled({ d }: NoticeInput): Notice {
  const why = d.cancelled ? `\nReason: ${clip(d.cancelled.reason, 1000)} (${mention(d.cancelled.by)})` : '';
  return {
    text: `🚫 ${plainTitle(d)} is cancelled`,
    blocks: [section(`🚫 *Cancelled* ${title(d)} planned for ${windowText(d)}${why}`)],
  };
}
