import { currentPhase, phaseTiming, progressOf } from '../../../core/deployment/progress.js';
import { STATUS_LABELS, type Deployment } from '../../../core/deployment/types.js';
import { findItem } from '../../../core/template/items.js';
import { actions, section } from '../blocks.js';
import { rollbackButton } from '../deployment/offer.js';
import { clip, formatDuration, hinted, mention, progressBar, slackDate } from '../format.js';
import { healthCheckLines } from './health-checks.js';
import { plainTitle, threadHint, title, windowText, type Notice, type NoticeInput } from './common.js';

/** "25 min into the window, 35 min left (ends …)" or "10 min past the end of the window"; `showEnd` false when the window is shown beside it. */
export function windowProgress(d: Deployment, now: number, showEnd = true): string {
  if (now < d.window.start) return `${formatDuration(d.window.start - now)} before the window starts`;
  if (now <= d.window.end) {
    const ends = showEnd ? ` (ends ${slackDate(d.window.end, '{time}')})` : '';
    return `${formatDuration(now - d.window.start)} into the window, ${formatDuration(d.window.end - now)} left${ends}`;
  }
  return `⚠️ ${formatDuration(now - d.window.end)} past the end of the window${showEnd ? ` (${slackDate(d.window.end, '{time}')})` : ''}`;
}

function phaseLine(d: Deployment, now: number): string {
  const phase = currentPhase(d);
  if (!phase) return d.status === 'verifying' ? 'All phases complete; verifying.' : STATUS_LABELS[d.status];
  const index = d.plan.phases.findIndex((p) => p.id === phase.id);
  const t = phaseTiming(d, phase.id, now);
  return `Phase ${index + 1} of ${d.plan.phases.length}: *${clip(phase.title, 150)}*, running ${formatDuration(t.actualMs ?? 0)} of ${formatDuration(t.plannedMs)} planned`;
}

/** The first phase started: stakeholders and the thread. */
export function start({ d, now, job }: NoticeInput): Notice {
  const by = Object.values(d.phases).find((p) => p.started)?.started;
  const who = by ? ` by ${mention(by.by)} at ${slackDate(by.at, '{time}')}` : '';
  return {
    text: `🚀 ${plainTitle(d)} has started`,
    blocks: [
      section(
        `🚀 *Deployment started* ${title(d)}${who}\n🗓️ Window ${windowText(d)} · ${windowProgress(d, now, false)}`,
      ),
      ...threadHint(d, job.payload.target),
    ],
  };
}

/** Every N minutes while it runs: in full in the thread, one line in the announcement channel. */
export function progress({ d, now, job }: NoticeInput): Notice {
  const p = progressOf(d);
  const text = `⏱️ ${plainTitle(d)}: ${p.done}/${p.total} required items done`;
  if (job.payload.target === 'announce') {
    return {
      text,
      blocks: [
        section(
          `⏱️ ${title(d)}: ${STATUS_LABELS[d.status].toLowerCase()}, ${p.done}/${p.total} required items done · ${windowProgress(d, now)}`,
        ),
      ],
    };
  }
  return {
    text,
    blocks: [
      section(`⏱️ *Progress update* ${title(d)}\n${phaseLine(d, now)}\n${progressBar(p)}\n🗓️ ${windowProgress(d, now)}`),
    ],
  };
}

/** What went wrong, from the event the notice is about. */
function issueLine(d: Deployment, input: NoticeInput): string {
  const e = input.job.payload.seq ? input.events[input.job.payload.seq - 1] : undefined;
  if (!e) return 'Something went wrong.';
  const who = `${mention(e.actor)} at ${slackDate(e.at, '{time}')}`;
  switch (e.type) {
    case 'item_failed': {
      const item = findItem(d.plan, e.key);
      return `❌ Step failed: *${hinted(clip(item?.item.text ?? e.key, 300))}* (${clip(item?.sectionTitle ?? '', 150)}), reported by ${who}\n> ${clip(e.note, 1000)}`;
    }
    case 'rejected': {
      const label = d.plan.approvals.find((a) => a.role === e.role)?.label ?? e.role;
      return `⛔ Rejected by ${clip(label, 75)}: ${who}\n> ${clip(e.reason, 1000)}`;
    }
    case 'marked_faulty':
      return `🆘 Marked faulty after release by ${who}\n> ${clip(e.note, 1000)}\nThe rollback can start: ${rollbackWhere(input)}.`;
    case 'health_checks_run':
      return `🩺 The health checks failed during the monitoring window (run at ${slackDate(e.at, '{time}')}):\n${healthCheckLines(e.results)}\nThe rollback can start: ${rollbackWhere(input)}.`;
    default:
      return 'Something went wrong.';
  }
}

const rollbackWhere = (input: NoticeInput) =>
  input.job.payload.target === 'thread' ? 'press *Roll back…* below' : 'use *Roll back* in the thread';

/** The thread copy of a faulty mark (or of failing health checks) offers the rollback at once (while one can still start). */
function rollbackOffer({ d, job, events }: NoticeInput) {
  const e = job.payload.seq ? events[job.payload.seq - 1] : undefined;
  const offers = e?.type === 'marked_faulty' || e?.type === 'health_checks_run';
  const b = job.payload.target === 'thread' && offers ? rollbackButton(d) : null;
  return b ? [actions([b])] : [];
}

/** At once when a step fails, an approver rejects or the release is marked faulty. */
export function issue(input: NoticeInput): Notice {
  const { d, job } = input;
  return {
    text: `⚠️ Issue with ${plainTitle(d)}`,
    blocks: [
      section(`⚠️ *Issue* ${title(d)}\n${issueLine(d, input)}`),
      ...rollbackOffer(input),
      ...threadHint(d, job.payload.target),
    ],
  };
}

/** Once per phase, in the thread, when it runs over its plan. */
export function overrun({ d, now, job }: NoticeInput): Notice {
  const phase = d.plan.phases.find((p) => p.id === job.payload.phaseId);
  const t = phaseTiming(d, job.payload.phaseId ?? '', now);
  const over = formatDuration((t.actualMs ?? 0) - t.plannedMs);
  const name = clip(phase?.title ?? 'The phase', 150);
  return {
    text: `⏰ ${d.ref}: “${name}” is over its plan by ${over}`,
    blocks: [
      section(
        `⏰ ${mention(d.deployerId)}: *${name}* has run ${formatDuration(t.actualMs ?? 0)}, ${over} over the ${formatDuration(t.plannedMs)} planned.`,
      ),
    ],
  };
}
