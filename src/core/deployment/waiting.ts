import { may } from '../policy/may.js';
import { DEFAULT_POLICY, type Policy } from '../policy/policy.js';
import { gateReport } from './gates.js';
import { currentPhase, isUnderway } from './progress.js';
import { FINISHED, type Deployment } from './types.js';

/**
 * Whether `user` may approve `role` on `d` now: `may` (named for the role,
 * one person one role, the deployer only if the policy allows it), on a
 * deployment that is not finished or rolling back.
 */
export function mayApprove(d: Deployment, user: string, role: string, policy: Policy = DEFAULT_POLICY): boolean {
  if (FINISHED.has(d.status) || d.rollback || !d.plan.approvals.some((a) => a.role === role)) return false;
  return may(d, { type: 'approve', role }, user, policy).allowed;
}

/** An approval the user can give and nobody has given or refused yet. */
export interface PendingApproval {
  d: Deployment;
  role: string;
  label: string;
}

/** What a deployment needs from its deployer now. */
export type DeployerNeed =
  | { kind: 'missed_window' }
  | { kind: 'start_gate'; missing: number }
  | { kind: 'ready_to_start'; phase: string }
  | { kind: 'phase_running'; phase: string }
  | { kind: 'next_phase'; phase: string }
  | { kind: 'complete_gate'; missing: number }
  | { kind: 'ready_to_complete' }
  | { kind: 'verdict' }
  | { kind: 'faulty' }
  | { kind: 'rollback'; failed: boolean };

export interface DeployerTask {
  d: Deployment;
  need: DeployerNeed;
}

export interface Waiting {
  approvals: PendingApproval[];
  deployments: DeployerTask[];
}

/** Approvals only matter before the first phase: after it, the start gate is no longer asked. */
function pendingApprovals(d: Deployment, user: string, policy: Policy): PendingApproval[] {
  if (FINISHED.has(d.status) || isUnderway(d)) return [];
  return d.plan.approvals
    .filter(
      (a) => (d.approvers[a.role] ?? []).includes(user) && !d.approvals[a.role] && mayApprove(d, user, a.role, policy),
    )
    .map((a) => ({ d, role: a.role, label: a.label }));
}

/**
 * What the deployer is expected to do about `d` from each moment on, until its next event: a
 * state's needs change with time only at its window's start and end and its monitoring's end.
 * Entries are in time order; the first is from 0. Empty: nothing, ever (finished).
 */
export type NeedTimeline = Array<{ from: number; need: DeployerNeed | null }>;

export function needTimeline(d: Deployment): NeedTimeline {
  const always = (need: DeployerNeed | null): NeedTimeline => [{ from: 0, need }];
  if (FINISHED.has(d.status)) return [];
  if (d.rollback) return always({ kind: 'rollback', failed: d.status === 'rollback_failed' });
  if (d.status === 'monitoring') {
    if (d.monitoring?.verdict?.healthy === false) return always({ kind: 'faulty' });
    return d.monitoring ? [...always(null), { from: d.monitoring.until, need: { kind: 'verdict' } }] : always(null);
  }
  if (!isUnderway(d)) {
    const missed = { from: d.window.end, need: { kind: 'missed_window' } as const };
    const gate = gateReport(d, 'start');
    if (!gate.open) return [...always({ kind: 'start_gate', missing: gate.missing.length }), missed];
    const first = d.plan.phases[0];
    const ready =
      first && d.window.start < d.window.end
        ? [{ from: d.window.start, need: { kind: 'ready_to_start', phase: first.title } as const }]
        : [];
    return [...always(null), ...ready, missed];
  }
  const running = currentPhase(d);
  if (running) return always({ kind: 'phase_running', phase: running.title });
  const next = d.plan.phases.find((p) => !d.phases[p.id]?.started);
  if (next) return always({ kind: 'next_phase', phase: next.title });
  const gate = gateReport(d, 'complete');
  return always(gate.open ? { kind: 'ready_to_complete' } : { kind: 'complete_gate', missing: gate.missing.length });
}

/** The need of a timeline at `now`: its last entry from `now` or before. */
export function needAt(timeline: NeedTimeline, now: number): DeployerNeed | null {
  let need: DeployerNeed | null = null;
  for (const t of timeline) if (t.from <= now) need = t.need;
  return need;
}

/** What the deployer is expected to do about `d` at `now`, or null when nothing is theirs to do yet. */
export function deployerNeed(d: Deployment, now: number): DeployerNeed | null {
  return needAt(needTimeline(d), now);
}

/**
 * Who might have an approval of `d` to give: the people named for a role nobody has decided yet,
 * while approvals are still asked (`pendingApprovals` decides, with the policy, for these only).
 */
export function possibleApprovers(d: Deployment): string[] {
  if (FINISHED.has(d.status) || d.rollback || isUnderway(d)) return [];
  const named = d.plan.approvals.flatMap((a) => (d.approvals[a.role] ? [] : (d.approvers[a.role] ?? [])));
  return [...new Set(named)].sort();
}

/** What is waiting for `user`: approvals they can give, and their own deployments that need them now (soonest first). */
export function waitingFor(
  user: string,
  deployments: readonly Deployment[],
  now: number,
  policyFor: (d: Deployment) => Policy = () => DEFAULT_POLICY,
): Waiting {
  const sorted = [...deployments].sort((a, b) => a.window.start - b.window.start || a.id - b.id);
  const approvals = sorted.flatMap((d) => pendingApprovals(d, user, policyFor(d)));
  const tasks = sorted.flatMap((d) => {
    const need = d.deployerId === user ? deployerNeed(d, now) : null;
    return need ? [{ d, need }] : [];
  });
  return { approvals, deployments: tasks };
}
