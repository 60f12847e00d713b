import { describe, expect, it } from 'vitest';
import { createdEvent } from '../../src/core/deployment/create.js';
import { createRepositories } from '../../src/storage/index.js';
import { deploymentInput, T0, template, USERS } from '../core/fixtures.js';
import { useTempDatabases } from '../storage/helpers.js';

const temp = useTempDatabases();

function setup() {
  const file = temp.file();
  const repos = createRepositories(temp.open(file));
  const d = repos.deployments.create(createdEvent(deploymentInput(), template), USERS.deployer, T0);
  const job = (key: string, dueAt: number) => ({
    key,
    deploymentId: d.id,
    kind: 'announcement' as const,
    dueAt,
    payload: { target: 'announce' as const },
  });
  return { file, repos, d, job };
}

describe('the job table', () => {
  it('planning the same key twice is a no-op', () => {
    const { repos, job } = setup();
    expect(repos.jobs.plan([job('a', T0)], T0)).toBe(1);
    expect(repos.jobs.plan([job('a', T0 + 5)], T0)).toBe(0);
    expect(repos.jobs.withStatus('pending').map((j) => j.dueAt)).toEqual([T0]);
  });

  it('a due job is claimed once, even by two connections (two processes) at the same time', () => {
    const { file, repos, job } = setup();
    repos.jobs.plan([job('a', T0), job('b', T0 + 1), job('later', T0 + 1000)], T0);
    const other = createRepositories(temp.open(file));
    const first = repos.jobs.claimDue(T0 + 10);
    const second = other.jobs.claimDue(T0 + 10);
    expect(first.map((j) => [j.key, j.status, j.attempts, j.claimedAt])).toEqual([
      ['a', 'sending', 1, T0 + 10],
      ['b', 'sending', 1, T0 + 10],
    ]);
    expect(second).toEqual([]);
  });

  it('a released job comes back due later; a finished one never', () => {
    const { repos, job } = setup();
    repos.jobs.plan([job('a', T0)], T0);
    const [a] = repos.jobs.claimDue(T0);
    expect(repos.jobs.release(a!.id, T0 + 30_000, 'ratelimited', T0)).toBe(true);
    expect(repos.jobs.claimDue(T0 + 1)).toEqual([]);
    const [again] = repos.jobs.claimDue(T0 + 30_000);
    expect(again?.attempts).toBe(2);
    expect(repos.jobs.finish(again!.id, 'sent', '{"ts":"1.0"}', T0)).toBe(true);
    expect(repos.jobs.release(again!.id, T0, null, T0)).toBe(false);
    expect(repos.jobs.claimDue(T0 + 10 ** 9)).toEqual([]);
  });

  it('pending jobs can be deleted (re-planned) or cancelled with a reason; sent ones stay', () => {
    const { repos, d, job } = setup();
    repos.jobs.plan([job('a', T0), job('b', T0 + 10)], T0);
    const [a] = repos.jobs.claimDue(T0);
    repos.jobs.finish(a!.id, 'sent', 'x', T0);
    expect(repos.jobs.cancelPending(d.id, ['announcement'], 'the deployment was cancelled', T0)).toBe(1);
    expect(repos.jobs.ofDeployment(d.id).map((j) => [j.key, j.status, j.result])).toEqual([
      ['a', 'sent', 'x'],
      ['b', 'cancelled', 'the deployment was cancelled'],
    ]);
  });
});
