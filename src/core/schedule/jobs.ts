import type { MaintenanceEndReason } from '../deployment/maintenance.js';

/**
 * What the scheduler sends: one job is one Slack message, identified by a
 * unique key; or, for the hook kinds, one HTTP call to a configured hook.
 */

export const JOB_KINDS = [
  'announcement',
  'reminder',
  'personal_reminder',
  'start',
  'progress',
  'issue',
  'overrun',
  'completion',
  'summary',
  'healthy',
  'monitoring_verdict',
  'follow_up',
  'missed_window',
  'rescheduled',
  'cancelled',
  /** Still live some minutes after being marked faulty: roll back or carry on? */
  'rollback_decision',
  /** The rollback runs past the template's estimated rollback time. */
  'rollback_overrun',
  /** The rollback notices: to the announcement and ops channels and the thread. */
  'rollback_started',
  'rollback_completed',
  /** A failed rollback: the ops channel (else the announcement channel, else the deployment channel). */
  'rollback_failed',
  /** What an admin did to a deployment (an emergency override, a cancel), told to the ops channel. */
  'admin_action',
  /** A pipeline's progress note in the thread (POST /api/v1/deployments/{ref}/notes). */
  'pipeline_note',
  /** A note in the dedicated channel, then the channel is archived (`location: channel`). */
  'archive_room',
  /** HTTP calls, not Slack messages: the rollback hook when a rollback starts, the maintenance hooks. */
  'rollback_hook',
  'maintenance_start_hook',
  'maintenance_end_hook',
  /** GET requests to the plan's health checks: asked for by the button (`by`), or every few minutes while monitored. */
  'health_checks',
  /** A job that failed, or may or may not have happened: a person is told once (the ops channel, else the deployer). */
  'alert',
] as const;
export type JobKind = (typeof JOB_KINDS)[number];

/** The jobs that call a hook (at most once: never called again blindly after an interruption). */
export const HOOK_KINDS = ['rollback_hook', 'maintenance_start_hook', 'maintenance_end_hook'] as const;
export type HookKind = (typeof HOOK_KINDS)[number];
export const isHookKind = (kind: JobKind): kind is HookKind => (HOOK_KINDS as readonly JobKind[]).includes(kind);
/** The jobs that post a Slack message. */
export type NoticeKind = Exclude<JobKind, HookKind | 'health_checks'>;

/** Which hooks a deployment's service and environment has configured (the planner plans only those calls). */
export interface HookPresence {
  rollback: boolean;
  maintenanceStart: boolean;
  maintenanceEnd: boolean;
}
export const NO_HOOKS: HookPresence = { rollback: false, maintenanceStart: false, maintenanceEnd: false };

/**
 * Where a job's message goes: `announce` is the announcement channel (or, for
 * notices that only go there, the deployment channel when none is set);
 * `thread` is the deployment's thread; `ops` is the ops channel recorded on
 * the deployment (planned only when there is one).
 */
export type Target = 'announce' | 'thread' | 'ops';

export interface JobPayload {
  target: Target;
  /** The event a notice is about (issue notices), by its sequence number. */
  seq?: number;
  phaseId?: string;
  /** Progress updates: their number; follow-ups: the follow-up's index. */
  n?: number;
  /** The maintenance end hook: why the window ended. */
  reason?: MaintenanceEndReason;
  /** A thread copy also shown in the channel (start, issue, completion and rollback notices when there is no announcement channel). */
  broadcast?: boolean;
  /** An alert: which job did not happen, how it ended and who is told. */
  alert?: JobAlert;
  /** Health checks: who asked for the run (absent: a scheduled run during the monitoring window). */
  by?: string;
  /** A pipeline's progress note, as it was given. */
  note?: { pipeline: string; text: string; runUrl?: string };
}

/** What an alert says, fixed when the job it is about ended (rendering stays pure). */
export interface JobAlert {
  kind: Exclude<JobKind, 'alert'>;
  status: 'failed' | 'uncertain';
  /** The Slack error code a notice was refused with. */
  code?: string;
  /** The channel the notice was for. */
  where?: string;
  /** The channel (the ops channel) or person (the deployer, by direct message) told. */
  to: string;
}

/** A job before it is stored. */
export interface PlannedJob {
  key: string;
  deploymentId: number;
  kind: JobKind;
  dueAt: number;
  payload: JobPayload;
}

export const JOB_STATUSES = ['pending', 'sending', 'sent', 'skipped', 'cancelled', 'failed', 'uncertain'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

/** A stored job. */
export interface Job extends PlannedJob {
  id: number;
  status: JobStatus;
  attempts: number;
  claimedAt: number | null;
  /** What happened: the message ts, or why it was skipped, cancelled or failed. */
  result: string | null;
}

/** Kinds whose due time follows the deployment window: a reschedule moves them. */
export const WINDOW_KINDS: ReadonlySet<JobKind> = new Set([
  'announcement',
  'reminder',
  'personal_reminder',
  'missed_window',
]);

/** Kinds that only make sense while the deployment is still to come or running. */
export const LIVE_KINDS: ReadonlySet<JobKind> = new Set([
  ...WINDOW_KINDS,
  'start',
  'progress',
  'overrun',
  'monitoring_verdict',
  'rollback_decision',
  'health_checks',
]);
