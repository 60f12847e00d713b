import { isOnlyPlaceholder } from '../core/template/placeholders.js';
import type { Clock } from '../core/clock.js';
import type { Command } from '../core/deployment/decide.js';
import { ENVIRONMENT_LABELS, type Deployment, type DeploymentInput, type Environment } from '../core/deployment/types.js';
import { DomainError } from '../core/errors.js';
import type { Lock } from '../storage/locks.js';
import type { Repositories } from '../storage/index.js';
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
}

const CHECK_START: Command = { type: 'start_rollback', trigger: '-', restore: [], note: '', toVersion: null };

const where = (service: string, environment: Environment) => `${service} in ${ENVIRONMENT_LABELS[environment]}`;

/**
 * Rolling a deployment back, and the environment locks that follow. Like the
 * deployment use cases: each call is one synchronous transaction; Slack and
 * the hook call come after (the hook as a scheduler job planned in it).
 */
export function createRollbackService({ repos, clock, deployments }: RollbackServiceDeps) {
  /** The version a rollback of `d` returns to: the latest completed deployment before it. */
  const previousOf = (d: Deployment) => repos.deployments.previousCompleted(d.service, d.environment, d.id) ?? null;

  /** Leads may release a rollback's lock: the approvers of roles whose id or name says "lead". */
  function mayUnlock(lock: Lock, actor: string): boolean {
    if (lock.lockedBy === actor) return true;
    if (deployments.policyFor(lock).rollbackUsers.includes(actor)) return true;
    const d = lock.deploymentId ? repos.deployments.get(lock.deploymentId) : undefined;
    if (!d) return false;
    if (d.deployerId === actor) return true;
    const leads = d.plan.approvals.filter((a) => /lead/i.test(a.role) || /lead/i.test(a.label));
    return leads.some((a) => (d.approvers[a.role] ?? []).includes(actor));
  }

  /** Who may lock by hand: the people named for rollbacks, and those named on an active deployment of that service's environment. */
  function mayLock(service: string, environment: Environment, actor: string): boolean {
    if (deployments.policyFor({ service, environment }).rollbackUsers.includes(actor)) return true;
    return repos.deployments
      .listActive()
      .some((d) => d.service === service && d.environment === environment && (d.deployerId === actor || Object.values(d.approvers).flat().includes(actor)));
  }

  /**
   * Records a refused lock or unlock, then throws it: as a `refused` event of
   * the lock's deployment when it has one, else in the `audit` table (a lock
   * set by hand, or none yet).
   */
  function refuse(target: { service: string; environment: Environment; deploymentId: number | null }, actor: string, what: string, message: string): never {
    if (target.deploymentId) {
      repos.deployments.change(target.deploymentId, () => [{ type: 'refused', action: what, reason: message }], actor, clock.now());
    } else {
      const subject = `${what} ${target.service}/${target.environment}`;
      repos.audit.record({ at: clock.now(), actor, type: 'refused', subject, data: { action: what, service: target.service, environment: target.environment, reason: message } });
    }
    throw new DomainError('not_allowed', message);
  }

  function refuseUnlock(lock: Lock, actor: string, what: string): never {
    const message = `Only whoever locked ${where(lock.service, lock.environment)}, the deployer or a lead approver of the locking deployment, or the people named for rollbacks can ${what} it.`;
    refuse(lock, actor, what, message);
  }

  return {
    /**
     * Before the confirmation modal opens: whether `actor` may roll `id` back
     * now (a refusal is recorded and thrown), and the version it returns to.
     */
    prepare(id: number, actor: string): { deployment: Deployment; previous: { id: number; version: string } | null } {
      const deployment = deployments.check(id, CHECK_START, actor);
      return { deployment, previous: previousOf(deployment) };
    },

    /**
     * The one decision: starts the rollback and locks the service's
     * environment, in one transaction. A second submission of the same modal
     * (`viewId`) changes nothing and returns `started: false`; a second person
     * racing gets the state machine's "already rolling back".
     */
    start(id: number, actor: string, choice: RollbackChoice, viewId?: string): { deployment: Deployment; started: boolean } {
      if (viewId && repos.submissions.find(viewId)) return { deployment: deployments.find(id), started: false };
      deployments.check(id, CHECK_START, actor); // a refusal is recorded outside the transaction below
      const now = clock.now();
      return repos.db.transaction(() => {
        if (viewId && !repos.submissions.record(viewId, id, now)) return { deployment: deployments.find(id), started: false };
        const before = deployments.find(id);
        const previous = previousOf(before);
        const command: Command = { type: 'start_rollback', ...choice, toVersion: previous?.version ?? null };
        const deployment = deployments.act(id, command, actor);
        const to = previous ? ` to ${previous.version}` : '';
        repos.locks.lock({
          service: deployment.service,
          environment: deployment.environment,
          reason: `${deployment.ref} is rolling back ${deployment.version}${to}${isOnlyPlaceholder(choice.trigger) ? '' : `: ${choice.trigger}`}`.slice(0, 500),
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

    /** Locks by hand, or changes the reason of the active lock (same people as unlocking). */
    lock(service: string, environment: Environment, reason: string, actor: string): { lock: Lock; created: boolean } {
      const current = repos.locks.active(service, environment);
      if (current && !mayUnlock(current, actor)) refuseUnlock(current, actor, 'change the lock of');
      if (!current && !mayLock(service, environment, actor)) {
        const message = `Only the people named for rollbacks, or the deployer and approvers of a deployment of ${where(service, environment)} under way, can lock it.`;
        refuse({ service, environment, deploymentId: null }, actor, 'lock', message);
      }
      return repos.db.transaction(() => {
        const still = repos.locks.active(service, environment);
        if (still?.id === current?.id && still) {
          repos.locks.editReason(still.id, reason);
          return { lock: { ...still, reason }, created: false };
        }
        if (still) throw new DomainError('not_now', `${where(service, environment)} was just locked by someone else; try again.`);
        return repos.locks.lock({ service, environment, reason, deploymentId: null, lockedBy: actor, lockedAt: clock.now() });
      })();
    },

    unlock(service: string, environment: Environment, actor: string): Lock {
      const current = repos.locks.active(service, environment);
      if (!current) throw new DomainError('already_done', `${where(service, environment)} is not locked.`);
      if (!mayUnlock(current, actor)) refuseUnlock(current, actor, 'unlock');
      repos.locks.release(service, environment, actor, clock.now());
      return current;
    },
  };
}

export type RollbackService = ReturnType<typeof createRollbackService>;
