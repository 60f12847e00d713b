import { describe, expect, it } from 'vitest';
import type { DeploymentEvent } from '../../src/core/deployment/events.js';
import type { Deployment } from '../../src/core/deployment/types.js';
import { DomainError } from '../../src/core/errors.js';
import { createDeploymentService } from '../../src/usecases/deployments.js';
import { fakeClock } from '../support/clock.js';
import { deploymentInput, KEYS, MIN, T0, template, USERS } from '../core/fixtures.js';
import { useTempDatabases } from './helpers.js';

const temp = useTempDatabases();

function setup() {
  const repos = temp.repos();
  const clock = fakeClock(T0);
  const changes: { ref: string; events: DeploymentEvent[] }[] = [];
  const service = createDeploymentService({
    repos,
    clock,
    onChange: (d: Deployment, events) => changes.push({ ref: d.ref, events }),
  });
  return { repos, clock, service, changes, db: repos.db };
}

const count = (db: ReturnType<typeof setup>['db'], table: string) =>
  (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;

function caught(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  throw new Error('expected a DomainError');
}

describe('the deployment service', () => {
  it('start with the same view id twice creates one deployment and reports the second as not created', () => {
    const { service, db, changes } = setup();
    const first = service.start(deploymentInput(), template, USERS.deployer, 'V0VIEW1');
    const second = service.start(deploymentInput({ version: '9.9.9' }), template, USERS.deployer, 'V0VIEW1');
    expect(first.created).toBe(true);
    expect(second.created).toBe(false);
    expect(second.deployment.id).toBe(first.deployment.id);
    expect(second.deployment.version).toBe('2.4.0');
    expect(count(db, 'deployments')).toBe(1);
    expect(count(db, 'events')).toBe(1);
    expect(db.prepare('SELECT view_id, deployment_id, at FROM submissions').all()).toEqual([
      { view_id: 'V0VIEW1', deployment_id: 1, at: T0 },
    ]);
    expect(changes.map((c) => c.ref)).toEqual(['DEP-1']);
  });

  it('start without a view id always creates', () => {
    const { service, db } = setup();
    service.start(deploymentInput(), template, USERS.deployer);
    service.start(deploymentInput(), template, USERS.deployer);
    expect(count(db, 'deployments')).toBe(2);
  });

  it('act runs the command, stores it at the clock time and tells onChange', () => {
    const { service, clock, repos, changes } = setup();
    service.start(deploymentInput(), template, USERS.deployer);
    clock.advance(5 * MIN);
    const d = service.act(1, { type: 'approve', role: 'dev_lead' }, USERS.dev);
    expect(d.approvals.dev_lead).toEqual({ decision: 'approved', by: USERS.dev, at: T0 + 5 * MIN });
    expect(repos.deployments.get(1)).toEqual(d);
    expect(changes.at(-1)).toEqual({ ref: 'DEP-1', events: [{ type: 'approved', role: 'dev_lead' }] });
  });

  it('a not_allowed act records a refused event with the reason, and rethrows', () => {
    const { service, repos, changes } = setup();
    service.start(deploymentInput(), template, USERS.deployer);
    const e = caught(() => service.act(1, { type: 'start_phase', phaseId: 'prepare' }, USERS.stranger));
    expect(e.code).toBe('not_allowed');
    const events = repos.deployments.events(1);
    expect(events.at(-1)).toEqual({
      type: 'refused',
      action: 'start_phase',
      reason: e.message,
      actor: USERS.stranger,
      at: T0,
    });
    expect(repos.deployments.get(1)?.revision).toBe(2);
    expect(repos.deployments.verify(1).ok).toBe(true);
    expect(changes).toHaveLength(1);
  });

  it('other refusals (not now, gate closed, invalid input) are not recorded', () => {
    const { service, repos } = setup();
    service.start(deploymentInput(), template, USERS.deployer);
    expect(caught(() => service.act(1, { type: 'start_phase', phaseId: 'prepare' }, USERS.deployer)).code).toBe(
      'gate_closed',
    );
    expect(caught(() => service.act(1, { type: 'confirm_item', key: KEYS.tests }, USERS.deployer)).code).toBe(
      'invalid_input',
    );
    expect(repos.deployments.events(1)).toHaveLength(1);
  });

  it('act on a deployment that does not exist is not found', () => {
    const { service } = setup();
    expect(caught(() => service.act(7, { type: 'complete' }, USERS.deployer))).toMatchObject({
      code: 'not_found',
      message: 'That deployment no longer exists.',
    });
  });

  it('mayOpen changes nothing when the form would be allowed', () => {
    const { service, db } = setup();
    service.start(deploymentInput(), template, USERS.deployer);
    const before = db.prepare('SELECT * FROM deployments').all();
    const d = service.mayOpen(1, { type: 'reject', role: 'dev_lead' }, USERS.dev);
    expect(d.approvals).toEqual({});
    expect(db.prepare('SELECT * FROM deployments').all()).toEqual(before);
    expect(count(db, 'events')).toBe(1);
  });

  it('mayOpen records a not_allowed refusal and rethrows it, and records nothing for other refusals', () => {
    const { service, repos } = setup();
    service.start(deploymentInput(), template, USERS.deployer);
    expect(caught(() => service.mayOpen(1, { type: 'cancel' }, USERS.dev)).code).toBe('not_allowed');
    expect(repos.deployments.events(1).map((e) => e.type)).toEqual(['created', 'refused']);
    expect(caught(() => service.mayOpen(1, { type: 'fail_rollback' }, USERS.deployer)).code).toBe('not_now');
    expect(repos.deployments.events(1)).toHaveLength(2);
    expect(repos.deployments.get(1)?.status).toBe('scheduled');
  });

  it('findByRef answers not found in plain words', () => {
    const { service } = setup();
    service.start(deploymentInput(), template, USERS.deployer);
    expect(service.findByRef('dep-1').id).toBe(1);
    expect(caught(() => service.findByRef('dep-9'))).toMatchObject({
      code: 'not_found',
      message: 'There is no deployment DEP-9. Try /deploy list.',
    });
    expect(caught(() => service.findByRef('')).message).toBe('There is no deployment (none given). Try /deploy list.');
  });
});

describe('App Home’s delivery stats', () => {
  it('count a change made through the service at once, and one written elsewhere within a minute', () => {
    const { service, repos, clock } = setup();
    service.start(deploymentInput(), template, USERS.deployer, 'V0VIEW1');
    service.start(deploymentInput({ version: '2.5.0' }), template, USERS.deployer, 'V0VIEW2');
    clock.set(T0 + 3 * 60 * MIN);
    expect(service.homeStats(USERS.deployer)).toEqual({ team: expect.objectContaining({ cancelled: 0 }) });

    service.act(1, { type: 'cancel', reason: 'window moved' }, USERS.deployer);
    expect(service.homeStats(USERS.deployer)).toMatchObject({
      team: { cancelled: 1 },
      mine: { services: ['web'], stats: { cancelled: 1 } },
    });

    // Written by another process (not through this service): counted within the minute.
    repos.deployments.change(2, () => [{ type: 'cancelled', reason: 'moved' }], USERS.deployer, clock.now());
    expect(service.homeStats(USERS.deployer).team.cancelled).toBe(1);
    clock.advance(MIN);
    expect(service.homeStats(USERS.deployer).team.cancelled).toBe(2);
  });

  it('are read ahead of the first open (at start): that open reads only the facts changed since', () => {
    const { service, repos, clock } = setup();
    service.start(deploymentInput(), template, USERS.deployer, 'V0VIEW1');
    service.act(1, { type: 'cancel', reason: 'window moved' }, USERS.deployer);
    clock.set(T0 + 3 * 60 * MIN);
    /** What each read of the period's facts was given as already read. */
    const known: number[][] = [];
    const factsKept = repos.deployments.factsKept.bind(repos.deployments);
    repos.deployments.factsKept = (filter, from, to, kept) => {
      known.push([...kept.keys()]);
      return factsKept(filter, from, to, kept);
    };
    service.warmHomeStats();
    // Written after the warm-up: counted at the first open, which starts from what the warm-up read.
    service.start(deploymentInput({ version: '2.5.0' }), template, USERS.deployer, 'V0VIEW2');
    repos.deployments.change(2, () => [{ type: 'cancelled', reason: 'moved' }], USERS.deployer, clock.now());
    expect(service.homeStats(USERS.deployer)).toMatchObject({
      team: { cancelled: 2 },
      mine: { stats: { cancelled: 2 } },
    });
    expect(known).toEqual([[], [1]]);
  });
});
