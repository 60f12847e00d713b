import { isOnlyPlaceholder, replacePlaceholders } from '../core/template/placeholders.js';
import type { Clock } from '../core/clock.js';
import type { Command } from '../core/deployment/decide.js';
import {
  ENVIRONMENT_LABELS,
  type Deployment,
  type DeploymentInput,
  type Environment,
} from '../core/deployment/types.js';
import { DomainError } from '../core/errors.js';
import { resolveName } from '../core/text.js';
import { may, participants, releasersOf } from '../core/policy/may.js';
import type { Lock } from '../storage/locks.js';
import type { Repositories } from '../storage/index.js';
import { writeTransaction } from '../storage/transaction.js';
import type { DeploymentService } from './deployments.js';

/** What the person rolling back decided in the one confirmation modal. */
export interface RollbackChoice {
  trigger: string;
  restore: string[];
  note: string;
}

export interface RollbackServiceDeps {
  repos: Repositories;
  clock: Clock;
  deployments: DeploymentService;
  /** Hand locks: how long they last (default 24 h, at most 7 days) and when their holder is reminded (default 60 min before). */
  handLocks?: { expiryHours: number; remindMinutesBefore: number };
  /** The configured services: a typed name that is one of them canonically is that service. */
  services?: readonly string[];
}

/** Who released a lock that lapsed, or that a cancelled deployment had allowed. */
export const LIFTOFF_RELEASE = 'liftoff';

const where = (service: string, environment: Environment) => `${service} in ${ENVIRONMENT_LABELS[environment]}`;

/**
 * Rolling a deployment back, and the environment locks that follow. Like the
 * deployment use cases: each call is one synchronous transaction; Slack and
 * the hook call come after (the hook as a scheduler job planned in it).
 */
