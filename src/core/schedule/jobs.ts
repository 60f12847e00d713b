/** What the scheduler sends: one job is one Slack message, identified by a unique key. */

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
  /** A note in the dedicated channel, then the channel is archived (`location: channel`). */
  'archive_room',
] as const;
export type JobKind = (typeof JOB_KINDS)[number];

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
export const WINDOW_KINDS: ReadonlySet<JobKind> = new Set(['announcement', 'reminder', 'personal_reminder', 'missed_window']);

/** Kinds that only make sense while the deployment is still to come or running. */
export const LIVE_KINDS: ReadonlySet<JobKind> = new Set([
  ...WINDOW_KINDS,
  'start',
  'progress',
  'overrun',
  'monitoring_verdict',
  'rollback_decision',
]);
