import { addHours } from 'date-fns/addHours';
import { addMinutes } from 'date-fns/addMinutes';
import type { DeploymentEvent } from '../deployment/events.js';
import type { Deployment } from '../deployment/types.js';
import type { HookPresence, JobKind, JobPayload, PlannedJob, Target } from './jobs.js';
import { LIVE_KINDS, NO_HOOKS, WINDOW_KINDS } from './jobs.js';
import { hookJobs } from './hooks.js';
import { healthCheckJobs } from './health-checks.js';
import type { Timings } from './timings.js';
import { followUpsFor } from './follow-ups.js';
import { roomJobs } from './room.js';

/** What a change does to the schedule: jobs to add, and pending jobs to drop (with why). */
export interface SchedulePlan {
  add: PlannedJob[];
  /** Pending jobs of these kinds are deleted before `add` (a reschedule moves them). */
  replace: JobKind[];
  /** Pending jobs of these kinds no longer apply: they are cancelled with `reason`. */
  cancel: { kinds: JobKind[]; reason: string } | null;
}

const ms = (d: Date) => d.getTime();

function job(d: Deployment, kind: JobKind, dueAt: number, payload: JobPayload, id: string = kind): PlannedJob {
  return { key: `${d.ref}:${id}:${payload.target}`, deploymentId: d.id, kind, dueAt, payload };
}

/**
 * Both copies of a notice that goes to stakeholders and to the thread. The
 * announcement-channel copy exists only when an announcement channel is set:
 * otherwise the thread already is the deployment channel.
 */
function both(
  d: Deployment,
  kind: JobKind,
  dueAt: number,
  extra: Omit<JobPayload, 'target'> = {},
  id: string = kind,
): PlannedJob[] {
  const targets: Target[] = d.announceChannelId ? ['thread', 'announce'] : ['thread'];
  return targets.map((target) => job(d, kind, dueAt, { ...extra, target }, id));
}

/**
 * A notice for stakeholders, the thread and ops (start, issues, completion,
 * rollback): `both` plus an ops-channel copy when the deployment has one.
 */
function withOps(
  d: Deployment,
  kind: JobKind,
  dueAt: number,
  extra: Omit<JobPayload, 'target'> = {},
  id: string = kind,
): PlannedJob[] {
  const copy = (target: Target, more: Pick<JobPayload, 'broadcast'> = {}) =>
    job(d, kind, dueAt, { ...extra, target, ...more }, id);
  // Without an announcement channel stakeholders read the deploy channel, so these notices must reach it: a
  // deployment in its own channel through a copy on its mirror card there (`announce`), one in a thread of it
  // by showing the thread copy in the channel too.
  const stakeholders =
    d.announceChannelId || d.location === 'channel'
      ? [copy('thread'), copy('announce')]
      : [copy('thread', { broadcast: true })];
  return d.opsChannelId ? [...stakeholders, copy('ops')] : stakeholders;
}

/** An admin's action on the deployment, told to its ops channel (when it has one). */
const adminJob = (d: Deployment, now: number, seq: number): PlannedJob[] =>
  d.opsChannelId ? [job(d, 'admin_action', now, { target: 'ops', seq }, `admin_action:${seq}`)] : [];

/**
 * The template's follow-up actions as one reminder to the deployer (the "(if issues)" ones only after
 * issues): due together, they are one message, not one each.
 */
function followUpJobs(d: Deployment, now: number, t: Timings): PlannedJob[] {
  const due = ms(addHours(now, t.followUpHoursAfter));
  return followUpsFor(d).length ? [job(d, 'follow_up', due, { target: 'thread' })] : [];
}

/**
 * A reminder due within this long of the deployment's creation reminds nobody of anything: the card
 * (and the announcement) just said it. It is not planned.
 */
export const FRESH_MS = 30 * 60_000;

