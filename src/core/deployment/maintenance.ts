import { isUnderway } from './progress.js';
import type { DeploymentEvent } from './events.js';
import type { Deployment, Environment } from './types.js';

/** Why a deployment's maintenance window ended. */
export type MaintenanceEndReason = 'phases_completed' | 'cancelled' | 'rolled_back' | 'rollback_failed';

/** A moment of the maintenance window a change brings: its start, or its end (and why). */
export type MaintenanceMoment =
  | { event: 'maintenance.start' }
  | { event: 'maintenance.end'; reason: MaintenanceEndReason };

/** The JSON body of a maintenance hook call. */
export interface MaintenanceHookRequest {
  event: MaintenanceMoment['event'];
  deployment: string;
  service: string;
  environment: Environment;
  version: string;
  /** The deployment's planned window, ISO 8601 (UTC). */
  window: { start: string; end: string };
  /** Only on `maintenance.end`. */
  reason?: MaintenanceEndReason;
}

const allPhasesCompleted = (d: Deployment) => Object.values(d.phases).every((p) => p.completed);

/**
 * Whether the change that produced `events` (and left `d`) starts or ends the
 * deployment's maintenance window. Decided from the change's own events, so
 * each moment comes once: the first phase starts once; the window ends when
 * the last phase completes, or, while a phase is still open, when the
 * deployment is cancelled or its rollback completes or fails (whichever
 * comes first). A deployment that never started a phase has no window.
 */
export function maintenanceMomentOf(d: Deployment, events: readonly DeploymentEvent[]): MaintenanceMoment | null {
  const first = d.plan.phases[0]?.id;
  if (first !== undefined && events.some((e) => e.type === 'phase_started' && e.phaseId === first))
    return { event: 'maintenance.start' };
  if (!isUnderway(d)) return null;
  for (const e of events) {
    if (e.type === 'phase_completed' && allPhasesCompleted(d))
      return { event: 'maintenance.end', reason: 'phases_completed' };
    // Once every phase was completed, the window has already ended.
    if (allPhasesCompleted(d)) continue;
    if (e.type === 'cancelled') return { event: 'maintenance.end', reason: 'cancelled' };
    if (e.type === 'rollback_failed') return { event: 'maintenance.end', reason: 'rollback_failed' };
    // A rollback that failed first ended the window then; completing it later does not end it again.
    if (e.type === 'rollback_completed' && !d.rollback?.failed)
      return { event: 'maintenance.end', reason: 'rolled_back' };
  }
  return null;
}

export function maintenanceRequestOf(d: Deployment, moment: MaintenanceMoment): MaintenanceHookRequest {
  return {
    event: moment.event,
    deployment: d.ref,
    service: d.service,
    environment: d.environment,
    version: d.version,
    window: { start: new Date(d.window.start).toISOString(), end: new Date(d.window.end).toISOString() },
    ...(moment.event === 'maintenance.end' ? { reason: moment.reason } : {}),
  };
}
