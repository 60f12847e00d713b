import type { DeploymentEvent } from '../deployment/events.js';
import { maintenanceMomentOf } from '../deployment/maintenance.js';
import type { Deployment } from '../deployment/types.js';
import type { HookPresence, PlannedJob } from './jobs.js';

/**
 * The hook calls a change promises, as jobs: the rollback hook when a
 * rollback starts, the maintenance start and end hooks when the deployment's
 * maintenance window starts and ends (`maintenanceMomentOf`). Only the hooks
 * `hooks` says are configured; each call has its own key, so a change planned
 * twice (or a moment that cannot come twice) promises one call. Due at once;
 * their result goes to the thread. Pure.
 */
export function hookJobs(
  d: Deployment,
  events: readonly DeploymentEvent[],
  firstSeq: number,
  now: number,
  hooks: HookPresence,
): PlannedJob[] {
  const jobs: PlannedJob[] = [];
  const thread = (id: string) => `${d.ref}:${id}:thread`;
  if (hooks.rollback) {
    events.forEach((e, i) => {
      if (e.type !== 'rollback_started') return;
      const seq = firstSeq + i;
      jobs.push({
        key: thread(`rollback_hook:${seq}`),
        deploymentId: d.id,
        kind: 'rollback_hook',
        dueAt: now,
        payload: { target: 'thread', seq },
      });
    });
  }
  const moment = maintenanceMomentOf(d, events);
  if (moment?.event === 'maintenance.start' && hooks.maintenanceStart) {
    jobs.push({
      key: thread('maintenance_start_hook'),
      deploymentId: d.id,
      kind: 'maintenance_start_hook',
      dueAt: now,
      payload: { target: 'thread' },
    });
  }
  if (moment?.event === 'maintenance.end' && hooks.maintenanceEnd) {
    const payload = { target: 'thread' as const, reason: moment.reason };
    jobs.push({
      key: thread('maintenance_end_hook'),
      deploymentId: d.id,
      kind: 'maintenance_end_hook',
      dueAt: now,
      payload,
    });
  }
  return jobs;
}
