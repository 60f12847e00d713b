import type { Deployment, TimingOverrides } from '../deployment/types.js';
import type { Template } from '../template/schema.js';

/**
 * When the communication plan sends what. Defaults live here and nowhere
 * else; a template's own numbers win over them, and the team configuration
 * (or a deployment) can override both by passing its own partial Timings.
 */
export interface Timings {
  /** The deployment announcement, hours before the window starts. */
  announcementHoursBefore: number;
  /** The preparation reminder (and the personal reminders in the thread), hours before the window. */
  reminderHoursBefore: number;
  /** Minutes between progress updates while the deployment runs. */
  progressEveryMinutes: number;
  /**
   * How often the running phase's timer is looked at, at most (per deployment). A look
   * renders the deployment and updates only messages whose text changed; timers show
   * whole minutes, so a message still changes at most once a minute, within this lag.
   */
  timerRefreshSeconds: number;
  /** Follow-up reminders, hours after the deployment is finally complete. */
  followUpHoursAfter: number;
  /** After a monitored release is marked faulty (the issue notice), minutes until the deployer is asked: roll back or carry on? */
  rollbackDecisionMinutes: number;
}

export const DEFAULT_TIMINGS: Timings = {
  announcementHoursBefore: 24,
  reminderHoursBefore: 1,
  progressEveryMinutes: 30,
  timerRefreshSeconds: 15,
  followUpHoursAfter: 0,
  rollbackDecisionMinutes: 10,
};

const positive = (n: number | null | undefined): n is number => typeof n === 'number' && Number.isFinite(n) && n > 0;

/** Defaults, then the template's numbers (blank "[X]" is null and keeps the default), then `overrides`. */
export function timingsOf(plan: Template, overrides: Partial<Timings> = {}): Timings {
  const notice = (kind: string) => plan.communication.notices.find((n) => n.kind === kind);
  const fromTemplate: Partial<Timings> = {};
  const announcement = notice('announcement')?.hoursBefore;
  const reminder = notice('reminder')?.hoursBefore;
  const progress = notice('progress')?.everyMinutes;
  if (positive(announcement)) fromTemplate.announcementHoursBefore = announcement;
  if (positive(reminder)) fromTemplate.reminderHoursBefore = reminder;
  if (positive(progress)) fromTemplate.progressEveryMinutes = progress;
  const defined = Object.fromEntries(
    Object.entries(overrides).filter(([, v]) => positive(v) || v === 0),
  ) as Partial<Timings>;
  return { ...DEFAULT_TIMINGS, ...fromTemplate, ...defined };
}

/**
 * What a deployment's start form offers (and stores when left alone): the team
 * configuration's timings (`configured`), else the plan's, else the defaults.
 */
export function offeredTimings(plan: Template, configured: TimingOverrides = {}): Required<TimingOverrides> {
  const { monitoringMinutes, ...notices } = configured;
  const t = timingsOf(plan, notices);
  return {
    announcementHoursBefore: t.announcementHoursBefore,
    reminderHoursBefore: t.reminderHoursBefore,
    progressEveryMinutes: t.progressEveryMinutes,
    monitoringMinutes: monitoringMinutes ?? plan.monitoring.durationMinutes ?? 0,
  };
}

/**
 * A deployment's timings. Precedence: its own (chosen in the start form) >
 * `overrides` > the plan (the template with the team configuration written in) > defaults.
 */
export function deploymentTimings(d: Pick<Deployment, 'plan' | 'timings'>, overrides: Partial<Timings> = {}): Timings {
  const { monitoringMinutes: _monitoring, ...own } = d.timings ?? {};
  return timingsOf(d.plan, { ...overrides, ...own });
}

/** How long a deployment is monitored after completion (0: not at all), by the same precedence. */
export const monitoringMinutesOf = (d: Pick<Deployment, 'plan' | 'timings'>, fallback: number): number =>
  d.timings?.monitoringMinutes ?? d.plan.monitoring.durationMinutes ?? fallback;