/** The jobs that follow from the deployment window: announcement, reminders, the missed-window question. */
export function windowJobs(d: Deployment, now: number, t: Timings): PlannedJob[] {
  const w = `w${Math.floor(d.window.start / 1000)}`;
  const at = (hoursBefore: number) => Math.max(now, ms(addHours(d.window.start, -hoursBefore)));
  const announceAt = at(t.announcementHoursBefore);
  const remindAt = at(t.reminderHoursBefore);
  // Without an announcement channel, an announcement due at once would only repeat the card just posted above it.
  const announce = d.announceChannelId || announceAt > now;
  // Notices due together are one: a reminder due with the announcement (or just after the card) is not sent,
  // the announcement says when it starts and what is still open. Created (or moved) less than FRESH_MS before
  // the reminder: nobody is reminded of what they have just been told.
  const remind = remindAt - now >= FRESH_MS && remindAt - announceAt >= FRESH_MS;
  return [
    ...(announce ? [job(d, 'announcement', announceAt, { target: 'announce' }, `announcement:${w}`)] : []),
    ...(remind
      ? [
          job(d, 'reminder', remindAt, { target: 'announce' }, `reminder:${w}`),
          job(d, 'personal_reminder', remindAt, { target: 'thread' }, `personal_reminder:${w}`),
        ]
      : []),
    job(d, 'missed_window', Math.max(now, d.window.end), { target: 'thread' }, `missed_window:${w}`),
  ];
}

/** The first progress update after a phase started at `startedAt`. */
export function firstProgress(d: Deployment, startedAt: number, t: Timings): PlannedJob[] {
  const dueAt = ms(addMinutes(startedAt, t.progressEveryMinutes));
  return both(d, 'progress', dueAt, { n: 1 }, 'progress:1');
}

/**
 * The next progress update after update `n` (due at `dueAt`), on the same
 * cadence and strictly after `now`: a late update does not cause a burst.
 */
export function nextProgress(
  d: Deployment,
  previous: { dueAt: number; payload: JobPayload },
  now: number,
  t: Timings,
): PlannedJob {
  const step = t.progressEveryMinutes * 60_000;
  const k = Math.max(1, Math.floor((now - previous.dueAt) / step) + 1);
  const n = (previous.payload.n ?? 1) + 1;
  return job(d, 'progress', previous.dueAt + k * step, { target: previous.payload.target, n }, `progress:${n}`);
}

/**
 * Which messages (and hook calls, for the configured `hooks`) a change
 * promises, planned in the transaction that records it. `firstSeq` is the
 * sequence number of the first of `events`. Pure.
 */
