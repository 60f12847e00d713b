import { isLiftoffsAtTheEnd } from '../schedule/liftoff-steps.js';
import { itemsOfStage, type PlanItem } from '../template/items.js';
import type { Deployment, GateId } from './types.js';

export interface GateReport {
  gate: GateId;
  open: boolean;
  /** Human-readable lines, one per missing thing. Empty when nothing is missing. */
  missing: string[];
  /** Set when the deployer overrode the gate. */
  overridden?: Deployment['overrides'][number];
  /** An override the deployer asked for, waiting for a second person to grant it. */
  requested?: Deployment['overrides'][number];
}

/** Roles whose approval is required: required roles, plus optional ones with someone named. */
export function requiredRoles(d: Deployment): string[] {
  return d.plan.approvals.filter((a) => a.required || (d.approvers[a.role]?.length ?? 0) > 0).map((a) => a.role);
}

const roleLabel = (d: Deployment, role: string) => d.plan.approvals.find((a) => a.role === role)?.label ?? role;

const openItems = (d: Deployment, items: PlanItem[]) =>
  items.filter((p) => p.item.required && d.items[p.key]?.state !== 'done');

/** Reports by snapshot: a snapshot is never changed (each change makes a new one), so its report stands. */
const reports = new WeakMap<Deployment, Partial<Record<GateId, GateReport>>>();

/**
 * What stands between the deployment and its phases (gate "start") or its completion ("complete").
 * Computed once per snapshot and gate: the report is shared, callers must not change it.
 */
export function gateReport(d: Deployment, gate: GateId): GateReport {
  let known = reports.get(d);
  if (!known) {
    known = {};
    reports.set(d, known);
  }
  return (known[gate] ??= reportOf(d, gate));
}

function reportOf(d: Deployment, gate: GateId): GateReport {
  const missing: string[] = [];
  if (gate === 'calendar') {
    if (d.emergency)
      missing.push(`A second person’s go-ahead for an emergency outside the calendar: ${d.emergency.calendar}`);
  } else if (gate === 'start') {
    for (const role of requiredRoles(d)) {
      const approval = d.approvals[role];
      const label = roleLabel(d, role);
      if (approval?.decision === 'rejected') missing.push(`${label} rejected it`);
      else if (approval?.decision !== 'approved') {
        missing.push(d.approvers[role]?.length ? `${label} approval` : `${label} approval (nobody named)`);
      }
    }
    for (const p of openItems(d, itemsOfStage(d.plan, 'pre'))) missing.push(`${p.sectionTitle}: ${p.item.text}`);
  } else {
    for (const phase of d.plan.phases) {
      if (!d.phases[phase.id]?.completed) missing.push(`Phase “${phase.title}” is not complete`);
    }
    const items = [...itemsOfStage(d.plan, 'verify'), ...itemsOfStage(d.plan, 'post')];
    for (const p of openItems(d, items)) missing.push(`${p.sectionTitle}: ${p.item.text}`);
  }
  const overridden = d.overrides.find((o) => o.gate === gate);
  const requested = overridden ? undefined : d.overrideRequests?.[gate];
  return {
    gate,
    open: missing.length === 0 || overridden !== undefined,
    missing,
    ...(overridden ? { overridden } : {}),
    ...(requested ? { requested } : {}),
  };
}

/** Required steps still to do before a person can finish: those Liftoff does itself at the end are not waited for. */
const leftToDo = (d: Deployment, items: PlanItem[]) => openItems(d, items).filter((p) => !isLiftoffsAtTheEnd(p));

/** The required steps of a phase left to do before it can be completed. */
export const phaseStepsLeft = (d: Deployment, phaseId: string): PlanItem[] =>
  leftToDo(
    d,
    itemsOfStage(d.plan, 'phase').filter((p) => p.sectionId === phaseId),
  );

/** The required steps of the rollback plan and its validation left to do before it can be completed. */
export const rollbackStepsLeft = (d: Deployment): PlanItem[] =>
  leftToDo(d, [...itemsOfStage(d.plan, 'rollback'), ...itemsOfStage(d.plan, 'rollback_validation')]);

/**
 * Whether the deployment's first phase may start now as far as its gates go
 * (the start gate and, for an emergency, the calendar's): until then the
 * messages offer no Start button, and the approvals say what is missing.
 */
export const startGatesOpen = (d: Deployment): boolean => gateReport(d, 'calendar').open && gateReport(d, 'start').open;
