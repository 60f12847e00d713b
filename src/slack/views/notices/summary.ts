import type { KnownBlock } from '@slack/types';
import type { RecordedEvent } from '../../../core/deployment/events.js';
import { phaseTiming, progressOf } from '../../../core/deployment/progress.js';
import { STATUS_LABELS, type Deployment } from '../../../core/deployment/types.js';
import { LIFTOFF_ACTOR } from '../../../core/schedule/liftoff-steps.js';
import { findItem } from '../../../core/template/items.js';
import { context, header, section } from '../blocks.js';
import { gateName } from '../deployment/gate.js';
import { clip, formatDuration, hinted, mention, progressCounts, slackDate } from '../format.js';
import { plainTitle, splitNotice, title, type Notice, type NoticeInput } from './common.js';

const time = (at: number) => slackDate(at, '{date_short} {time}');
const label = (d: Deployment, role: string) =>
  hinted(clip(d.plan.approvals.find((a) => a.role === role)?.label ?? role, 75));
/** An item as the timeline names it: a blank the template left (`[Critical path 1]`) is a muted hint. */
const itemText = (d: Deployment, key: string) => hinted(clip(findItem(d.plan, key)?.item.text ?? key, 120));

/** One line per event worth reading in the timeline; null for the rest (Liftoff's own steps are its notices: the checklist shows them). */
function timelineLine(d: Deployment, e: RecordedEvent): string | null {
  if (e.actor === LIFTOFF_ACTOR) return null;
  const who = mention(e.actor);
  const phase = (id: string) => hinted(clip(d.plan.phases.find((p) => p.id === id)?.title ?? id, 100));
  const what = ((): string | null => {
    switch (e.type) {
      case 'created':
        return `${who} planned it`;
      case 'item_confirmed':
        return `${who} confirmed “${itemText(d, e.key)}”`;
      case 'item_failed':
        return `${who} reported “${itemText(d, e.key)}” failed`;
      case 'item_undone':
        return `${who} undid “${itemText(d, e.key)}”`;
      case 'approved':
        return `${who} approved as ${label(d, e.role)}`;
      case 'rejected':
        return `${who} rejected as ${label(d, e.role)}`;
      case 'gate_overridden':
        return `${who} overrode the ${gateName(e.gate)}`;
      case 'phase_started':
        return `${who} started “${phase(e.phaseId)}”`;
      case 'phase_completed':
        return `${who} completed “${phase(e.phaseId)}”`;
      case 'completed':
        return `${who} completed the deployment`;
      case 'monitoring_started':
        return `${who} completed it; monitoring for ${formatDuration(e.minutes * 60_000)}`;
      case 'marked_faulty':
        return `${who} marked it faulty`;
      case 'rescheduled':
        return `${who} rescheduled it`;
      case 'cancelled':
        return `${who} cancelled it`;
      default:
        return null;
    }
  })();
  return what ? `${time(e.at)} ${what}` : null;
}

/** Lines packed into sections' texts of at most `max` characters (Slack takes 3,000 in a section): all of them. */
function packed(lines: string[], max = 2800): string[] {
  const out: string[] = [];
  let current = '';
  for (const line of lines) {
    if (current && current.length + line.length + 1 > max) {
      out.push(current);
      current = '';
    }
    current = current ? `${current}\n${line}` : line;
  }
  if (current) out.push(current);
  return out;
}

/** A list as sections, its title on the first. */
const listSections = (title: string, lines: string[]) =>
  packed(lines).map((text, i) => section(i ? text : `*${title}*\n${text}`));

/**
 * The report's body: phases planned against actual, approvals, overrides, failures and notes, the
 * timeline (left out with `timeline: false`: stakeholders get the outcome; who confirmed what, and
 * when, stays in the thread). Every line is kept; a long list takes several sections (`splitNotice`
 * puts them in messages).
 */
export function summarySections({ d, events, now }: NoticeInput, { timeline: withTimeline = true } = {}): KnownBlock[] {
  const phases = d.plan.phases.map((ph) => {
    const t = phaseTiming(d, ph.id, now);
    const actual = t.actualMs === null ? 'not run' : `took ${formatDuration(t.actualMs)}`;
    return `• ${hinted(clip(ph.title, 120))}: planned ${formatDuration(t.plannedMs)}, ${actual}${t.overrun ? ' ⚠️ over plan' : ''}`;
  });
  const approvals = d.plan.approvals
    .filter((a) => d.approvals[a.role] || (d.approvers[a.role]?.length ?? 0) > 0)
    .map((a) => {
      const s = d.approvals[a.role];
      if (!s) return `• ${label(d, a.role)}: not given`;
      return `• ${label(d, a.role)}: ${s.decision} by ${mention(s.by)} ${time(s.at)}${s.reason ? ` (“${clip(s.reason, 200)}”)` : ''}`;
    });
  const granted = d.overrides.find((o) => o.gate === 'calendar');
  const problems = [
    ...(d.emergency
      ? [
          `• 🚨 Emergency outside the calendar (${clip(d.emergency.calendar, 200)}): “${clip(d.emergency.reason, 300)}”, asked by ${mention(d.created.by)}${granted ? `, granted by ${mention(granted.by)} ${time(granted.at)}` : ', never granted'}`,
        ]
      : []),
    ...d.overrides
      .filter((o) => o.gate !== 'calendar')
      .map(
        (o) =>
          `• Override of the ${gateName(o.gate)} by ${mention(o.by)} ${time(o.at)}: “${clip(o.reason, 300)}” (${o.missing.length} missing)`,
      ),
    ...Object.entries(d.items)
      .filter(([, s]) => s.state === 'failed')
      .map(
        ([key, s]) => `• ❌ “${itemText(d, key)}” failed (${mention(s.by)} ${time(s.at)}): ${clip(s.note ?? '', 300)}`,
      ),
    ...(d.monitoring?.verdict && !d.monitoring.verdict.healthy
      ? [`• 🆘 Marked faulty: ${clip(d.monitoring.verdict.note ?? '', 300)}`]
      : []),
  ];
  const timeline = withTimeline ? events.map((e) => timelineLine(d, e)).filter((l): l is string => l !== null) : [];
  return [
    ...listSections('Phases', phases),
    ...listSections('Approvals', approvals),
    ...listSections('Overrides, failures and notes', problems),
    ...listSections('Timeline', timeline),
  ];
}

/**
 * The summary report, measured, not counted: when its blocks JSON would pass what Slack takes in one
 * message (`msg_blocks_too_long`), it goes on in continuation messages, in order, each within the
 * limits; nothing is left out.
 */
export function summaryReport(input: NoticeInput): Notice {
  const { d, now } = input;
  const p = progressOf(d);
  const head = [
    header(`Summary report: ${d.ref}`),
    section(
      `${title(d)}\n*${STATUS_LABELS[d.status]}* · ${progressCounts(p)} items confirmed${p.failed ? ` · ${p.failed} failed` : ''}`,
    ),
  ];
  return splitNotice(
    head,
    [...summarySections(input), context(`Report made ${slackDate(now)}.`)],
    `📋 Summary report: ${plainTitle(d)}`,
    `📋 Summary report of ${d.ref}, continued`,
  );
}
