import type { Settings, TeamConfig } from '../config/team.js';
import { offeredTimingsFor, planWithSettings } from '../config/team/plan.js';
import type { Clock } from '../core/clock.js';
import { hasDisguisingCharacters, resolveName } from '../core/text.js';
import { parseDeploymentInput, type FieldErrors } from '../core/deployment/input.js';
import type { RawTimings } from '../core/deployment/input-timings.js';
import {
  ENVIRONMENT_LABELS,
  ENVIRONMENTS,
  refOf,
  type Deployment,
  type DeploymentInput,
  type Environment,
} from '../core/deployment/types.js';
import { may } from '../core/policy/may.js';
import type { TemplateCatalog } from '../core/template/catalog.js';
import type { ApprovalRole } from '../core/template/schema.js';
import type { Repositories } from '../storage/index.js';
import type { Lock } from '../storage/locks.js';
import { refusalText, type Window } from '../core/schedule/calendar.js';
import type { CalendarUseCase } from './calendar.js';
import type { DeploymentService } from './deployments.js';
import type { RollbackService } from './rollback.js';

/**
 * What someone asks to start, as typed (the start form today, an API later).
 * What the team configuration locks is taken from it, whatever is sent.
 */
export interface StartRequest {
  service: string;
  version: string;
  environment: string | undefined;
  type: string | undefined;
  /** The template chosen; the configured one (or the default) when absent. */
  templateId?: string | undefined;
  windowStart: number | undefined;
  windowEnd: number | undefined;
  deployerId: string;
  /** Role → the people chosen for it. */
  approvers: Record<string, string[]>;
  /** The deploy channel chosen, if any. */
  channelId?: string | null | undefined;
  /** Where the request was made (the channel `/deploy start` ran in): the deploy channel when nothing else names one. */
  requestChannelId: string;
  announceChannelId?: string | null | undefined;
  /**
   * Whether the deployment's channel (`deployChannelOf`) is private, as Slack says (`unknown`: it did not
   * say, taken as private). The entry point asks only when an announcement channel is chosen.
   */
  deployChannelKind?: 'public' | 'private' | 'unknown' | undefined;
  branch?: string | null | undefined;
  changes?: string | null | undefined;
  tickets?: string | null | undefined;
  timings?: RawTimings | undefined;
  /**
   * Why it must go ahead outside the deploy calendar, as an emergency (it then waits for a second person).
   * Absent, null or blank: not an emergency, and a window outside the calendar is refused.
   */
  emergency?: string | null | undefined;
}

/** Started (or, for a repeated submission, the deployment it started), or what is wrong, by field. */
export type StartOutcome =
  | {
      ok: true;
      deployment: Deployment;
      created: boolean;
      /** Active deployments of the same service and environment whose windows overlap its own: flagged, not refused. */
      overlapping: Deployment[];
    }
  /**
   * `roles`: the template's approval roles (to label their fields). `refused`: not allowed (recorded in the
   * audit trail) or locked; its message is a sentence to show as written. `lock`: the lock that refused it.
   */
  | {
      ok: false;
      errors: FieldErrors;
      roles: ApprovalRole[];
      refused?: 'not_allowed' | 'locked' | 'calendar';
      /** `calendar`: the next window of the same length the calendar allows (null: none within a year). */
      nextSlot?: Window | null;
      lock?: Lock;
    };

export interface StartUseCaseDeps {
  repos: Repositories;
  clock: Clock;
  deployments: DeploymentService;
  /** A rollback deployment names what it reverses. */
  rollback: Pick<RollbackService, 'withReverses'>;
  team: TeamConfig;
  templates: TemplateCatalog;
  /** User ids for the user ids, group ids and @handles the configuration names. */
  expandUsers: (entries: readonly string[]) => string[];
  /** The deploy calendar: allowed hours and freezes. */
  calendar: Pick<CalendarUseCase, 'check' | 'overlapping' | 'timeZone'>;
}

/** A start refused inside its transaction (nothing is created): under which field, and whether the refusal is recorded. */
class Refused extends Error {
  constructor(
    readonly field: 'service' | 'deployerId',
    message: string,
    readonly recorded: boolean,
    readonly lock?: Lock,
  ) {
    super(message);
  }
}

/** Why an announcement channel typed for a deployment in a private channel is refused (plain text, under the field). */
export const PRIVATE_ANNOUNCE =
  'This deployment is in a private channel: it is announced only in the channel its team configuration names. Clear this field.';

