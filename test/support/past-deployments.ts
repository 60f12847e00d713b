import { createdEvent } from '../../src/core/deployment/create.js';
import type { DeploymentEvent } from '../../src/core/deployment/events.js';
import type { Outcome } from '../../src/core/deployment/history.js';
import type { Environment } from '../../src/core/deployment/types.js';
import type { Repositories } from '../../src/storage/index.js';
import { deploymentInput, HOUR, MIN, template, USERS } from '../core/fixtures.js';

export const OUTCOMES: readonly Outcome[] = ['completed', 'rolled_back', 'cancelled', 'rollback_failed'];

export interface PastOptions {
  /** The first one's window starts here; each next one a day later. */
  from: number;
  service?: (i: number) => string;
  environment?: (i: number) => Environment;
  outcome?: (i: number) => Outcome;
  channelId?: string;
  deployerId?: string;
}

/**
 * `n` finished deployments written through the storage layer (no rules
 * applied, as a long-lived database would hold them): each starts its first
 * phase at its window and ends 30 min (+ i min) later with its outcome.
 */
export function seedPastDeployments(repos: Repositories, n: number, o: PastOptions): number[] {
  // One transaction for all (each change nests as a savepoint): a thousand fsyncs would take seconds.
  return repos.db.transaction(() => seed(repos, n, o))();
}

function seed(repos: Repositories, n: number, o: PastOptions): number[] {
  const ids: number[] = [];
  const phase = template.phases[0]!.id;
  for (let i = 0; i < n; i++) {
    const start = o.from + i * 24 * HOUR;
    const input = deploymentInput({
      service: o.service?.(i) ?? 'web',
      environment: o.environment?.(i) ?? 'production',
      version: `1.${i}.0`,
      windowStart: start,
      windowEnd: start + 4 * HOUR,
      ...(o.channelId ? { channelId: o.channelId } : {}),
      ...(o.deployerId ? { deployerId: o.deployerId } : {}),
    });
    const d = repos.deployments.create(createdEvent(input, template), USERS.deployer, start - HOUR);
    const outcome = o.outcome?.(i) ?? OUTCOMES[i % OUTCOMES.length]!;
    const end = start + (30 + i) * MIN;
    if (outcome === 'cancelled') {
      repos.deployments.change(d.id, () => [{ type: 'cancelled', reason: 'window moved' }], USERS.deployer, end);
    } else {
      repos.deployments.change(d.id, () => [{ type: 'phase_started', phaseId: phase }], USERS.deployer, start);
      const rollback: DeploymentEvent = {
        type: 'rollback_started',
        trigger: 'errors',
        restore: ['code'],
        note: '',
        fromVersion: input.version,
        toVersion: null,
      };
      const last: DeploymentEvent[] =
        outcome === 'completed'
          ? [{ type: 'completed' }]
          : [
              rollback,
              outcome === 'rolled_back'
                ? { type: 'rollback_completed' }
                : { type: 'rollback_failed', note: 'database restore failed' },
            ];
      repos.deployments.change(d.id, () => last, USERS.deployer, end);
    }
    ids.push(d.id);
  }
  return ids;
}

/**
 * `n` scheduled deployments written through the storage layer, the i-th of `service-i` version
 * `3.i.0`, its window from `now` + i + 1 hours, by `deployerId`, waiting on `approvers`, in
 * `channelId(i)`.
 */
export function seedScheduled(
  repos: Repositories,
  n: number,
  o: { now: number; deployerId: string; approvers: Record<string, string[]>; channelId: (i: number) => string },
): void {
  repos.db.transaction(() => {
    for (let i = 0; i < n; i++) {
      const input = deploymentInput({
        service: `service-${i}`,
        version: `3.${i}.0`,
        windowStart: o.now + (i + 1) * HOUR,
        windowEnd: o.now + (i + 3) * HOUR,
        deployerId: o.deployerId,
        approvers: o.approvers,
        channelId: o.channelId(i),
      });
      repos.deployments.create(createdEvent(input, template), o.deployerId, o.now);
    }
  })();
}
