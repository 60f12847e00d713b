import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../../src/core/deployment/decide.js';
import { DomainError } from '../../src/core/errors.js';
import { createDeploymentService } from '../../src/usecases/deployments.js';
import { createRollbackService } from '../../src/usecases/rollback.js';
import { deploymentInput, HOUR, T0, template, USERS } from '../core/fixtures.js';
import { useTempDatabases } from '../storage/helpers.js';
import { fakeClock } from '../support/clock.js';

const temp = useTempDatabases();
const ONCALL = 'U0ONCALL001';

function setup() {
  const repos = temp.repos();
  const clock = fakeClock(T0);
  const deployments = createDeploymentService({
    repos,
    clock,
    policyFor: () => ({ ...DEFAULT_POLICY, rollbackUsers: [ONCALL] }),
  });
  const rollback = createRollbackService({ repos, clock, deployments });
  /** A deployment whose first phase runs. */
  const underway = (over: Parameters<typeof deploymentInput>[0] = {}) => {
    const { deployment: d } = deployments.start(deploymentInput(over), template, USERS.deployer);
    const asked = deployments.act(d.id, { type: 'override_gate', gate: 'start', reason: 'test' }, USERS.deployer);
    // In production the deployer only asks; an approver grants.
    if (asked.environment === 'production') deployments.act(d.id, { type: 'grant_override', gate: 'start' }, USERS.dev);
    return deployments.act(d.id, { type: 'start_phase', phaseId: template.phases[0]!.id }, USERS.deployer);
  };
  const completed = (over: Parameters<typeof deploymentInput>[0] = {}) => {
    const d = underway(over);
    repos.db.prepare(`UPDATE deployments SET status = 'completed' WHERE id = ?`).run(d.id);
    return d;
  };
  return { repos, clock, deployments, rollback, underway, completed };
}

const choice = { trigger: 'Error rate above 5%', restore: ['code'], note: '' };

