import type { TeamConfig } from '../config/team.js';
import type { Clock } from '../core/clock.js';
import { ENVIRONMENT_LABELS, type Deployment, type Environment } from '../core/deployment/types.js';
import { DomainError } from '../core/errors.js';
import { may } from '../core/policy/may.js';
import {
  checkWindow,
  currentFreezes,
  freezeText,
  parseLocalDate,
  refusalText,
  type Calendar,
  type CalendarRefusal,
  type Freeze,
  type Window,
} from '../core/schedule/calendar.js';
import type { Repositories } from '../storage/index.js';
import type { DeploymentService } from './deployments.js';

export interface CalendarUseCaseDeps {
  repos: Repositories;
  clock: Clock;
  team: TeamConfig;
  deployments: Pick<DeploymentService, 'policyFor' | 'act' | 'find' | 'mayOpen'>;
}

/** What a freeze or an unfreeze did: `admin` when only an admin's right allowed it (told to the ops channel). */
export interface FreezeOutcome {
  environment: Environment;
  freeze: Freeze;
  admin: boolean;
  timeZone: string;
  /** After an unfreeze: a freeze of the team configuration that still applies now or later. */
  planned?: Freeze;
}

/**
 * The deploy calendar: the team configuration's allowed hours and planned
 * freezes, with the freezes set by command (/deploy freeze, /deploy unfreeze).
 * Who may freeze is `may`'s `freeze` rule, for the environment as a whole.
 */
export function createCalendarUseCase({ repos, clock, team, deployments }: CalendarUseCaseDeps) {
  const tz = team.calendar.timeZone;
  const label = (e: Environment) => ENVIRONMENT_LABELS[e];

  /** The calendar as it stands: configuration freezes and the command freezes still in force. */
  function calendar(now = clock.now()): Calendar {
    return { ...team.calendar, freezes: [...team.calendar.freezes, ...repos.freezes.current(now)] };
  }

  function permit(environment: Environment, actor: string, what: 'freeze' | 'unfreeze'): boolean {
    const p = may({ service: '', environment }, 'freeze', actor, deployments.policyFor({ service: '', environment }));
    if (p.allowed) return p.as === 'admin';
    repos.audit.record({
      at: clock.now(),
      actor,
      type: 'refused',
      subject: `${what} ${environment}`,
      data: { action: what, environment, reason: p.reason },
    });
    throw new DomainError('not_allowed', p.reason);
  }

  return {
    calendar,
    timeZone: tz,

    /** Why the calendar refuses a deployment of `environment` in `window`, with the next allowed slot; null when it allows it. */
    check(environment: Environment, window: Window): CalendarRefusal | null {
      const now = clock.now();
      return checkWindow(calendar(now), environment, window, now);
    },

    /**
     * Moves a deployment to a new window: refused outside the calendar (with the next allowed slot) like a start,
     * unless it is an emergency, which its second person already answers for.
     */
    reschedule(id: number, window: Window, actor: string): Deployment {
      const d = deployments.find(id);
      // Who may, and whether it still can move, before what the calendar says.
      deployments.mayOpen(id, { type: 'reschedule' }, actor);
      const outside = d.emergency ? null : checkWindow(calendar(), d.environment, window, clock.now());
      if (outside) throw new DomainError('invalid_input', refusalText(outside, tz));
      return deployments.act(id, { type: 'reschedule', windowStart: window.start, windowEnd: window.end }, actor);
    },

    /** The freezes in force now or later, every environment (for /deploy list). */
    freezes(): Freeze[] {
      return currentFreezes(calendar(), clock.now());
    },

    /** The active deployments of the same service and environment whose windows overlap `window` (not `exceptId`). */
    overlapping(d: Pick<Deployment, 'service' | 'environment'>, window: Window, exceptId?: number): Deployment[] {
      return repos.deployments
        .activeOf(d.service, d.environment)
        .filter((o) => o.id !== exceptId && o.window.start < window.end && window.start < o.window.end);
    },

    /** `/deploy freeze ENV [until DATE] REASON`: freezes `environment` from now until `until` (typed, in the team's time zone) or until unfrozen. */
    freeze(environment: Environment, until: string | null, reason: string, actor: string): FreezeOutcome {
      const admin = permit(environment, actor, 'freeze');
      const now = clock.now();
      const end = until === null ? null : parseLocalDate(until, tz);
      if (until !== null && end === null)
        throw new DomainError(
          'invalid_input',
          `“${until.slice(0, 20)}” is not a date: write it as 2027-01-05 or 2027-01-05 14:30 (${tz}).`,
        );
      if (end !== null && end <= now)
        throw new DomainError('invalid_input', `That is in the past: a freeze ends later than now (${tz}).`);
      if (!reason.trim())
        throw new DomainError(
          'invalid_input',
          `Say why, for example \`/deploy freeze ${environment} until 2027-01-05 quarter end\`.`,
        );
      const freeze = repos.freezes.freeze({ environment, reason: reason.trim(), by: actor, at: now, until: end });
      return { environment, freeze, admin, timeZone: tz };
    },

    /** `/deploy unfreeze ENV`: lifts the freezes of `environment` set by command; one of the configuration stays (and says so). */
    unfreeze(environment: Environment, actor: string): FreezeOutcome & { lifted: number } {
      const admin = permit(environment, actor, 'unfreeze');
      const now = clock.now();
      const open = repos.freezes.current(now).filter((f) => f.environments.includes(environment));
      const planned = currentFreezes(team.calendar, now).filter((f) => f.environments.includes(environment));
      if (!open.length) {
        const p = planned[0];
        throw new DomainError(
          'already_done',
          p
            ? `${label(environment)} is ${freezeText(p, tz)}, a freeze of the team configuration (calendar.freezes): change it there.`
            : `${label(environment)} is not frozen.`,
        );
      }
      const lifted = repos.freezes.lift(environment, actor, now);
      return {
        environment,
        freeze: open[0]!,
        admin,
        timeZone: tz,
        lifted,
        ...(planned[0] ? { planned: planned[0] } : {}),
      };
    },
  };
}

export type CalendarUseCase = ReturnType<typeof createCalendarUseCase>;
