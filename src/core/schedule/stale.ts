import { gateReport } from '../deployment/gates.js';
import { healthCheckRefusal } from '../deployment/health-checks.js';
import { currentPhase, isUnderway, phaseTiming } from '../deployment/progress.js';
import { FINISHED, type Deployment } from '../deployment/types.js';
import type { Job } from './jobs.js';
import { hasMirror, roomOf } from '../deployment/room.js';
import type { Timings } from './timings.js';

/** Notices planned for a deployment in its own channel both in its thread and as a copy for the deploy channel's mirror. */
const THREAD_COPIED = new Set<Job['kind']>([
  'start',
  'issue',
  'completion',
  'rollback_started',
  'rollback_completed',
  'cancelled',
]);

const running = (d: Deployment) => d.status === 'in_progress' || d.status === 'verifying';

/**
 * Why a due job should not be sent now (it no longer applies, or it came due
 * while Liftoff was down and is stale), or null to send it. A preparation
 * reminder after the window started is stale; a completion notice never is.
 */
export function skipReason(
  job: Pick<Job, 'kind' | 'dueAt' | 'payload'>,
  d: Deployment,
  now: number,
  t: Timings,
): string | null {
  // A private dedicated channel has no mirror card: the stakeholders' copy would repeat the thread copy there.
  if (
    job.payload.target === 'announce' &&
    !d.announceChannelId &&
    roomOf(d) &&
    !hasMirror(d) &&
    THREAD_COPIED.has(job.kind)
  )
    return 'it has no mirror card in the deploy channel (a private dedicated channel); its thread copy says it';
  switch (job.kind) {
    case 'announcement':
    case 'reminder':
    case 'personal_reminder':
      if (FINISHED.has(d.status)) return `the deployment is ${d.status}`;
      if (isUnderway(d)) return 'the deployment has already started';
      if (now >= d.window.start) return 'the window has already started';
      if (job.kind === 'personal_reminder' && gateReport(d, 'start').open) return 'nothing is open before the start';
      return null;
    case 'missed_window':
      if (isUnderway(d) || FINISHED.has(d.status)) return 'the deployment started or finished';
      if (now < d.window.end) return 'the window has not ended';
      return null;
    case 'start':
      return d.status === 'cancelled' ? 'the deployment was cancelled' : null;
    case 'progress':
      if (!running(d)) return 'the deployment is no longer in progress';
      if (now - job.dueAt >= t.progressEveryMinutes * 60_000) return 'a newer progress update follows';
      return null;
    case 'overrun': {
      const phaseId = job.payload.phaseId ?? '';
      if (currentPhase(d)?.id !== phaseId || FINISHED.has(d.status) || d.rollback)
        return 'the phase is no longer running';
      return phaseTiming(d, phaseId, now).overrun ? null : 'the phase is within its plan';
    }
    case 'monitoring_verdict':
      if (d.status !== 'monitoring') return 'the deployment is no longer being monitored';
      if (d.monitoring?.verdict) return 'the verdict was already given';
      return null;
    case 'archive_room':
      return roomOf(d) ? null : 'the deployment has no dedicated channel';
    case 'rollback_overrun':
      return d.status === 'rolling_back' ? null : 'the rollback is no longer running';
    case 'health_checks': {
      // A scheduled run belongs to the monitoring window; one asked for, to the deployment while it can be checked.
      if (!job.payload.by && (d.status !== 'monitoring' || now >= (d.monitoring?.until ?? 0)))
        return 'the monitoring window is over';
      return healthCheckRefusal(d);
    }
    case 'rollback_decision':
      // Rolled back, or carried on (marked healthy): nothing left to decide.
      return d.status === 'monitoring' ? null : 'the deployment is no longer live and being monitored';
    default:
      // Issue, completion, summary, healthy, follow-ups, reschedule and cancel notices stay worth sending.
      return null;
  }
}
