import { planItems, type Stage } from '../template/items.js';
import type { Deployment } from './types.js';

export interface Progress {
  done: number;
  total: number;
  failed: number;
  /** 0–100, rounded down. */
  percent: number;
}

const DEPLOYMENT_STAGES: ReadonlySet<Stage> = new Set(['pre', 'phase', 'verify', 'post']);

/** Items confirmed out of all items of the deployment's own stages (rollback excluded). */
export function progressOf(d: Deployment, stages: ReadonlySet<Stage> = DEPLOYMENT_STAGES): Progress {
  const items = planItems(d.plan).filter((p) => stages.has(p.stage));
  let done = 0;
  let failed = 0;
  for (const { key } of items) {
    const state = d.items[key]?.state;
    if (state === 'done') done++;
    else if (state === 'failed') failed++;
  }
  const total = items.length;
  return { done, total, failed, percent: total ? Math.floor((done * 100) / total) : 0 };
}

/** Whether any phase has started: the deployment is under way (or was, before a rollback or its end). */
export const isUnderway = (d: Pick<Deployment, 'phases'>): boolean => Object.values(d.phases).some((p) => p.started);

/** The phase running now, if any. */
export function currentPhase(d: Deployment) {
  return d.plan.phases.find((p) => d.phases[p.id]?.started && !d.phases[p.id]?.completed);
}

export interface PhaseTiming {
  plannedMs: number;
  /** Elapsed so far (running) or in total (completed); null before it starts. */
  actualMs: number | null;
  overrun: boolean;
}

export function phaseTiming(d: Deployment, phaseId: string, now: number): PhaseTiming {
  const p = d.phases[phaseId];
  if (!p) return { plannedMs: 0, actualMs: null, overrun: false };
  const plannedMs = p.plannedEnd - p.plannedStart;
  if (!p.started) return { plannedMs, actualMs: null, overrun: false };
  const actualMs = (p.completed?.at ?? now) - p.started.at;
  return { plannedMs, actualMs, overrun: actualMs > plannedMs };
}

/** Elapsed time against the template's estimate; `overrunMs` > 0 once it runs over. */
export function rollbackTiming(d: Deployment, now: number): { elapsedMs: number; estimateMs: number | null; overrunMs: number } | null {
  const r = d.rollback;
  if (!r) return null;
  const end = r.completed?.at ?? now;
  const elapsedMs = Math.max(0, end - r.started.at);
  const estimateMs = d.plan.rollback.estimatedMinutes ? d.plan.rollback.estimatedMinutes * 60_000 : null;
  return { elapsedMs, estimateMs, overrunMs: estimateMs !== null ? Math.max(0, elapsedMs - estimateMs) : 0 };
}
