import { describe, expect, it } from 'vitest';
import { replay } from '../../src/core/deployment/apply.js';
import { DEFAULT_POLICY, type Command } from '../../src/core/deployment/decide.js';
import { HOUR, KEYS, refusal, Scenario, T0, USERS } from './fixtures.js';

const rollbackStart: Command = {
  type: 'start_rollback',
  trigger: 'Error rate above 5%',
  restore: ['code'],
  note: 'checkout 500s',
  toVersion: '2.3.9',
};

/** Under way: approvals and pre-deployment done, the first phase complete and the second running. */
function underWay(policy = DEFAULT_POLICY): Scenario {
  const s = new Scenario({}, policy).ready().runPhase('prepare');
  s.act(USERS.deployer, { type: 'start_phase', phaseId: 'deploy' });
  return s;
}

describe('a rollback', () => {
  it('cannot start before the first phase: cancel instead', () => {
    const s = new Scenario().ready();
    expect(refusal(() => s.act(USERS.deployer, rollbackStart))).toMatchObject({
      code: 'not_now',
      message: 'DEP-1 has not started yet: cancel it instead of rolling back.',
    });
  });

  it('may be started by the deployer or an approver, not by anyone else unless the policy names them', () => {
    expect(refusal(() => underWay().act(USERS.stranger, rollbackStart)).code).toBe('not_allowed');
    expect(underWay().act(USERS.ops, rollbackStart)).toEqual([
      {
        type: 'rollback_started',
        trigger: 'Error rate above 5%',
        restore: ['code'],
        note: 'checkout 500s',
        fromVersion: '2.4.0',
        toVersion: '2.3.9',
      },
    ]);
    const helper = underWay({ ...DEFAULT_POLICY, rollbackUsers: [USERS.stranger] });
    expect(helper.act(USERS.stranger, rollbackStart)).toHaveLength(1);
    expect(helper.act(USERS.stranger, { type: 'confirm_item', key: KEYS.revert })).toHaveLength(1);
  });

  it('interrupts the running phase and moves to rolling_back', () => {
    const s = underWay();
    s.act(USERS.deployer, rollbackStart);
    expect(s.d.status).toBe('rolling_back');
    expect(s.d.phases.deploy?.interrupted).toEqual({ by: USERS.deployer, at: s.at });
    expect(s.d.phases.prepare?.interrupted).toBeUndefined();
    expect(s.d.rollback).toMatchObject({
      started: { by: USERS.deployer, at: s.at },
      fromVersion: '2.4.0',
      toVersion: '2.3.9',
    });
    expect(refusal(() => s.act(USERS.dev, rollbackStart)).code).toBe('already_done');
  });

  it('while it runs, only the rollback checklist can change', () => {
    const s = underWay();
    s.act(USERS.deployer, rollbackStart);
    const rollingBack = 'DEP-1 is rolling back: only the rollback checklist can change now.';
    for (const key of [KEYS.maintenance, KEYS.rollout, KEYS.health, KEYS.announce]) {
      expect(
        refusal(() => s.act(USERS.deployer, { type: 'confirm_item', key })),
        key,
      ).toMatchObject({ code: 'not_now', message: rollingBack });
    }
    expect(refusal(() => s.act(USERS.deployer, { type: 'undo_item', key: KEYS.reviewed })).message).toBe(rollingBack);
    expect(refusal(() => s.act(USERS.deployer, { type: 'complete_phase', phaseId: 'deploy' })).message).toBe(
      rollingBack,
    );
    expect(refusal(() => s.act(USERS.deployer, { type: 'cancel', reason: 'x' })).message).toBe(rollingBack);
    expect(refusal(() => s.act(USERS.deployer, { type: 'complete' })).message).toBe(rollingBack);
  });

  it('completes only once every required rollback step and validation is done', () => {
    const s = underWay();
    s.act(USERS.deployer, rollbackStart);
    s.act(USERS.ops, { type: 'confirm_item', key: KEYS.revert });
    expect(refusal(() => s.act(USERS.deployer, { type: 'complete_rollback' }))).toMatchObject({
      code: 'gate_closed',
      message: 'The rollback still has steps to do:',
      details: [
        'Rollback steps: Restore the database backup',
        'Rollback validation: Health endpoint answers 200 again',
      ],
    });
    s.act(USERS.ops, { type: 'confirm_item', key: 'rollback.steps.restore' });
    s.act(USERS.qa, { type: 'confirm_item', key: 'rollback_validation.validation.health' });
    expect(s.act(USERS.deployer, { type: 'complete_rollback' })).toEqual([{ type: 'rollback_completed' }]);
    expect(s.d.status).toBe('rolled_back');
    expect(refusal(() => s.act(USERS.deployer, { type: 'confirm_item', key: KEYS.reviewed })).code).toBe('finished');
    expect(replay(1, s.log)).toEqual(s.d);
  });

  it('a failed rollback keeps its note, stays open, and is failed once', () => {
    const s = underWay();
    s.act(USERS.deployer, rollbackStart);
    expect(s.act(USERS.ops, { type: 'fail_rollback', note: 'backup corrupt' })).toEqual([
      { type: 'rollback_failed', note: 'backup corrupt' },
    ]);
    expect(s.d.status).toBe('rollback_failed');
    expect(s.d.rollback?.failed).toEqual({ by: USERS.ops, at: s.at, note: 'backup corrupt' });
    expect(refusal(() => s.act(USERS.ops, { type: 'fail_rollback', note: 'again' })).code).toBe('already_done');
    expect(s.act(USERS.ops, { type: 'confirm_item', key: KEYS.revert })).toHaveLength(1);
  });

  it('finishing a rollback that never started is not now', () => {
    const s = underWay();
    expect(refusal(() => s.act(USERS.deployer, { type: 'complete_rollback' }))).toMatchObject({
      code: 'not_now',
      message: 'DEP-1 is not rolling back.',
    });
  });
});