export const isEnvironment = (e: unknown): e is Environment =>
  typeof e === 'string' && (ENVIRONMENTS as readonly string[]).includes(e);

/** Why a locked service's environment refuses a new deployment (plain text: shown under a form field). */
export function lockedMessage(l: Lock): string {
  const by = l.deploymentId ? ` by ${refOf(l.deploymentId)}` : '';
  const reason = l.reason.length > 120 ? `${l.reason.slice(0, 119)}…` : l.reason;
  return `${l.service.slice(0, 40)} in ${ENVIRONMENT_LABELS[l.environment]} is locked${by}: ${reason}. /deploy list says who can release it.`.slice(
    0,
    300,
  );
}

/**
 * Role → the user groups the configuration names for it that stand for nobody
 * (Slack does not know them, or knows no members), so the form can say why a role is empty.
 */
export function emptyGroupsOf(
  settings: Settings | null,
  roles: ReadonlyArray<{ role: string }>,
  expandUsers: (entries: readonly string[]) => string[],
): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const { role } of roles) {
    const groups = (settings?.approvers[role] ?? []).filter((e) => !/^[UW]/.test(e) && expandUsers([e]).length === 0);
    if (groups.length) out[role] = groups;
  }
  return out;
}

/**
 * Starting a deployment: the one door for every entry point. Resolves the
 * request against the team configuration (its settings for the service and
 * environment, what it locks, the services it allows, the ops channel, where
 * the deployment lives), asks `may` who may deploy and be the deployer, and
 * creates it in one transaction with the lock check.
 */
