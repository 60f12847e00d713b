import { isHookKind, type JobAlert, type JobKind } from '../../../core/schedule/jobs.js';
import { explainSlackError } from '../../errors.js';
import { section } from '../blocks.js';
import type { Notice, NoticeInput } from './common.js';
import { plainTitle, title } from './common.js';

/** What each job is, in the words people read ("the announcement of DEP-12"). */
export const JOB_LABELS: Record<JobKind, string> = {
  announcement: 'announcement',
  admin_action: 'admin action notice',
  pipeline_note: 'pipeline note',
  reminder: 'preparation reminder',
  personal_reminder: 'reminder in the thread',
  start: 'start notice',
  progress: 'progress update',
  issue: 'issue notice',
  overrun: 'overrun alert',
  completion: 'completion notice',
  summary: 'summary report',
  healthy: 'healthy notice',
  monitoring_verdict: 'monitoring verdict question',
  follow_up: 'follow-up reminder',
  missed_window: 'missed-window question',
  rescheduled: 'reschedule notice',
  cancelled: 'cancellation notice',
  rollback_decision: 'roll back or carry on question',
  rollback_overrun: 'rollback overrun alert',
  archive_room: 'archive of the dedicated channel',
  rollback_started: 'rollback notice',
  rollback_completed: 'rollback completion notice',
  rollback_failed: 'failed rollback alert',
  rollback_hook: 'rollback hook call',
  maintenance_start_hook: 'maintenance start hook call',
  maintenance_end_hook: 'maintenance end hook call',
  health_checks: 'health checks result',
  alert: 'alert',
};

/** What did not happen, and what a person should do about it. */
function story(a: JobAlert, ref: string): { what: string; todo: string } {
  const label = JOB_LABELS[a.kind];
  const where = a.where ? `<#${a.where}>` : 'its channel';
  if (isHookKind(a.kind)) {
    return a.status === 'failed'
      ? {
          what: `The ${label} failed.`,
          todo: `The thread of ${ref} says how it answered. Do by hand what the hook should have done, or fix the hook's endpoint.`,
        }
      : {
          what: `The ${label} may or may not have been made: Liftoff stopped while calling it, and never calls a hook twice.`,
          todo: 'Check the system the hook drives; do by hand what it should have done if it did not happen.',
        };
  }
  if (a.kind === 'archive_room') {
    return {
      what: `The dedicated channel ${where} was not archived (${a.code ?? 'no answer'}).`,
      todo: `Archive ${where} yourself when nobody needs it.`,
    };
  }
  if (a.status === 'uncertain') {
    return {
      what: `The ${label} may or may not have been posted in ${where}: I was interrupted and could not check the channel's history. I did not send it again, so it is never posted twice.`,
      todo: `Look in ${where}; if it is not there, post it yourself.`,
    };
  }
  return {
    what: `The ${label} was not sent to ${where}: Slack refused it (\`${a.code ?? 'no answer'}\`), and I will not try again.`,
    todo: `${explainSlackError(a.code ?? null, where)} Then tell the people it was for yourself.`,
  };
}

/** One alert about a job that failed or may not have happened: to the ops channel, else to the deployer. */
export function jobAlert({ job, d }: NoticeInput): Notice {
  const a = job.payload.alert;
  if (!a) throw new Error('an alert job has no alert in its payload');
  const { what, todo } = story(a, d.ref);
  return {
    text: `⚠️ ${plainTitle(d)}: ${what}`,
    blocks: [section(`⚠️ ${title(d)}\n${what}\n*What to do:* ${todo}`)],
  };
}
