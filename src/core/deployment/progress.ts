import { planItems, type Stage } from '../template/items.js';
import { FINISHED, type Deployment } from './types.js';

export interface Progress {
  /** Required items confirmed. */
  done: number;
  /** Required items. */
  total: number;
  failed: number;
  /** 0–100, rounded down, of the required items; 100 once the deployment is complete (monitored or not). */
  percent: number;
  /** Optional items, shown apart: they never hold the percentage back. */
  optionalDone: number;
  optionalTotal: number;
}

const DEPLOYMENT_STAGES: ReadonlySet<Stage> = new Set(['pre', 'phase', 'verify', 'post']);

/**
 * Required items confirmed out of the required items of the deployment's own
 * stages (rollback excluded); optional ones are counted apart. A completed
 * deployment reads 100 %, whatever an override let through.
 */
export function progressOf(d: Deployment, stages: ReadonlySet<Stage> = DEPLOYMENT_STAGES): Progress {
  const items = planItems(d.plan).filter((p) => stages.has(p.stage));
  let done = 0;
  let total = 0;
  let failed = 0;
  let optionalDone = 0;
  let optionalTotal = 0;
  for (const { key, item } of items) {
    const state = d.items[key]?.state;
    if (state === 'failed') failed++;
    if (!item.required) {
      optionalTotal++;
      if (state === 'done') optionalDone++;
      continue;
    }
    total++;
    if (state === 'done') done++;
  }
  const complete = d.completed !== undefined || d.status === 'monitoring';
  const percent = complete ? 100 : total ? Math.floor((done * 100) / total) : 0;
  return { done, total, failed, percent, optionalDone, optionalTotal };
}

/** Whether the deployment's own work (approvals, checklists, phases) can still change: not finished, no rollback started. */
export const isWorkOpen = (d: Pick<Deployment, 'status' | 'rollback'>): boolean =>
  !FINISHED.has(d.status) && d.rollback === undefined;

/** Whether any phase has started: the deployment is under way (or was, before a rollback or its end). */
export const isUnderway = (d: Pick<Deployment, 'phases'>): boolean => Object.values(d.phases).some((p) => p.started);

/** The phase running now, if any (one a rollback interrupted is not running). */
export function currentPhase(d: Deployment) {
  return d.plan.phases.find((p) => {
    const s = d.phases[p.id];
    return s?.started && !s.completed && !s.interrupted;
  });
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
export function rollbackTiming(
  d: Deployment,
  now: number,
): { elapsedMs: number; estimateMs: number | null; overrunMs: number } | null {
  const r = d.rollback;
  if (!r) return null;
  const end = r.completed?.at ?? now;
  const elapsedMs = Math.max(0, end - r.started.at);
  const estimateMs = d.plan.rollback.estimatedMinutes ? d.plan.rollback.estimatedMinutes * 60_000 : null;
  return { elapsedMs, estimateMs, overrunMs: estimateMs !== null ? Math.max(0, elapsedMs - estimateMs) : 0 };
}
