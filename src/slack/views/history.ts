import type { KnownBlock } from '@slack/types';
import { durationOf, endedAt, type HistoryPage } from '../../core/deployment/history.js';
import { ENVIRONMENT_LABELS, type Deployment, type Environment } from '../../core/deployment/types.js';
import { ActionId, encodeHistoryPage } from '../ids.js';
import type { Answer } from './answers.js';
import { actions, button, context, section } from './blocks.js';
import { clip, formatDuration, mention, slackDate, statusText } from './format.js';
import { refLink, serviceLine } from './summary.js';

/** Links to the deployments' threads, by id (null: not posted, or unknown). */
export type Links = ReadonlyMap<number, string | null>;

/** Two lines about one past deployment: what, outcome; when it ended, how long it ran, who deployed it. */
export function historyLine(d: Deployment, link: string | null): string {
  const ended = endedAt(d);
  const duration = durationOf(d);
  return [
    `${refLink(d, link)} · ${serviceLine(d)} · ${statusText(d.status)}${d.emergency ? ' · 🚨 emergency' : ''}`,
    [
      ended !== undefined ? slackDate(ended) : slackDate(d.window.start),
      duration !== undefined ? `ran ${formatDuration(duration)}` : 'never started',
      `deployed by ${mention(d.deployerId)}`,
    ].join(' · '),
  ].join('\n');
}

/** "checkout in Production", "all services", as the filter says. */
function filterText({ service, environment }: HistoryPage['filter']): string {
  const env = environment ? (ENVIRONMENT_LABELS[environment as Environment] ?? clip(environment, 40)) : '';
  if (service && env) return `${clip(service, 80)} in ${env}`;
  if (service) return clip(service, 80);
  if (env) return env;
  return 'all services';
}

const NAV = {
  message: [ActionId.historyPrevious, ActionId.historyNext],
  home: [ActionId.homeHistoryPrevious, ActionId.homeHistoryNext],
} as const;

/**
 * One page of past deployments with Previous/Next buttons (a message's or
 * Home's, by `surface`). At most 13 blocks, each line a few hundred
 * characters, however long the history is.
 */
export function historyBlocks(h: HistoryPage, links: Links, surface: keyof typeof NAV = 'message'): KnownBlock[] {
  const [previous, next] = NAV[surface];
  const title = `*📜 Past deployments* · ${filterText(h.filter)}`;
  if (!h.total)
    return [
      section(
        `${title}\nNone yet: finished deployments (completed, rolled back, cancelled, rollback failed) are listed here.`,
      ),
    ];
  const value = (p: number) =>
    encodeHistoryPage({
      p,
      ...(h.filter.service ? { s: h.filter.service } : {}),
      ...(h.filter.environment ? { e: h.filter.environment } : {}),
    });
  const nav = [
    ...(h.page > 1 ? [button({ text: '← Previous', actionId: previous, value: value(h.page - 1) })] : []),
    ...(h.page < h.pages ? [button({ text: 'Next →', actionId: next, value: value(h.page + 1) })] : []),
  ];
  return [
    section(title),
    ...h.deployments.map((d) => section(historyLine(d, links.get(d.id) ?? null))),
    context(`Page ${h.page} of ${h.pages} · ${h.total} past deployment${h.total === 1 ? '' : 's'}, newest first`),
    ...(nav.length ? [actions(nav)] : []),
  ];
}

/** The answer to `/deploy history`. */
export function historyMessage(h: HistoryPage, links: Links): Answer {
  const refs = h.deployments.map((d) => d.ref).join(', ');
  const text = h.total
    ? `Past deployments (${filterText(h.filter)}), page ${h.page} of ${h.pages}: ${refs}`
    : `No past deployments (${filterText(h.filter)}) yet.`;
  return { text, blocks: historyBlocks(h, links) };
}
