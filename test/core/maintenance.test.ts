import { describe, expect, it } from 'vitest';
import type { Command } from '../../src/core/deployment/decide.js';
import {
  maintenanceMomentOf,
  maintenanceRequestOf,
  type MaintenanceMoment,
} from '../../src/core/deployment/maintenance.js';
import { KEYS, ROLLBACK_START, Scenario, USERS } from './fixtures.js';

/** A scenario that keeps the maintenance moment of every change, as the effects see them. */
class Watched extends Scenario {
  moments: MaintenanceMoment[] = [];
  override act(actor: string, cmd: Command) {
    const events = super.act(actor, cmd);
    const m = maintenanceMomentOf(this.d, events);
    if (m) this.moments.push(m);
    return events;
  }
}

/** Confirms the whole rollback checklist, then completes the rollback. */
function finishRollback(s: Scenario) {
  for (const key of [KEYS.revert, 'rollback.steps.restore', 'rollback_validation.validation.health'])
    s.act(USERS.ops, { type: 'confirm_item', key });
  s.act(USERS.deployer, { type: 'complete_rollback' });
}

const rollbackStart = ROLLBACK_START;
const start = { event: 'maintenance.start' } as const;
const end = (reason: string) => ({ event: 'maintenance.end', reason });

describe('the maintenance window of a deployment', () => {
  it('starts with the first phase only and ends once when the last phase completes', () => {
    const s = new Watched();
    s.ready().runPhase('prepare');
    expect(s.moments).toEqual([start]);
    s.runPhase('deploy').runPhase('smoke');
    expect(s.d.status).toBe('verifying');
    expect(s.moments).toEqual([start, end('phases_completed')]);
    // Completing the deployment (or rolling back from verification) does not end it again.
    s.act(USERS.deployer, rollbackStart);
    finishRollback(s);
    expect(s.moments).toEqual([start, end('phases_completed')]);
  });

  it('ends when the deployment is cancelled after its first phase started, not before', () => {
    const before = new Watched().ready();
    before.act(USERS.deployer, { type: 'cancel', reason: 'not today' });
    expect(before.moments).toEqual([]);
    const after = new Watched().ready();
    after.act(USERS.deployer, { type: 'start_phase', phaseId: 'prepare' });
    after.act(USERS.deployer, { type: 'cancel', reason: 'node A would not drain' });
    expect(after.moments).toEqual([start, end('cancelled')]);
  });

  it('ends when a rollback started during a phase completes, or when it fails (then not again)', () => {
    const done = new Watched().ready().runPhase('prepare');
    done.act(USERS.deployer, { type: 'start_phase', phaseId: 'deploy' });
    done.act(USERS.deployer, rollbackStart);
    expect(done.moments).toEqual([start]);
    finishRollback(done);
    expect(done.moments).toEqual([start, end('rolled_back')]);

    const failed = new Watched().ready();
    failed.act(USERS.deployer, { type: 'start_phase', phaseId: 'prepare' });
    failed.act(USERS.deployer, rollbackStart);
    failed.act(USERS.deployer, { type: 'fail_rollback', note: 'revert job broken' });
    finishRollback(failed);
    expect(failed.d.status).toBe('rolled_back');
    expect(failed.moments).toEqual([start, end('rollback_failed')]);
  });

  it('is described to the hook with the deployment and its window', () => {
    const s = new Scenario().ready();
    const events = s.act(USERS.deployer, { type: 'start_phase', phaseId: 'prepare' });
    expect(maintenanceRequestOf(s.d, maintenanceMomentOf(s.d, events)!)).toEqual({
      event: 'maintenance.start',
      deployment: 'DEP-1',
      service: 'web',
      environment: 'production',
      version: '2.4.0',
      window: { start: '2026-11-23T11:00:00.000Z', end: '2026-11-23T15:00:00.000Z' },
    });
    expect(maintenanceRequestOf(s.d, { event: 'maintenance.end', reason: 'cancelled' })).toMatchObject({
      event: 'maintenance.end',
      reason: 'cancelled',
    });
  });
});