export function createRollbackService({
  repos,
  clock,
  deployments,
  handLocks = { expiryHours: 24, remindMinutesBefore: 60 },
  services = [],
}: RollbackServiceDeps) {
  /** The version a rollback of `d` returns to: the latest completed deployment before it. */
  const previousOf = (d: Deployment) => repos.deployments.previousCompleted(d.service, d.environment, d.id) ?? null;

  /** Who may release (or change) a lock: `may`, with the deployment that took it. */
  function mayUnlock(lock: Lock, actor: string, change = false) {
    const d = lock.deploymentId ? repos.deployments.get(lock.deploymentId) : undefined;
    return may(
      lock,
      { type: 'unlock', lock: { lockedBy: lock.lockedBy, deployment: d ?? null }, change },
      actor,
      deployments.policyFor(lock),
    );
  }

  /** Records what an admin did to a lock (it is also told to the ops channel, by the caller). */
  function recordAdmin(lock: Lock, actor: string, what: string) {
    repos.audit.record({
      at: clock.now(),
      actor,
      type: 'admin',
      subject: `${what} ${lock.service}/${lock.environment}`,
      data: { action: what, service: lock.service, environment: lock.environment, lockedBy: lock.lockedBy },
    });
  }

  /**
   * Records a refused lock or unlock, then throws it: as a `refused` event of
   * the lock's deployment when it has one, else in the `audit` table (a lock
   * set by hand, or none yet).
   */
  function refuse(
    target: { service: string; environment: Environment; deploymentId: number | null },
    actor: string,
    what: string,
    message: string,
  ): never {
    if (target.deploymentId) {
      repos.deployments.change(
        target.deploymentId,
        () => [{ type: 'refused', action: what, reason: message }],
        actor,
        clock.now(),
      );
    } else {
      const subject = `${what} ${target.service}/${target.environment}`;
      repos.audit.record({
        at: clock.now(),
        actor,
        type: 'refused',
        subject,
        data: { action: what, service: target.service, environment: target.environment, reason: message },
      });
    }
    throw new DomainError('not_allowed', message);
  }

  return {
    /**
     * Before the confirmation modal opens: whether `actor` may roll `id` back
     * now (a refusal is recorded and thrown), and the version it returns to.
     */
    prepare(id: number, actor: string): { deployment: Deployment; previous: { id: number; version: string } | null } {
      const deployment = deployments.mayOpen(id, { type: 'start_rollback' }, actor);
      return { deployment, previous: previousOf(deployment) };
    },

    /**
     * The one decision: starts the rollback and locks the service's
     * environment, in one transaction. A second submission of the same modal
     * (`viewId`) changes nothing and returns `started: false`; a second person
     * racing gets the state machine's "already rolling back".
     */
    start(
      id: number,
      actor: string,
      choice: RollbackChoice,
      viewId?: string,
    ): { deployment: Deployment; started: boolean } {
      if (viewId && repos.submissions.find(viewId)) return { deployment: deployments.find(id), started: false };
      deployments.mayOpen(id, { type: 'start_rollback' }, actor); // a refusal is recorded outside the transaction below
      const now = clock.now();
      return writeTransaction(repos.db, () => {
        if (viewId && !repos.submissions.record(viewId, id, now))
          return { deployment: deployments.find(id), started: false };
        const before = deployments.find(id);
        const previous = previousOf(before);
        const command: Command = { type: 'start_rollback', ...choice, toVersion: previous?.version ?? null };
        const deployment = deployments.act(id, command, actor);
        const to = previous ? ` to ${previous.version}` : '';
        repos.locks.lock({
          service: deployment.service,
          environment: deployment.environment,
          reason:
            `${deployment.ref} is rolling back ${deployment.version}${to}${isOnlyPlaceholder(choice.trigger) ? '' : `: ${replacePlaceholders(choice.trigger, () => '…')}`}`.slice(
              0,
              500,
            ),
          deploymentId: id,
          lockedBy: actor,
          lockedAt: now,
        });
        return { deployment, started: true };
      })();
    },

    complete(id: number, actor: string): Deployment {
      return deployments.act(id, { type: 'complete_rollback' }, actor);
    },

    fail(id: number, actor: string, note: string): Deployment {
      return deployments.act(id, { type: 'fail_rollback', note }, actor);
    },

    /** A deployment of type Rollback names the deployment it reverses: the latest one of its service's environment that went out. */
    withReverses(input: DeploymentInput): DeploymentInput {
      if (input.type !== 'rollback') return input;
      const latest = repos.deployments.latestUnderway(input.service, input.environment);
      return latest ? { ...input, reverses: latest.id } : input;
    },

    lockOf(service: string, environment: Environment): Lock | undefined {
      return repos.locks.active(service, environment);
    },

    locks(): Lock[] {
      return repos.locks.listActive();
    },

    /**
     * Locks by hand, or changes the reason of the active lock (the people who may release it).
     * Only those allowed to deploy the service's environment (or admins) may lock; the lock
     * needs a reason and lapses after `handLocks.expiryHours`.
     */
    lock(
      typed: string,
      environment: Environment,
      reason: string,
      actor: string,
    ): { lock: Lock; created: boolean; admin: boolean } {
      const service = resolveName(services, typed);
      const target = { service, environment };
      const current = repos.locks.active(service, environment);
      if (current) {
        const p = mayUnlock(current, actor, true);
        if (!p.allowed) refuse(current, actor, 'change the lock of', p.reason);
      }
      const active = repos.deployments.activeOf(service, environment);
      const p = may(target, { type: 'lock', active }, actor, deployments.policyFor(target));
      if (!current && !p.allowed) refuse({ ...target, deploymentId: null }, actor, 'lock', p.reason);
      if (!reason.trim())
        throw new DomainError(
          'invalid_input',
          `Say why, for example \`/deploy lock ${service} ${environment} database migration running\`.`,
        );
      const now = clock.now();
      // The deployment whose deployer or approver this person is: cancelling it releases the lock.
      const via = p.allowed && p.as === 'participant' ? active.find((d) => participants(d).has(actor)) : undefined;
      const admin = p.allowed && p.as === 'admin';
      return writeTransaction(repos.db, () => {
        const still = repos.locks.active(service, environment);
        if (still?.id === current?.id && still) {
          repos.locks.editReason(still.id, reason);
          return { lock: { ...still, reason }, created: false, admin: false };
        }
        if (still)
          throw new DomainError(
            'not_now',
            `${where(service, environment)} was just locked by someone else; try again.`,
          );
        const hours = Math.min(handLocks.expiryHours, MAX_HAND_LOCK_HOURS);
        const made = repos.locks.lock({
          service,
          environment,
          reason,
          deploymentId: null,
          lockedBy: actor,
          lockedAt: now,
          expiresAt: now + hours * 3600_000,
          viaDeploymentId: via?.id ?? null,
        });
        if (admin) recordAdmin(made.lock, actor, 'lock');
        return { ...made, admin };
      })();
    },

    /** Releases the lock; `admin`: only an admin's right allowed it (recorded here, told to the ops channel by the caller). */
    unlock(typed: string, environment: Environment, actor: string): Lock & { admin?: boolean } {
      const service = resolveName(services, typed);
      const current = repos.locks.active(service, environment);
      if (!current) throw new DomainError('already_done', `${where(service, environment)} is not locked.`);
      const p = mayUnlock(current, actor);
      if (!p.allowed) refuse(current, actor, 'unlock', p.reason);
      const admin = p.as === 'admin';
      writeTransaction(repos.db, () => {
        repos.locks.release(service, environment, actor, clock.now());
        if (admin) recordAdmin(current, actor, 'unlock');
      })();
      return { ...current, ...(admin ? { admin } : {}) };
    },

    /** Who may release a lock, in words (for /deploy list); `hidden`: without naming the deployment that took it. */
    whoMayRelease(lock: Lock, hidden = false): string {
      const policy = deployments.policyFor(lock);
      const d = lock.deploymentId ? repos.deployments.get(lock.deploymentId) : undefined;
      return releasersOf(lock, d ?? null, policy, hidden);
    },

    /** The deployments a lock tells of: the one that took it (a rollback) and the one that allowed its holder to take it. */
    deploymentsOf(lock: Lock): Deployment[] {
      return [lock.deploymentId, lock.viaDeploymentId]
        .filter((id): id is number => typeof id === 'number')
        .map((id) => repos.deployments.get(id))
        .filter((d): d is Deployment => d !== undefined);
    },

    /**
     * Within a change's transaction: a cancelled deployment releases the hand
     * locks it allowed its people to take. Returns them.
     */
    releaseTakenVia(d: Deployment, events: readonly { type: string }[], now: number): Lock[] {
      if (!events.some((e) => e.type === 'cancelled')) return [];
      const locks = repos.locks.takenVia(d.id);
      for (const l of locks) repos.locks.releaseLock(l.id, LIFTOFF_RELEASE, now);
      return locks;
    },

    /** Hand locks that lapsed by `now` (released here), and those whose holder is to be reminded now (marked here). */
    lapse(now: number): { lapsed: Lock[]; remind: Lock[] } {
      return writeTransaction(repos.db, () => {
        const lapsed = repos.locks.lapsed(now).filter((l) => repos.locks.releaseLock(l.id, LIFTOFF_RELEASE, now));
        const before = handLocks.remindMinutesBefore * 60_000;
        const remind =
          before > 0
            ? repos.locks
                .unreminded(now)
                .filter((l) => l.expiresAt! - before <= now && repos.locks.markReminded(l.id, now))
            : [];
        return { lapsed, remind };
      })();
    },
  };
}

/** A lock set by hand lasts at most 7 days. */
export const MAX_HAND_LOCK_HOURS = 24 * 7;

export type RollbackService = ReturnType<typeof createRollbackService>;
