import type { Deployment, Status } from './types.js';

/** The outcomes a past deployment is listed with in its history. */
export const HISTORY_STATUSES = [
  'completed',
  'rolled_back',
  'cancelled',
  'rollback_failed',
] as const satisfies readonly Status[];
export type Outcome = (typeof HISTORY_STATUSES)[number];

/** Past deployments listed per page (history command and App Home). */
export const HISTORY_PAGE_SIZE = 10;

/** Which past deployments to list: one service, one environment, or all. */
export interface HistoryFilter {
  service?: string;
  environment?: string;
}

/** One page of the history, the newest first. `page` counts from 1. */
export interface HistoryPage {
  filter: HistoryFilter;
  page: number;
  pages: number;
  total: number;
  deployments: Deployment[];
}

/** Clamps a wanted page to those that exist (at least 1) and gives its offset. */
export function pageWindow(
  total: number,
  wanted: number,
  size: number = HISTORY_PAGE_SIZE,
): { page: number; pages: number; offset: number } {
  const pages = Math.max(1, Math.ceil(total / size));
  const page = Math.min(pages, Math.max(1, Math.floor(Number.isFinite(wanted) ? wanted : 1)));
  return { page, pages, offset: (page - 1) * size };
}

/** When the first phase started; undefined when none did (e.g. cancelled before the window). */
export function startedAt(d: Deployment): number | undefined {
  const starts = Object.values(d.phases).flatMap((p) => (p.started ? [p.started.at] : []));
  return starts.length ? Math.min(...starts) : undefined;
}

/** When it reached its outcome: completed, rolled back, rollback failed or cancelled. */
export function endedAt(d: Deployment): number | undefined {
  switch (d.status) {
    case 'completed':
      return d.completed?.at;
    case 'rolled_back':
      return d.rollback?.completed?.at;
    case 'rollback_failed':
      return d.rollback?.failed?.at;
    case 'cancelled':
      return d.cancelled?.at;
    default:
      return undefined;
  }
}

/** From the first phase's start to the outcome; undefined when it never started. */
export function durationOf(d: Deployment): number | undefined {
  const start = startedAt(d);
  const end = endedAt(d);
  return start !== undefined && end !== undefined ? Math.max(0, end - start) : undefined;
}
