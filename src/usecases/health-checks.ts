import type { Clock } from '../core/clock.js';
import { healthCheckRefusal, runnableChecks } from '../core/deployment/health-checks.js';
import { DomainError } from '../core/errors.js';
import { may } from '../core/policy/may.js';
import { requestedRun } from '../core/schedule/health-checks.js';
import type { Repositories } from '../storage/index.js';
import { writeTransaction } from '../storage/transaction.js';
import type { DeploymentService } from './deployments.js';

export interface HealthCheckUseCaseDeps {
  repos: Repositories;
  clock: Clock;
  service: DeploymentService;
  /** Called once a run is planned (a scheduler tick runs it). */
  onPlanned?: () => void;
}

/**
 * The *Run health checks* button's use case: whoever may confirm the
 * deployment's items asks for a run while it can be checked; the run is a
 * scheduler job (`health_checks`), made after the answer to Slack, whose
 * result follows in the thread (src/hooks/health-checks.ts).
 */
export function createHealthCheckUseCase({ repos, clock, service, onPlanned }: HealthCheckUseCaseDeps) {
  return {
    /** Plans a run asked for by `actor`; returns how many checks it makes. Refusals are recorded and thrown. */
    request(id: number, actor: string): { checks: number } {
      const d = service.find(id);
      const p = may(d, 'confirm', actor, service.policyFor(d));
      if (!p.allowed) {
        const reason = `Only the deployer and the approvers named on ${d.ref} can run its health checks.`;
        repos.deployments.change(
          id,
          () => [{ type: 'refused', action: 'run_health_checks', reason }],
          actor,
          clock.now(),
        );
        throw new DomainError('not_allowed', reason);
      }
      const refusal = healthCheckRefusal(d);
      if (refusal) throw new DomainError('not_now', refusal);
      const now = clock.now();
      writeTransaction(repos.db, () => {
        const running = repos.jobs
          .ofDeployment(id)
          .some(
            (j) => j.kind === 'health_checks' && j.payload.by && (j.status === 'pending' || j.status === 'sending'),
          );
        if (running)
          throw new DomainError(
            'already_done',
            'The health checks are already running: their result follows in the thread.',
          );
        repos.jobs.plan([requestedRun(d, actor, now)], now);
      })();
      onPlanned?.();
      return { checks: runnableChecks(d.plan).length };
    },
  };
}

export type HealthCheckUseCase = ReturnType<typeof createHealthCheckUseCase>;
