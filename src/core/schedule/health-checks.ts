import type { DeploymentEvent } from '../deployment/events.js';
import { runnableChecks } from '../deployment/health-checks.js';
import type { Deployment } from '../deployment/types.js';
import type { JobPayload, PlannedJob } from './jobs.js';

const key = (d: Deployment, id: string) => `${d.ref}:health_checks:${id}:thread`;

/** A run asked for by `by` (the *Run health checks* button): due at once; its result goes to the thread. */
export const requestedRun = (d: Deployment, by: string, now: number): PlannedJob => ({
  key: key(d, `by:${by}:${now}`),
  deploymentId: d.id,
  kind: 'health_checks',
  dueAt: now,
  payload: { target: 'thread', by },
});

const scheduledRun = (d: Deployment, n: number, dueAt: number): PlannedJob => ({
  key: key(d, `every:${n}`),
  deploymentId: d.id,
  kind: 'health_checks',
  dueAt,
  payload: { target: 'thread', n },
});

/**
 * The first scheduled run when the monitoring window opens, when the
 * configuration says to run the checks every `everyMinutes` (null: never) and
 * the plan has checks to run. Pure.
 */
export function healthCheckJobs(
  d: Deployment,
  events: readonly DeploymentEvent[],
  now: number,
  everyMinutes: number | null,
): PlannedJob[] {
  if (!everyMinutes || !runnableChecks(d.plan).length) return [];
  if (!events.some((e) => e.type === 'monitoring_started') || !d.monitoring) return [];
  return [scheduledRun(d, 1, now)];
}

/**
 * The scheduled run after `previous`, on the same cadence and after `now`
 * (a late run causes no burst); null once the monitoring window is over.
 */
export function nextHealthCheck(
  d: Deployment,
  previous: { dueAt: number; payload: JobPayload },
  now: number,
  everyMinutes: number | null,
): PlannedJob | null {
  if (!everyMinutes || !d.monitoring || d.status !== 'monitoring') return null;
  const step = everyMinutes * 60_000;
  const k = Math.max(1, Math.floor((now - previous.dueAt) / step) + 1);
  const dueAt = previous.dueAt + k * step;
  if (dueAt >= d.monitoring.until) return null;
  return scheduledRun(d, (previous.payload.n ?? 1) + 1, dueAt);
}
