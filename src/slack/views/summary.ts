import type { KnownBlock } from '@slack/types';
import { currentPhase, progressOf } from '../../core/deployment/progress.js';
import { ENVIRONMENT_LABELS, FINISHED, type Deployment, type Status } from '../../core/deployment/types.js';
import { context, section } from './blocks.js';
import { clip, progressBar, safeLink, slackDate, statusText } from './format.js';

export interface Listed {
  d: Deployment;
  /** Permalink to the deployment's parent message, when known. */
  link: string | null;
}

/** "DEP-12" linked to its thread when the link is a plain https URL. */
export const refLink = (d: Deployment, link: string | null) => (link && safeLink(link, d.ref)) || `*${d.ref}*`;

/** "*checkout 2.4.0* → Production", escaped. */
export const serviceLine = (d: Deployment) =>
  `*${clip(d.service, 80)} ${clip(d.version, 64)}* → ${ENVIRONMENT_LABELS[d.environment]}`;

/** Two lines about one deployment, for lists. */
export function deploymentLine({ d, link }: Listed): string {
  const phase = currentPhase(d);
  const now = phase ? ` · ▶️ ${clip(phase.title, 100)}` : '';
  return [
    `${refLink(d, link)} · ${serviceLine(d)} · ${statusText(d.status)}`,
    `${slackDate(d.window.start)} – ${slackDate(d.window.end)} · ${progressBar(progressOf(d))}${now}`,
  ].join('\n');
}

/** Statuses listed as under way; a rollback in progress (or failed) needs eyes as much as a deployment. */
const UNDERWAY: ReadonlySet<Status> = new Set(['in_progress', 'verifying', 'rolling_back', 'rollback_failed']);

/** Active deployments split into those under way and those still to come (soonest first). */
export function splitActive(items: Listed[]): { underway: Listed[]; upcoming: Listed[] } {
  const active = items.filter((i) => !FINISHED.has(i.d.status));
  const byWindow = (a: Listed, b: Listed) => a.d.window.start - b.d.window.start || a.d.id - b.d.id;
  return {
    underway: active.filter((i) => UNDERWAY.has(i.d.status)).sort(byWindow),
    upcoming: active.filter((i) => i.d.status === 'scheduled' || i.d.status === 'preparing').sort(byWindow),
  };
}

/**
 * Sections for deployments under way and upcoming, shared with App Home:
 * as many as fit in `maxBlocks` blocks and `maxChars` characters of JSON,
 * then "and N more".
 */
export function listBlocks(items: Listed[], maxBlocks = 40, maxChars = 9_000): KnownBlock[] {
  const { underway, upcoming } = splitActive(items);
  const blocks: KnownBlock[] = [];
  let chars = 0;
  const fits = (b: KnownBlock, reserve: number) => {
    const n = JSON.stringify(b).length + 1;
    if (blocks.length + 1 + reserve > maxBlocks || chars + n + reserve * 120 > maxChars) return false;
    blocks.push(b);
    chars += n;
    return true;
  };
  for (const [title, list] of [
    ['🚀 Under way', underway],
    ['🗓️ Upcoming', upcoming],
  ] as const) {
    if (!list.length) continue;
    // Room for two "and N more" lines is always kept (the reserve), so these never overflow.
    if (!fits(section(`*${title}*`), 2)) {
      blocks.push(context(`…and ${list.length} more (${title.slice(title.indexOf(' ') + 1).toLowerCase()}).`));
      continue;
    }
    const shown = list.findIndex((item) => !fits(section(deploymentLine(item)), 2));
    if (shown >= 0) blocks.push(context(`…and ${list.length - shown} more.`));
  }
  return blocks;
}