describe('rescheduling', () => {
  it('moves the window and re-plans the phases before the deployment starts', () => {
    const s = new Scenario();
    s.act(USERS.deployer, { type: 'reschedule', windowStart: T0 + 26 * HOUR, windowEnd: T0 + 30 * HOUR });
    expect(s.d.window).toEqual({ start: T0 + 26 * HOUR, end: T0 + 30 * HOUR });
    expect(s.d.phases.prepare).toEqual({ plannedStart: T0 + 26 * HOUR, plannedEnd: T0 + 26 * HOUR + 30 * 60_000 });
    expect(replay(1, s.log)).toEqual(s.d);
  });

  it('is for the deployer, with a window that ends after it starts, and only before the first phase', () => {
    const s = new Scenario().ready();
    expect(refusal(() => s.act(USERS.dev, { type: 'reschedule', windowStart: T0, windowEnd: T0 + HOUR })).code).toBe(
      'not_allowed',
    );
    expect(
      refusal(() => s.act(USERS.deployer, { type: 'reschedule', windowStart: T0 + HOUR, windowEnd: T0 + HOUR })),
    ).toMatchObject({
      code: 'invalid_input',
      message: 'The window must end after it starts.',
    });
    s.act(USERS.deployer, { type: 'start_phase', phaseId: 'prepare' });
    expect(
      refusal(() => s.act(USERS.deployer, { type: 'reschedule', windowStart: T0, windowEnd: T0 + HOUR })).code,
    ).toBe('not_now');
  });
});

describe('items after completion, under monitoring', () => {
  it('verification and post-deployment items say the deployment is complete, not that it has not started', () => {
    const s = new Scenario({}, { ...DEFAULT_POLICY, defaultMonitoringMinutes: 30 }).allPhases();
    s.act(USERS.qa, { type: 'confirm_item', key: KEYS.health });
    s.act(USERS.qa, { type: 'confirm_item', key: KEYS.errors });
    s.act(USERS.deployer, { type: 'confirm_item', key: KEYS.announce });
    s.act(USERS.deployer, { type: 'complete' });
    expect(s.d.status).toBe('monitoring');
    expect(refusal(() => s.act(USERS.deployer, { type: 'undo_item', key: KEYS.health }))).toMatchObject({
      code: 'not_now',
      message: 'DEP-1 is complete and being monitored: Verification can no longer change.',
    });
    expect(refusal(() => s.act(USERS.deployer, { type: 'confirm_item', key: KEYS.docs })).message).toBe(
      'DEP-1 is complete and being monitored: Post-deployment can no longer change.',
    );
  });
});
