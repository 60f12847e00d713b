import { isHookKind, type NoticeKind } from '../../../core/schedule/jobs.js';
import { completion, followUp, healthy, missedWindow, monitoringVerdict } from './after.js';
import { announcement, cancelled, personalReminder, reminder, rescheduled } from './before.js';
import type { Notice, NoticeInput } from './common.js';
import { issue, overrun, progress, start } from './during.js';
import { summaryReport } from './summary.js';
import { rollbackDecision, rollbackOverrun } from '../deployment/rollback.js';
import { rollbackCompleted, rollbackFailed, rollbackStarted } from './rollback.js';
import { archiveNote } from './room.js';
import { adminAction } from './admin.js';
import { jobAlert } from './alert.js';
import { pipelineNote } from '../pipeline.js';

export type { Notice, NoticeInput } from './common.js';

const RENDERERS: Record<NoticeKind, (input: NoticeInput) => Notice> = {
  announcement,
  reminder,
  personal_reminder: personalReminder,
  start,
  progress,
  issue,
  overrun,
  completion,
  summary: summaryReport,
  healthy,
  monitoring_verdict: monitoringVerdict,
  follow_up: followUp,
  missed_window: missedWindow,
  rescheduled,
  cancelled,
  rollback_decision: rollbackDecision,
  rollback_overrun: rollbackOverrun,
  archive_room: archiveNote,
  rollback_started: rollbackStarted,
  rollback_completed: rollbackCompleted,
  rollback_failed: rollbackFailed,
  admin_action: adminAction,
  pipeline_note: pipelineNote,
  alert: jobAlert,
};

/** The message a job sends. Pure: the same input renders the same notice. */
export function renderNotice(input: NoticeInput): Notice {
  const { kind } = input.job;
  // Hook jobs make an HTTP call (src/hooks/jobs.ts); the scheduler never renders them.
  if (isHookKind(kind) || kind === 'health_checks')
    throw new Error(`a ${kind} job makes HTTP requests; it has no notice`);
  return RENDERERS[kind](input);
}