export function planChange(
  d: Deployment,
  events: DeploymentEvent[],
  firstSeq: number,
  now: number,
  t: Timings,
  hooks: HookPresence = NO_HOOKS,
  /** The configured interval of the health checks during the monitoring window (null: not scheduled). */
  healthChecksEvery: number | null = null,
): SchedulePlan {
  const plan: SchedulePlan = { add: [], replace: [], cancel: null };
  const archives: PlannedJob[] = [];
  // The start notice belongs to the first phase that starts, not to every phase.
  const startedHere = events.filter((e) => e.type === 'phase_started').length;
  const underwayBefore = Object.values(d.phases).filter((p) => p.started).length > startedHere;
  events.forEach((e, i) => {
    const seq = firstSeq + i;
    switch (e.type) {
      case 'created':
        plan.add.push(...windowJobs(d, now, t));
        break;
      case 'rescheduled':
        plan.replace.push(...WINDOW_KINDS);
        plan.add.push(...windowJobs(d, now, t));
        plan.add.push(job(d, 'rescheduled', now, { target: 'announce', seq }, `rescheduled:${seq}`));
        break;
      case 'phase_started': {
        const phase = d.phases[e.phaseId];
        if (!underwayBefore) {
          plan.add.push(...withOps(d, 'start', now));
          plan.add.push(...firstProgress(d, now, t));
        }
        if (phase) {
          const overrunAt = now + (phase.plannedEnd - phase.plannedStart) + 1;
          plan.add.push(job(d, 'overrun', overrunAt, { target: 'thread', phaseId: e.phaseId }, `overrun:${e.phaseId}`));
        }
        break;
      }
      case 'item_failed':
      case 'rejected':
        plan.add.push(...withOps(d, 'issue', now, { seq }, `issue:${seq}`));
        break;
      case 'health_checks_run':
        // A scheduled run records only its first failure: the issue notice goes out once.
        if (!e.requestedBy && e.results.some((r) => !r.ok))
          plan.add.push(...withOps(d, 'issue', now, { seq }, `issue:${seq}`));
        break;
      case 'marked_faulty':
        plan.add.push(...withOps(d, 'issue', now, { seq }, `issue:${seq}`));
        plan.add.push(
          job(
            d,
            'rollback_decision',
            ms(addMinutes(now, t.rollbackDecisionMinutes)),
            { target: 'thread', seq },
            `rollback_decision:${seq}`,
          ),
        );
        break;
      case 'monitoring_started':
        // One message per place: the completion notice carries the summary report (see its view).
        plan.add.push(...withOps(d, 'completion', now));
        plan.add.push(job(d, 'monitoring_verdict', d.monitoring?.until ?? now, { target: 'thread' }));
        plan.cancel = { kinds: ['progress', 'overrun', ...WINDOW_KINDS], reason: 'the deployment is complete' };
        break;
      case 'completed': {
        const monitored = d.monitoring !== undefined;
        plan.add.push(...(monitored ? both(d, 'healthy', now) : withOps(d, 'completion', now)));
        plan.add.push(...followUpJobs(d, now, t));
        plan.cancel = { kinds: [...LIVE_KINDS], reason: 'the deployment is complete' };
        break;
      }
      case 'gate_overridden':
        if (e.emergency) plan.add.push(...adminJob(d, now, seq));
        break;
      case 'cancelled':
        if (e.admin) plan.add.push(...adminJob(d, now, seq));
        // Without an announcement channel: a thread reply also sent to the channel, like the reschedule notice;
        // with one (or a dedicated channel, whose announcement copy goes to the mirror), the thread gets its copy.
        plan.add.push(job(d, 'cancelled', now, { target: 'announce', seq }));
        if (d.announceChannelId || d.location === 'channel')
          plan.add.push(job(d, 'cancelled', now, { target: 'thread', seq }));
        plan.cancel = { kinds: [...LIVE_KINDS], reason: 'the deployment was cancelled' };
        break;
      case 'rollback_started': {
        plan.cancel = {
          kinds: ['progress', 'overrun', 'monitoring_verdict', 'rollback_decision', 'health_checks'],
          reason: 'a rollback started',
        };
        const estimate = d.plan.rollback.estimatedMinutes;
        if (estimate)
          plan.add.push(
            job(
              d,
              'rollback_overrun',
              now + estimate * 60_000 + 1,
              { target: 'thread', seq },
              `rollback_overrun:${seq}`,
            ),
          );
        plan.add.push(...withOps(d, 'rollback_started', now, { seq }, `rollback_started:${seq}`));
        break;
      }
      case 'rollback_completed':
        plan.add.push(...withOps(d, 'rollback_completed', now, { seq }, `rollback_completed:${seq}`));
        plan.add.push(...followUpJobs(d, now, t));
        break;
      case 'rollback_failed':
        // The ops channel; without one the announcement channel, else a reply broadcast to the deployment channel.
        plan.add.push(
          job(
            d,
            'rollback_failed',
            now,
            { target: d.opsChannelId ? 'ops' : 'announce', seq },
            `rollback_failed:${seq}`,
          ),
        );
        break;
      default:
        break;
    }
    archives.push(...roomJobs(d, e, now));
  });
  // After the change's notices: the hook calls (their results go to the thread).
  plan.add.push(...hookJobs(d, events, firstSeq, now, hooks));
  plan.add.push(...healthCheckJobs(d, events, now, healthChecksEvery));
  // Last: the end's own notices and hook results (due at the same time) are posted before the dedicated channel is archived.
  plan.add.push(...archives);
  return plan;
}
