import type { DeploymentEvent } from '../core/deployment/events.js';
import type { Deployment } from '../core/deployment/types.js';
import { NO_HOOKS, type HookPresence } from '../core/schedule/jobs.js';
import { planChange } from '../core/schedule/plan.js';
import { deploymentTimings, type Timings } from '../core/schedule/timings.js';
import type { JobsRepository } from '../storage/jobs.js';

export type TimingsFor = (d: Deployment) => Timings;
/** Which hooks the deployment's service and environment has in the team configuration. */
export type HooksFor = (d: Deployment) => HookPresence;

/** A deployment's timings: its own (start form), then `overrides`, then its plan (template and configuration). */
export const timingsFrom =
  (overrides: Partial<Timings> = {}): TimingsFor =>
  (d) =>
    deploymentTimings(d, overrides);

/**
 * Plans the messages and hook calls a change promises. Runs inside the
 * change's transaction (the use cases' `withinChange`), so a promise is
 * stored exactly when the event that makes it is.
 */
export function createPlanner({
  jobs,
  timingsFor,
  hooksFor = () => NO_HOOKS,
  healthChecksEvery = () => null,
}: {
  jobs: JobsRepository;
  timingsFor: TimingsFor;
  hooksFor?: HooksFor;
  /** The interval of the health checks during the monitoring window (`health_check_settings.every_minutes`). */
  healthChecksEvery?: (d: Deployment) => number | null;
}) {
  /**
   * Returns whether the change planned, moved or cancelled any job (a tick then sends what is due,
   * once the requests waiting are answered).
   */
  return (d: Deployment, events: DeploymentEvent[], now: number): boolean => {
    const firstSeq = d.revision - events.length + 1;
    const plan = planChange(d, events, firstSeq, now, timingsFor(d), hooksFor(d), healthChecksEvery(d));
    if (plan.cancel) jobs.cancelPending(d.id, plan.cancel.kinds, plan.cancel.reason, now);
    if (plan.replace.length) jobs.deletePending(d.id, plan.replace);
    if (plan.add.length) jobs.plan(plan.add, now);
    return Boolean(plan.cancel || plan.replace.length || plan.add.length);
  };
}
