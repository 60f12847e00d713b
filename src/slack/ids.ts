/**
 * Every action, view (callback) and block id Liftoff puts into Slack, in one
 * place. Listeners match on these; views emit them. Values carried by buttons
 * and private_metadata hold ids only, never state.
 */

import type { GateId } from '../core/deployment/types.js';
export const ActionId = {
  confirmItem: 'item.confirm',
  undoItem: 'item.undo',
  failStep: 'step.fail',
  approve: 'approval.approve',
  reject: 'approval.reject',
  overrideGate: 'gate.override',
  /** Grants the override the deployer asked for (a second person). */
  grantOverride: 'gate.grant',
  startPhase: 'phase.start',
  completePhase: 'phase.complete',
  complete: 'deployment.complete',
  cancel: 'deployment.cancel',
  /** A link button: Slack still sends an action, which must be acknowledged. */
  openLink: 'link.open',
  /** The template select of the start modal, which redraws the approver fields. */
  startTemplateChanged: 'start.template',
  /** Opens the rollback confirmation modal (parent card and thread). */
  rollback: 'rollback.open',
  rollbackComplete: 'rollback.complete',
  rollbackFail: 'rollback.fail',
  /** The service and environment selects of the start modal when services are configured: fill in their settings. */
  startServiceChanged: 'start.service',
  /** The monitoring verdict prompt (scheduler notices). */
  markHealthy: 'monitoring.healthy',
  markFaulty: 'monitoring.faulty',
  /** The missed-window prompt (scheduler notices). */
  windowStart: 'window.start',
  windowReschedule: 'window.reschedule',
  windowCancel: 'window.cancel',
  /** Previous/Next under `/deploy history` (replace the ephemeral answer) and under App Home's history (republish Home). */
  historyPrevious: 'history.previous',
  historyNext: 'history.next',
  homeHistoryPrevious: 'home.history.previous',
  homeHistoryNext: 'home.history.next',
  /** The verification section's *Run health checks* (Liftoff makes the requests; the result follows in the thread). */
  runHealthChecks: 'health.run',
} as const;

export const ViewId = {
  start: 'deploy.start',
  evidence: 'item.evidence',
  reject: 'approval.reject',
  overrideGate: 'gate.override',
  failStep: 'step.fail',
  cancel: 'deployment.cancel',
  rollback: 'rollback.start',
  rollbackFail: 'rollback.fail',
  reschedule: 'deployment.reschedule',
} as const;

/** Block ids of the start modal; a field error is shown under the block of the same id. */
export const StartField = {
  service: 'service',
  /** With configured services and free text allowed: a service that is not listed. */
  otherService: 'service_other',
  /** With a configured deploy channel: where the deployment runs. */
  deployChannel: 'deploy_channel',
  version: 'version',
  environment: 'environment',
  type: 'type',
  template: 'template',
  windowStart: 'window_start',
  windowEnd: 'window_end',
  deployer: 'deployer',
  approver: (role: string) => `approver:${role}`,
  /** A communication timing of the deployment (`timing:announcementHoursBefore`); a `~value` suffix follows what is offered. */
  timing: (field: string) => `timing:${field}`,
  announceChannel: 'announce_channel',
  branch: 'branch',
  changes: 'changes',
  tickets: 'tickets',
  /** Why a deployment outside the deploy calendar cannot wait (shown where a calendar is in use). */
  emergency: 'emergency',
} as const;

/** Block ids of the small modals (evidence, reasons, failed step). */
export const ModalField = {
  evidence: 'evidence',
  reason: 'reason',
  step: 'step',
} as const;

/** Block ids of the rollback confirmation modal. */
export const RollbackField = {
  trigger: 'rollback_trigger',
  other: 'rollback_other',
  restore: 'rollback_restore',
  note: 'rollback_note',
} as const;

/** The one action id inside every input block: block ids tell the fields apart. */
export const INPUT_ACTION = 'value';

/** What a button or a modal carries: the deployment and, depending on the action, one target. */
export interface ActionRef {
  /** Deployment id. */
  d: number;
  /** Item key (items). */
  k?: string;
  /** Approval role (approvals). */
  r?: string;
  /** Phase id (phases). */
  p?: string;
  /** Gate id (overrides). */
  g?: GateId;
}

export const encodeRef = (ref: ActionRef): string => JSON.stringify(ref);

/** Parses a button value or private_metadata; null when it is not one of ours. */
export function decodeRef(raw: string | undefined): ActionRef | null {
  if (!raw || raw.length > 2000) return null;
  try {
    const v = JSON.parse(raw) as unknown;
    if (typeof v !== 'object' || v === null) return null;
    const { d, k, r, p, g } = v as Record<string, unknown>;
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d <= 0) return null;
    const str = (x: unknown) => (typeof x === 'string' && x.length > 0 && x.length <= 255 ? x : undefined);
    const ref: ActionRef = { d };
    if (str(k)) ref.k = str(k);
    if (str(r)) ref.r = str(r);
    if (str(p)) ref.p = str(p);
    if (g === 'start' || g === 'complete' || g === 'calendar') ref.g = g;
    return ref;
  } catch {
    return null;
  }
}

/** What a history page button carries: the page wanted and the filter it lists. */
export interface HistoryPageRef {
  p: number;
  s?: string;
  e?: string;
}

export const encodeHistoryPage = (ref: HistoryPageRef): string => JSON.stringify(ref);

/** Parses a history page button's value; null when it is not one of ours. */
export function decodeHistoryPage(raw: string | undefined): HistoryPageRef | null {
  if (!raw || raw.length > 2000) return null;
  try {
    const { p, s, e } = JSON.parse(raw) as Record<string, unknown>;
    if (typeof p !== 'number' || !Number.isSafeInteger(p) || p < 1) return null;
    const str = (x: unknown) => (typeof x === 'string' && x.length > 0 && x.length <= 80 ? x : undefined);
    return { p, ...(str(s) ? { s: str(s) } : {}), ...(str(e) ? { e: str(e) } : {}) };
  } catch {
    return null;
  }
}
