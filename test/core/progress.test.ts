import { describe, expect, it } from 'vitest';
import { currentPhase, progressOf } from '../../src/core/deployment/progress.js';
import { KEYS, Scenario, USERS } from './fixtures.js';

describe('progressOf', () => {
  it('counts the required items of the deployment, optional ones apart, and no rollback item', () => {
    // 4 pre-deployment + 6 phase steps + 2 verification + 2 post-deployment, of which 3 are optional.
    expect(progressOf(new Scenario().d)).toEqual({
      done: 0,
      total: 11,
      failed: 0,
      percent: 0,
      optionalDone: 0,
      optionalTotal: 3,
    });
  });

  it('rounds the percentage of required items down; optional ones never hold it back; completed reads 100 %', () => {
    const first = new Scenario();
    first.act(USERS.dev, { type: 'confirm_item', key: KEYS.reviewed });
    expect(progressOf(first.d)).toEqual({
      done: 1,
      total: 11,
      failed: 0,
      percent: 9,
      optionalDone: 0,
      optionalTotal: 3,
    });
    const s = new Scenario().ready().runPhase('prepare').runPhase('deploy').runPhase('smoke');
    for (const key of [KEYS.maintenance, KEYS.health, KEYS.errors, KEYS.announce]) {
      s.act(USERS.deployer, { type: 'confirm_item', key });
    }
    // Everything but the optional "flags" step and the optional "docs" item: every required item is done.
    expect(progressOf(s.d)).toEqual({
      done: 11,
      total: 11,
      failed: 0,
      percent: 100,
      optionalDone: 1,
      optionalTotal: 3,
    });
    s.act(USERS.deployer, { type: 'confirm_item', key: KEYS.docs });
    expect(progressOf(s.d)).toMatchObject({ percent: 100, optionalDone: 2 });
    s.act(USERS.deployer, { type: 'complete' });
    expect(progressOf(s.d).percent).toBe(100);
  });

  it('counts failed steps apart from done ones, and an undone item as neither', () => {
    const s = new Scenario().ready();
    s.act(USERS.deployer, { type: 'start_phase', phaseId: 'prepare' });
    s.act(USERS.deployer, { type: 'fail_item', key: KEYS.drain, note: 'node stuck' });
    expect(progressOf(s.d)).toMatchObject({ done: 3, failed: 1 });
    s.act(USERS.deployer, { type: 'undo_item', key: KEYS.drain });
    expect(progressOf(s.d)).toMatchObject({ done: 3, failed: 0 });
  });

  it('can count chosen stages only', () => {
    const s = new Scenario().ready();
    expect(progressOf(s.d, new Set(['pre']))).toEqual({
      done: 3,
      total: 3,
      failed: 0,
      percent: 100,
      optionalDone: 0,
      optionalTotal: 1,
    });
    expect(progressOf(s.d, new Set(['rollback']))).toEqual({
      done: 0,
      total: 2,
      failed: 0,
      percent: 0,
      optionalDone: 0,
      optionalTotal: 0,
    });
    expect(progressOf(s.d, new Set())).toEqual({
      done: 0,
      total: 0,
      failed: 0,
      percent: 0,
      optionalDone: 0,
      optionalTotal: 0,
    });
  });
});

describe('currentPhase', () => {
  it('is the phase that has started and not completed, and none between phases', () => {
    const s = new Scenario().ready();
    expect(currentPhase(s.d)).toBeUndefined();
    s.act(USERS.deployer, { type: 'start_phase', phaseId: 'prepare' });
    expect(currentPhase(s.d)?.title).toBe('Preparation');
    s.act(USERS.deployer, { type: 'confirm_item', key: KEYS.drain });
    s.act(USERS.deployer, { type: 'confirm_item', key: KEYS.snapshot });
    s.act(USERS.deployer, { type: 'complete_phase', phaseId: 'prepare' });
    expect(currentPhase(s.d)).toBeUndefined();
    s.act(USERS.deployer, { type: 'start_phase', phaseId: 'deploy' });
    expect(currentPhase(s.d)?.id).toBe('deploy');
  });

  it('is none once a rollback interrupted the running phase: /deploy list and the card do not show it running', () => {
    const s = new Scenario().ready();
    s.act(USERS.deployer, { type: 'start_phase', phaseId: 'prepare' });
    s.act(USERS.deployer, { type: 'start_rollback', trigger: 'errors', restore: ['code'], note: '', toVersion: null });
    expect(s.d.phases.prepare?.interrupted).toBeDefined();
    expect(currentPhase(s.d)).toBeUndefined();
  });
});
