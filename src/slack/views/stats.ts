import type { HistoryFilter } from '../../core/deployment/history.js';
import type { DeliveryStats } from '../../core/deployment/stats.js';
import { ENVIRONMENT_LABELS, type Environment } from '../../core/deployment/types.js';
import type { Answer } from './answers.js';
import { context, section } from './blocks.js';
import { truncate } from '../../core/text.js';
import { clip, firstFew, formatDuration, joinLines, mention } from './format.js';

const percent = (r: number) => `${Math.round(r * 100)}%`;
const orNone = (ms: number | null, none: string) => (ms === null ? none : formatDuration(ms));

/** The four DORA measures in a few words each (App Home's fields). */
export function doraShort(s: DeliveryStats) {
  return {
    frequency: `${s.perWeek.toFixed(1)} a week (${s.deployed} in ${s.days} days)`,
    failureRate:
      s.failureRate === null ? 'nothing went out' : `${percent(s.failureRate)} (${s.failed} of ${s.deployed})`,
    restore: s.restoreMedianMs === null ? 'no rollback completed' : `${formatDuration(s.restoreMedianMs)} median`,
    lead: s.leadMedianMs === null ? 'none completed' : `${formatDuration(s.leadMedianMs)} median`,
  };
}

/** "checkout in Production", "all services": what the measures are about. */
function scopeText(filter: HistoryFilter): string {
  const env = filter.environment
    ? (ENVIRONMENT_LABELS[filter.environment as Environment] ?? clip(filter.environment, 40))
    : '';
  return [filter.service ? clip(filter.service, 80) : 'all services', env].filter(Boolean).join(' in ');
}

/** Whether a chart of the weeks says more than the table: two weeks or more, with something in them. */
export function chartWorthy(s: DeliveryStats): boolean {
  return s.weeks.length >= 2 && s.weeks.some((w) => w.completed + w.failed + w.cancelled > 0);
}

/** What goes with the chart of `/deploy stats`: the message that shares it, and its description for screen readers. */
export function chartCaption(s: DeliveryStats, filter: HistoryFilter, askedBy: string) {
  const weeks = s.weeks.map((w) => `${w.completed} completed, ${w.failed} failed, ${w.cancelled} cancelled`);
  return {
    comment: `📊 Deployments a week by outcome · ${scopeText(filter)} · last ${s.days} days (asked for by ${mention(askedBy)} with \`/deploy stats\`)`,
    altText: truncate(`Bar chart of deployments a week, oldest first: ${weeks.join('; ')}.`, 1000),
  };
}

/** The answer to `/deploy stats`: the four DORA measures, then each phase planned against actual. */
export function statsMessage(s: DeliveryStats, filter: HistoryFilter): Answer {
  const scope = scopeText(filter);
  const dora = [
    `*Deployment frequency:* ${s.deployed} in ${s.days} days (${s.perWeek.toFixed(1)} a week)${s.cancelled ? `; ${s.cancelled} cancelled before going out` : ''}`,
    `*Change failure rate:* ${s.failureRate === null ? 'nothing went out' : `${percent(s.failureRate)} (${s.failed} of ${s.deployed} rolled back or failed their rollback)`}`,
    `*Time to restore:* ${orNone(s.restoreMedianMs, 'no rollback completed')}${s.restored ? ` median over ${s.restored}, from the first issue or the rollback's start to rolled back` : ''}`,
    `*Lead time for changes:* ${orNone(s.leadMedianMs, 'none completed')}${s.leadMedianMs !== null ? ' median, from planned in Liftoff to completed' : ''}`,
  ];
  const phases = firstFew(
    s.phases,
    15,
    (p) =>
      `${clip(p.title, 80)}: planned ${formatDuration(p.plannedMeanMs)}, took ${formatDuration(p.actualMeanMs)} on average over ${p.runs}; ` +
      (p.overruns
        ? `over plan ${p.overruns} of ${p.runs} times, by ${formatDuration(p.overrunMeanMs)} on average`
        : 'never over plan'),
  );
  return {
    text: `Delivery stats (${scope}, last ${s.days} days): ${s.deployed} deployments${s.failureRate === null ? '' : `, change failure rate ${percent(s.failureRate)}`}`,
    blocks: [
      section(`*📊 Delivery stats* · ${scope} · last ${s.days} days\n${dora.join('\n')}`),
      ...(phases.length ? [section(`*Phases, planned against actual*\n${joinLines(phases, 2_800)}`)] : []),
      context(
        'The four DORA measures. Deployments whose window started in the period; cancelled ones are not changes.',
      ),
    ],
  };
}
