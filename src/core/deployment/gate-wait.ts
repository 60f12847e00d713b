import { gateReport } from './gates.js';
import { isUnderway } from './progress.js';
import type { Deployment, GateId } from './types.js';

/** Where a pipeline waiting on a gate stands: go on, stop, or keep waiting. */
export type GateOutcome =
  | { state: 'open' }
  | { state: 'rejected'; reason: string }
  | { state: 'ended'; reason: string }
  | { state: 'waiting'; missing: string[] };

/**
 * What a gate means to a pipeline waiting on it. The start gate is open once
 * approvals and the pre-deployment items are in (or once the deployment is
 * under way); a rejection stops the wait. The completion gate is open once the
 * phases and the checks after them are done, or the deployment is completed.
 * A cancelled or rolled-back deployment ends every wait.
 */
export function gateOutcome(d: Deployment, gate: GateId): GateOutcome {
  if (d.status === 'cancelled')
    return { state: 'ended', reason: `${d.ref} was cancelled${d.cancelled ? `: ${d.cancelled.reason}` : ''}` };
  if (d.rollback) return { state: 'ended', reason: `${d.ref} is being rolled back` };
  if (d.monitoring?.verdict && !d.monitoring.verdict.healthy)
    return { state: 'ended', reason: `${d.ref} was marked faulty` };
  if (d.status === 'completed') return { state: 'open' };
  if (d.status === 'monitoring')
    return gate === 'start'
      ? { state: 'open' }
      : { state: 'waiting', missing: ['the monitoring verdict (healthy or faulty)'] };
  const report = gateReport(d, gate);
  // The start also waits for the go-ahead of an emergency outside the calendar.
  const calendar = gate === 'start' && !isUnderway(d) ? gateReport(d, 'calendar') : null;
  if (calendar && !calendar.open && report.open) return { state: 'waiting', missing: calendar.missing };
  if (report.open || (gate === 'start' && isUnderway(d))) return { state: 'open' };
  const rejected = Object.entries(d.approvals).find(([, a]) => a.decision === 'rejected');
  if (gate === 'start' && rejected) {
    const label = d.plan.approvals.find((r) => r.role === rejected[0])?.label ?? rejected[0];
    return {
      state: 'rejected',
      reason: `${label} rejected ${d.ref}${rejected[1].reason ? `: ${rejected[1].reason}` : ''}`,
    };
  }
  return { state: 'waiting', missing: report.missing };
}