function refusal(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

describe('starting a rollback', () => {
  it('rolls back to the latest completed version of the same service and environment, and locks it, in one go', () => {
    const { rollback, underway, completed, repos } = setup();
    completed({ version: '2.2.0' });
    completed({ version: '2.3.1' });
    completed({ version: '9.9.9', environment: 'staging' });
    completed({ version: '8.8.8', service: 'search' });
    const d = underway({ version: '2.4.0' });
    expect(rollback.prepare(d.id, USERS.qa).previous?.version).toBe('2.3.1');
    const { deployment, started } = rollback.start(d.id, USERS.qa, choice, 'V1');
    expect(started).toBe(true);
    expect(deployment.rollback).toMatchObject({ fromVersion: '2.4.0', toVersion: '2.3.1', trigger: choice.trigger });
    expect(rollback.lockOf('web', 'production')).toMatchObject({
      deploymentId: d.id,
      lockedBy: USERS.qa,
      reason: expect.stringContaining('rolling back 2.4.0 to 2.3.1'),
    });
    expect(repos.deployments.listActive().map((x) => x.id)).toContain(d.id);
  });

  it('a trigger with a placeholder left in it never puts the raw brackets in the lock reason', () => {
    const { rollback, underway } = setup();
    const d = underway({ version: '2.4.0' });
    rollback.start(d.id, USERS.qa, { ...choice, trigger: 'Error rate above [X]% for [N] minutes' }, 'V1');
    expect(rollback.lockOf('web', 'production')?.reason).toMatch(/: Error rate above …% for … minutes$/);
  });

  it('the same modal submitted twice starts one rollback; a second person gets "already rolling back"', () => {
    const { rollback, underway, repos } = setup();
    const d = underway();
    rollback.start(d.id, USERS.deployer, choice, 'V1');
    expect(rollback.start(d.id, USERS.deployer, choice, 'V1').started).toBe(false);
    expect(refusal(() => rollback.start(d.id, USERS.qa, choice, 'V2')).code).toBe('already_done');
    expect(repos.deployments.events(d.id).filter((e) => e.type === 'rollback_started')).toHaveLength(1);
    expect(repos.submissions.find('V2')).toBeUndefined();
  });

  it('is refused to people who may not roll back, and the refusal is kept', () => {
    const { rollback, underway, repos } = setup();
    const d = underway();
    expect(refusal(() => rollback.start(d.id, USERS.stranger, choice, 'V1')).code).toBe('not_allowed');
    expect(repos.deployments.events(d.id).at(-1)).toMatchObject({
      type: 'refused',
      action: 'start_rollback',
      actor: USERS.stranger,
    });
    expect(rollback.lockOf('web', 'production')).toBeUndefined();
    // The people the configuration names may.
    expect(rollback.start(d.id, ONCALL, choice).started).toBe(true);
  });

  it('a rolled-back deployment is finished: no longer listed as active', () => {
    const { rollback, underway, repos, deployments } = setup();
    const d = underway();
    rollback.start(d.id, USERS.deployer, choice);
    for (const p of [
      ...template.rollback.steps.map((s) => `rollback.steps.${s.id}`),
      ...template.rollback.validation.map((s) => `rollback_validation.validation.${s.id}`),
    ]) {
      deployments.act(d.id, { type: 'confirm_item', key: p }, USERS.ops);
    }
    expect(rollback.complete(d.id, USERS.ops).status).toBe('rolled_back');
    expect(repos.deployments.listActive().map((x) => x.id)).not.toContain(d.id);
    expect(repos.deployments.recentlyFinished(T0 - HOUR)).toContain(d.id);
  });
});

describe('environment locks', () => {
  it('a rollback’s lock is released by the deployer, a lead approver or the rollback people; not by others', () => {
    const { rollback, underway, repos } = setup();
    const d = underway({
      approvers: { dev_lead: [USERS.dev], qa_lead: [USERS.qa], ops_lead: [USERS.ops], product_owner: [USERS.po] },
    });
    rollback.start(d.id, USERS.ops, choice);
    for (const who of [USERS.stranger, USERS.po])
      expect(refusal(() => rollback.unlock('web', 'production', who)).code).toBe('not_allowed');
    expect(
      repos.deployments
        .events(d.id)
        .filter((e) => e.type === 'refused')
        .map((e) => e.actor),
    ).toEqual([USERS.stranger, USERS.po]);
    rollback.unlock('web', 'production', USERS.dev);
    expect(rollback.lockOf('web', 'production')).toBeUndefined();
    expect(refusal(() => rollback.unlock('web', 'production', USERS.dev)).code).toBe('already_done');
  });

  it('a lock set by hand: only by people who answer for the environment; its reason can be changed, and whoever set it (or the rollback people) releases it', () => {
    const { rollback, deployments } = setup();
    expect(refusal(() => rollback.lock('web', 'staging', 'database maintenance', USERS.qa)).code).toBe('not_allowed');
    expect(rollback.lock('web', 'uat', 'flaky env', ONCALL).created).toBe(true);
    deployments.start(deploymentInput({ environment: 'staging' }), template, USERS.deployer);
    expect(rollback.lock('web', 'staging', 'database maintenance', USERS.qa).created).toBe(true);
    expect(refusal(() => rollback.lock('web', 'staging', 'mine now', USERS.stranger)).code).toBe('not_allowed');
    expect(rollback.lock('web', 'staging', 'maintenance until 18:00', ONCALL)).toMatchObject({
      created: false,
      lock: { reason: 'maintenance until 18:00', lockedBy: USERS.qa },
    });
    expect(rollback.locks().map((l) => l.reason)).toEqual(['flaky env', 'maintenance until 18:00']);
    rollback.unlock('web', 'staging', USERS.qa);
    expect(rollback.locks().map((l) => l.reason)).toEqual(['flaky env']);
  });
});

describe('a deployment of type Rollback', () => {
  it('reverses the latest deployment of its service and environment that went out', () => {
    const { rollback, underway, deployments } = setup();
    const bad = underway({ version: '2.4.0' });
    deployments.start(deploymentInput({ version: '2.5.0' }), template, USERS.deployer); // scheduled only: not reversed
    const input = rollback.withReverses(deploymentInput({ type: 'rollback', version: '2.3.1' }));
    expect(input.reverses).toBe(bad.id);
    expect(deployments.start(input, template, USERS.deployer).deployment.reverses).toBe(bad.id);
    expect(rollback.withReverses(deploymentInput({ type: 'release' })).reverses).toBeUndefined();
    expect(rollback.withReverses(deploymentInput({ type: 'rollback', service: 'search' })).reverses).toBeUndefined();
  });
});
