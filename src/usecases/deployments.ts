import type { Clock } from '../core/clock.js';
import { createdEvent } from '../core/deployment/create.js';
import {
  decide,
  DEFAULT_POLICY,
  requireOpen,
  type Command,
  type CommandType,
  type Opening,
  type Policy,
} from '../core/deployment/decide.js';
import type { DeploymentEvent } from '../core/deployment/events.js';
import {
  deliveryStatsOf,
  homeStats,
  type DeliveryFacts,
  type DeliveryStats,
  type HomeStats,
} from '../core/deployment/stats.js';
import {
  HISTORY_PAGE_SIZE,
  HISTORY_STATUSES,
  pageWindow,
  type HistoryFilter,
  type HistoryPage,
} from '../core/deployment/history.js';
import type { Listing } from '../core/deployment/listing.js';
import { needAt, waitingFor, type DeployerNeed } from '../core/deployment/waiting.js';
import type { Deployment, DeploymentInput } from '../core/deployment/types.js';
import { DomainError, isDomainError } from '../core/errors.js';
import type { Template } from '../core/template/schema.js';
import type { Repositories } from '../storage/index.js';
import { writeTransaction } from '../storage/transaction.js';

/** The actor of what Liftoff itself records (its dedicated channel), in the audit trail. */
const SYSTEM_ACTOR = 'liftoff';

/** The period App Home's delivery stats look back over, in days. */
export const HOME_STATS_DAYS = 30;

/** What a deployment's policy depends on. */
export type PolicyTarget = Pick<Deployment, 'service' | 'environment'>;

export interface DeploymentServiceDeps {
  repos: Repositories;
  clock: Clock;
  policy?: Policy;
  /** The policy of one deployment (its service and environment); `policy` for all when absent. */
  policyFor?: (d: PolicyTarget) => Policy;
  /** Called after every committed change, outside the transaction (redraws Slack), with who made it. */
  onChange?: (deployment: Deployment, events: DeploymentEvent[], actor: string) => void;
  /**
   * Called inside the transaction of every change, after its events are
   * stored: work that must commit together with them (e.g. planning the
   * messages the change promises). Must be synchronous and must not call Slack.
   */
  withinChange?: (deployment: Deployment, events: DeploymentEvent[], now: number) => void;
}

/**
 * The use cases of a deployment. A button, a slash command and the scheduler
 * all come through here: each call is one fast transaction, then `onChange`.
 */
