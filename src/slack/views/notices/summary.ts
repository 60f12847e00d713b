import type { KnownBlock } from '@slack/types';
import type { RecordedEvent } from '../../../core/deployment/events.js';
import { phaseTiming, progressOf } from '../../../core/deployment/progress.js';
import { STATUS_LABELS, type Deployment } from '../../../core/deployment/types.js';
import { findItem } from '../../../core/template/items.js';
import { context, header, section } from '../blocks.js';
import { gateName } from '../deployment/gate.js';
import { MAX_BLOCKS_CHARS, measure } from '../deployment/layout.js';
import { clip, formatDuration, mention, progressCounts, slackDate } from '../format.js';
import { plainTitle, title, type Notice, type NoticeInput } from './common.js';

const time = (at: number) => slackDate(at, '{date_short} {time}');
const label = (d: Deployment, role: string) => clip(d.plan.approvals.find((a) => a.role === role)?.label ?? role, 75);
const itemText = (d: Deployment, key: string) => clip(findItem(d.plan, key)?.item.text ?? key, 120);

/** One line per event worth reading in the timeline; null for the rest. */
function timelineLine(d: Deployment, e: RecordedEvent): string | null {
  const who = mention(e.actor);
  const phase = (id: string) => clip(d.plan.phases.find((p) => p.id === id)?.title ?? id, 100);
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

/** Lines packed into sections of at most `max` characters, at most `sections` of them; `rest` says where the others are. */
function packed(lines: string[], max = 2800, sections = 2, rest = (n: number) => `_and ${n} more_`): string[] {
  const out: string[] = [];
  let current = '';
  for (const [i, line] of lines.entries()) {
    if (current.length + line.length + 1 > max) {
      if (out.length + 1 >= sections) {
        out.push(`${current}\n${rest(lines.length - i)}`);
        return out;
      }
      out.push(current);
      current = '';
    }
    current = current ? `${current}\n${line}` : line;
  }
  if (current) out.push(current);
  return out;
}

/** What the report's blocks may take, measured as Slack measures them (the blocks JSON), with the deployment messages' margin. */
const REPORT_CHARS = MAX_BLOCKS_CHARS - 500;

/**
 * The summary report: phases planned against actual, approvals, overrides,
 * failures and notes, the timeline. Measured, not counted: while its blocks
 * JSON is over REPORT_CHARS, its lists are packed smaller (each ends by saying
 * how many more there are), so Slack never answers msg_blocks_too_long.
 */
export function summaryReport(input: NoticeInput): Notice {
  let report = summaryWithin(input, 2800);
  for (
    let max = 2200;
    measure(report.blocks as KnownBlock[]).chars > REPORT_CHARS && max >= 300;
    max = Math.floor(max * 0.75)
  ) {
    report = summaryWithin(input, max);
  }
  return report;
}

/** The report with every list section at most `max` characters. */
function summaryWithin({ d, events, now, job }: NoticeInput, max: number): Notice {
  const p = progressOf(d);
  const blocks: KnownBlock[] = [
    header(`Summary report: ${d.ref}`),
    section(
      `${title(d)}\n*${STATUS_LABELS[d.status]}* · ${progressCounts(p)} items confirmed${p.failed ? ` · ${p.failed} failed` : ''}`,
    ),
  ];
  const phases = d.plan.phases.map((ph) => {
    const t = phaseTiming(d, ph.id, now);
    const actual = t.actualMs === null ? 'not run' : `took ${formatDuration(t.actualMs)}`;
    return `• ${clip(ph.title, 120)}: planned ${formatDuration(t.plannedMs)}, ${actual}${t.overrun ? ' ⚠️ over plan' : ''}`;
  });
  blocks.push(...packed(phases, max, 1).map((text) => section(`*Phases*\n${text}`)));
  const approvals = d.plan.approvals
    .filter((a) => d.approvals[a.role] || (d.approvers[a.role]?.length ?? 0) > 0)
    .map((a) => {
      const s = d.approvals[a.role];
      if (!s) return `• ${label(d, a.role)}: not given`;
      return `• ${label(d, a.role)}: ${s.decision} by ${mention(s.by)} ${time(s.at)}${s.reason ? ` (“${clip(s.reason, 200)}”)` : ''}`;
    });
  if (approvals.length) blocks.push(...packed(approvals, max, 1).map((text) => section(`*Approvals*\n${text}`)));
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
  if (problems.length)
    blocks.push(...packed(problems, max, 1).map((text) => section(`*Overrides, failures and notes*\n${text}`)));
  const timeline = events.map((e) => timelineLine(d, e)).filter((l): l is string => l !== null);
  // A message stays well under Slack's size limit: a long timeline ends by saying where the rest of the record is.
  const rest = (n: number) =>
    job.payload.target === 'thread'
      ? `_and ${n} more: each checklist message above shows who confirmed what, and when_`
      : `_and ${n} more in the deployment's thread_`;
  blocks.push(...packed(timeline, max, 2, rest).map((text, i) => section(`${i ? '' : '*Timeline*\n'}${text}`)));
  blocks.push(context(`Report made ${slackDate(now)}.`));
  return { text: `📋 Summary report: ${plainTitle(d)}`, blocks };
}