export function createStartUseCase({
  repos,
  clock,
  deployments,
  rollback,
  team,
  templates,
  expandUsers,
  calendar,
}: StartUseCaseDeps) {
  /** The merged settings for a service in an environment; null when none (or not both given). */
  const settingsOf = (service: string | undefined, environment: Environment | undefined) =>
    service && environment ? team.settingsFor(service, environment) : null;

  /** The template a request gets: the configuration's when it locks it, else the one chosen, else the configured one, else the default. */
  function templateOf(settings: Settings | null, chosen: string | undefined) {
    const configured = settings?.templateId && templates.get(settings.templateId) ? settings.templateId : undefined;
    const locked = settings?.locked.includes('template');
    return (locked ? configured : undefined) ?? chosen ?? configured ?? templates.defaultId;
  }

  /** Records a refused start in the audit trail (no deployment exists to hold it). */
  function recordRefusal(actor: string, service: string, environment: Environment, reason: string) {
    repos.audit.record({
      at: clock.now(),
      actor,
      type: 'refused',
      subject: `start ${service}/${environment}`,
      data: { action: 'start', service, environment, reason },
    });
  }

  /** The service the request names (canonical: a configured one when it is one canonically), its environment and settings. */
  function targetOf(request: Pick<StartRequest, 'service' | 'environment'>) {
    const environment = isEnvironment(request.environment) ? request.environment : undefined;
    // One name, one service: a typed name that is a configured one canonically IS that service.
    const service = request.service.trim() ? resolveName(team.services, request.service) : '';
    return { service, environment, settings: settingsOf(service, environment) };
  }

  /** The deploy channel a request gets: the configured one (or the one chosen, unless the configuration locks channels), else where it was made. */
  function deployChannelOf(request: StartRequest, settings: Settings | null = targetOf(request).settings) {
    return settings?.deployChannel
      ? (settings.locked.includes('channels') ? null : request.channelId) || settings.deployChannel
      : request.requestChannelId;
  }

  return {
    settingsOf,
    templateOf,
    deployChannelOf,

    /**
     * Starts a deployment for `actor`. With `viewId` (one form's submission),
     * a repeated submission returns the deployment the first one started.
     * Never throws for what the person can fix: that comes back as field errors.
     */
    start(request: StartRequest, actor: string, viewId?: string): StartOutcome {
      const { service, environment, settings } = targetOf(request);
      const disguised = (
        [
          ['service', request.service],
          ['version', request.version],
          ['branch', request.branch ?? ''],
        ] as const
      ).filter(([, v]) => hasDisguisingCharacters(v));
      const locked = new Set(settings?.locked ?? []);
      const templateId = templateOf(settings, request.templateId);
      const template = templates.get(templateId);
      const roles = template?.approvals ?? [];
      if (disguised.length) {
        const errors: FieldErrors = Object.fromEntries(
          disguised.map(([f]) => [f, 'holds control or text-direction characters; type it plainly']),
        );
        return { ok: false, errors, roles };
      }
      if (team.services.length && !team.freeTextServices && service && !team.services.includes(service)) {
        return { ok: false, errors: { service: 'Choose one of the configured services' }, roles };
      }
      const approvers = Object.fromEntries(
        roles.map((r) => [
          r.role,
          locked.has('approvers') && settings
            ? expandUsers(settings.approvers[r.role] ?? [])
            : (request.approvers[r.role] ?? []),
        ]),
      );
      const channelId = deployChannelOf(request, settings);
      const announceChannelId =
        locked.has('channels') && settings ? settings.announceChannel : (request.announceChannelId ?? null);
      // Private stays private: a deployment in a private channel is announced only where its configuration says.
      if (
        announceChannelId &&
        announceChannelId !== settings?.announceChannel &&
        request.deployChannelKind &&
        request.deployChannelKind !== 'public'
      )
        return { ok: false, errors: { announceChannelId: PRIVATE_ANNOUNCE }, roles };
      const policy = environment ? deployments.policyFor({ service, environment }) : deployments.policy;
      const parsed = parseDeploymentInput(
        {
          service,
          version: request.version,
          environment: request.environment as never,
          type: request.type as never,
          templateId,
          windowStart: request.windowStart as number,
          windowEnd: request.windowEnd as number,
          deployerId: request.deployerId,
          approvers,
          channelId,
          announceChannelId,
          branch: request.branch ?? null,
          changes: request.changes ?? null,
          tickets: request.tickets ?? null,
          timings: request.timings ?? {},
        },
        {
          now: clock.now(),
          roles,
          emptyGroups: emptyGroupsOf(settings, roles, expandUsers),
          ...(template ? { offeredTimings: offeredTimingsFor(template, settings) } : {}),
          templateIds: templates.all().map((t) => t.id),
          deployerMayApprove: policy.deployerMayApprove,
        },
      );
      if (!parsed.ok || !template)
        return {
          ok: false,
          errors: parsed.ok ? { templateId: 'Choose one of the listed templates' } : parsed.errors,
          roles,
        };
      // The deploy calendar: outside its hours or in a freeze, refused with the next allowed slot, unless an emergency says why.
      const window = { start: parsed.input.windowStart, end: parsed.input.windowEnd };
      const outside = calendar.check(parsed.input.environment, window);
      const emergencyReason = request.emergency?.trim() || null;
      if (outside && emergencyReason === null)
        return {
          ok: false,
          errors: { windowStart: refusalText(outside, calendar.timeZone) },
          roles,
          refused: 'calendar',
          nextSlot: outside.next,
        };
      // The ops channel of the service's environment is recorded on the deployment: its start, issue, completion and rollback notices go there too.
      // Where it lives is the team's choice (a dedicated channel, or a thread: the default, left unrecorded).
      const input: DeploymentInput = {
        ...parsed.input,
        ...(settings?.opsChannel ? { opsChannelId: settings.opsChannel } : {}),
        ...(settings?.location === 'channel' ? { location: 'channel' as const } : {}),
        ...(outside && emergencyReason
          ? { emergency: { reason: emergencyReason.slice(0, 1000), calendar: outside.reason } }
          : {}),
      };
      const target = { service: input.service, environment: input.environment };
      try {
        const { deployment, created } = deployments.start(
          rollback.withReverses(input),
          planWithSettings(template, settings),
          actor,
          viewId,
          () => {
            const mayStart = may(target, 'deploy', actor, policy);
            if (!mayStart.allowed) throw new Refused('service', mayStart.reason, true);
            const mayRun = may(target, 'be_deployer', input.deployerId, policy);
            if (!mayRun.allowed) throw new Refused('deployerId', mayRun.reason, true);
            const lock = repos.locks.active(input.service, input.environment);
            if (lock) throw new Refused('service', lockedMessage(lock), false, lock);
          },
        );
        return { ok: true, deployment, created, overlapping: calendar.overlapping(deployment, window, deployment.id) };
      } catch (error) {
        if (!(error instanceof Refused)) throw error;
        if (error.recorded) recordRefusal(actor, input.service, input.environment, error.message);
        return {
          ok: false,
          errors: { [error.field]: error.message },
          roles,
          refused: error.recorded ? 'not_allowed' : 'locked',
          ...(error.lock ? { lock: error.lock } : {}),
        };
      }
    },
  };
}

export type StartUseCase = ReturnType<typeof createStartUseCase>;