export function createDeploymentService({
  repos,
  clock,
  policy = DEFAULT_POLICY,
  policyFor = () => policy,
  onChange,
  withinChange,
}: DeploymentServiceDeps) {
  /**
   * What App Home's stats are drawn from (the past deployments' facts) and what they gave the team
   * and each person, drawn at most once a minute and again after a change to a past deployment
   * (only those are measured).
   */
  let homeStatsSource:
    | { minute: number; ds: DeliveryFacts[]; team: DeliveryStats; byUser: Map<string, HomeStats> }
    | undefined;
  /**
   * The approvals each person may give on each active deployment, as decided on its snapshot at
   * one revision (they change only with the snapshot; the policy is the configuration's): an
   * approver named on thousands of deployments opens Home without their snapshots being read.
   */
  const approvalsDecided = new Map<
    number,
    { revision: number; byUser: Map<string, Array<{ role: string; label: string }>> }
  >();
  /** The period's facts as last read, by deployment and revision. */
  let factsKept: ReadonlyMap<number, { revision: number; facts: DeliveryFacts }> = new Map();
  const past: ReadonlySet<string> = new Set(HISTORY_STATUSES);
  const notify = (d: Deployment, events: DeploymentEvent[], actor: string) => {
    if (events.length) {
      if (past.has(d.status)) homeStatsSource = undefined;
      onChange?.(d, events, actor);
    }
  };

  /**
   * Reads the period's facts: only the past deployments changed or new since the last read are read
   * again (a change written by another process included), not the period's thousands each time.
   */
  function readPeriodFacts(now: number) {
    factsKept = repos.deployments.factsKept({}, now - HOME_STATS_DAYS * 86_400_000, now, factsKept);
  }

  /** The period's facts and the team's measures, read again at most once a minute (only what changed). */
  function periodStats(now: number) {
    const minute = Math.floor(now / 60_000);
    if (homeStatsSource?.minute !== minute) {
      readPeriodFacts(now);
      const ds = [...factsKept.values()].map((k) => k.facts);
      homeStatsSource = { minute, ds, team: deliveryStatsOf(ds, HOME_STATS_DAYS, now), byUser: new Map() };
    }
    return homeStatsSource;
  }

  function recordingRefusals<T>(id: number, action: CommandType, actor: string, run: () => T): T {
    try {
      return run();
    } catch (error) {
      if (isDomainError(error) && error.code === 'not_allowed') {
        repos.deployments.change(id, () => [{ type: 'refused', action, reason: error.message }], actor, clock.now());
      }
      throw error;
    }
  }

  /** One change in one transaction, with the work planned inside it (`withinChange`); undefined when `id` is unknown. */
  const changeWithin = writeTransaction(
    repos.db,
    (id: number, decideEvents: (d: Deployment) => DeploymentEvent[], actor: string, now: number) => {
      const changed = repos.deployments.change(id, decideEvents, actor, now);
      if (changed?.events.length) withinChange?.(changed.deployment, changed.events, now);
      return changed;
    },
  );
  function commit(id: number, decideEvents: (d: Deployment) => DeploymentEvent[], actor: string) {
    return changeWithin(id, decideEvents, actor, clock.now());
  }

  function find(id: number): Deployment {
    const d = repos.deployments.get(id);
    if (!d) throw new DomainError('not_found', 'That deployment no longer exists.');
    return d;
  }

  return {
    policy,
    policyFor,
    find,

    findByRef(ref: string): Deployment {
      const d = repos.deployments.getByRef(ref);
      if (!d)
        throw new DomainError(
          'not_found',
          `There is no deployment ${ref.slice(0, 20).toUpperCase() || '(none given)'}. Try /deploy list.`,
        );
      return d;
    },

    /**
     * Creates a deployment. With `viewId`, a second submission of the same
     * modal returns the first deployment instead of creating another. `guard`
     * runs inside the transaction, before the creation, and may throw to refuse
     * it (the start use case's permission and lock checks: usecases/start.ts).
     */
    start(
      input: DeploymentInput,
      plan: Template,
      actor: string,
      viewId?: string,
      guard?: () => void,
    ): { deployment: Deployment; created: boolean } {
      const now = clock.now();
      const event = createdEvent(input, plan);
      const result = writeTransaction(repos.db, () => {
        if (viewId) {
          const seen = repos.submissions.find(viewId);
          if (seen?.deploymentId) return { deployment: find(seen.deploymentId), created: false };
        }
        guard?.();
        const deployment = repos.deployments.create(event, actor, now);
        if (viewId) repos.submissions.record(viewId, deployment.id, now);
        withinChange?.(deployment, [event], now);
        return { deployment, created: true };
      })();
      if (result.created) notify(result.deployment, [event], actor);
      return result;
    },

    /** Runs a command through the state machine; refusals are kept in the audit trail and rethrown. */
    act(id: number, command: Command, actor: string): Deployment {
      const result = recordingRefusals(id, command.type, actor, () =>
        commit(id, (d) => decide(d, command, actor, policyFor(d)), actor),
      );
      if (!result) throw new DomainError('not_found', 'That deployment no longer exists.');
      notify(result.deployment, result.events, actor);
      return result.deployment;
    },

    /**
     * Records what became of a deployment's dedicated channel (created, or
     * given up on). The first answer wins: a second one records nothing.
     */
    recordRoom(
      id: number,
      event: Extract<DeploymentEvent, { type: 'room_opened' | 'room_failed' }>,
    ): Deployment | undefined {
      const result = commit(id, (d) => (d.room ? [] : [event]), SYSTEM_ACTOR);
      if (result) notify(result.deployment, result.events, SYSTEM_ACTOR);
      return result?.deployment;
    },

    /** Records what a health-check run found (`healthRunEvents`), as Liftoff's own; undefined when `id` is unknown. */
    recordHealthChecks(id: number, decideEvents: (d: Deployment) => DeploymentEvent[]): Deployment | undefined {
      const result = commit(id, decideEvents, SYSTEM_ACTOR);
      if (result) notify(result.deployment, result.events, SYSTEM_ACTOR);
      return result?.deployment;
    },

    /** The deployments not yet finished as lists and App Home read them (no snapshot), soonest window first. */
    activeListing(): readonly Listing[] {
      return repos.deployments.activeListing();
    },

    /** The snapshots of listed deployments (a list's or App Home's shown lines), in their order. */
    shown(ls: readonly Listing[]): Deployment[] {
      return ls.flatMap((l) => repos.deployments.at(l.id, l.revision) ?? []);
    },

    /**
     * What is waiting for `user` among `listed` (the active deployments they may see), soonest first:
     * the approvals they can give, decided on the snapshots of those naming them (`waitingFor`, with
     * each one's policy) once per revision and person, and their own deployments that need them
     * now, from the listing's timelines.
     */
    waitingFor(
      user: string,
      listed: readonly Listing[],
      now: number,
    ): {
      approvals: Array<{ listing: Listing; role: string; label: string }>;
      deployments: Array<{ listing: Listing; need: DeployerNeed }>;
    } {
      // Plain loops: App Home asks this of every active listing (2,000 at a large organisation) per open.
      const approvals: Array<{ listing: Listing; role: string; label: string }> = [];
      const deployments: Array<{ listing: Listing; need: DeployerNeed }> = [];
      for (const listing of listed) {
        if (listing.deployerId === user) {
          const need = needAt(listing.needs, now);
          if (need) deployments.push({ listing, need });
        }
        if (!listing.approvers.includes(user)) continue;
        let known = approvalsDecided.get(listing.id);
        if (known?.revision !== listing.revision) {
          known = { revision: listing.revision, byUser: new Map() };
          approvalsDecided.set(listing.id, known);
        }
        let mine = known.byUser.get(user);
        if (!mine) {
          const d = repos.deployments.at(listing.id, listing.revision);
          mine = d ? waitingFor(user, [d], now, policyFor).approvals.map(({ role, label }) => ({ role, label })) : [];
          known.byUser.set(user, mine);
        }
        for (const a of mine) approvals.push({ listing, ...a });
      }
      // Deployments no longer listed (finished) leave the memo.
      if (approvalsDecided.size > 2 * listed.length + 100) {
        const ids = new Set(listed.map((l) => l.id));
        for (const id of approvalsDecided.keys()) if (!ids.has(id)) approvalsDecided.delete(id);
      }
      return { approvals, deployments };
    },

    /** One page (from 1; clamped to those that exist) of past deployments, newest first. */
    history(filter: HistoryFilter, page: number): HistoryPage {
      const { total } = repos.deployments.history(filter, 0, 0);
      const at = pageWindow(total, page);
      const { deployments } = repos.deployments.history(filter, HISTORY_PAGE_SIZE, at.offset);
      return { filter, page: at.page, pages: at.pages, total, deployments };
    },

    /** The delivery measures over the last `days` days (deployments whose window started then). */
    stats(filter: HistoryFilter, days: number): DeliveryStats {
      const now = clock.now();
      return deliveryStatsOf(repos.deployments.factsBetween(filter, now - days * 86_400_000, now), days, now);
    },

    /**
     * App Home's measures over the last `HOME_STATS_DAYS` days: the team's and
     * those of the services `user` deployed. Home is opened often: the period's
     * facts are read once a minute (and after each change made here to a past deployment).
     */
    homeStats(user: string): HomeStats {
      const now = clock.now();
      const { ds, team, byUser } = periodStats(now);
      let stats = byUser.get(user);
      if (!stats) byUser.set(user, (stats = homeStats(ds, user, HOME_STATS_DAYS, now, team)));
      return stats;
    },

    /**
     * Reads the period's facts for App Home ahead of its first open (at start, once the messages are
     * checked): the first person to open Home then waits for none of the thirty days read cold.
     */
    warmHomeStats(): void {
      // The facts only: the measures are drawn at the first open, from the facts changed since read again.
      readPeriodFacts(clock.now());
    },

    /** Every event of a deployment with its link in the chain, oldest first (the full record). */
    record(id: number) {
      return repos.deployments.chained(id);
    },

    /** Where a part of the deployment is shown in Slack, once posted. */
    messageOf(id: number, key: string) {
      return repos.messages.find(id, key);
    },

    /**
     * Before a form opens: whether `actor` may submit it now (`may` and the
     * state, as `decide` will check them), changing nothing. A refusal is
     * still recorded in the audit trail, and thrown.
     */
    mayOpen(id: number, opening: Opening, actor: string): Deployment {
      const d = find(id);
      recordingRefusals(id, opening.type, actor, () => requireOpen(d, opening, actor, policyFor(d)));
      return d;
    },
  };
}

export type DeploymentService = ReturnType<typeof createDeploymentService>;
