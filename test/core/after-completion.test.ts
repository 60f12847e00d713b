import { describe, expect, it } from 'vitest';
import { KEYS, monitored, refusal, Scenario, USERS } from './fixtures.js';

describe('a completed deployment under monitoring', () => {
  it('is what completing gives when a monitoring time is configured', () => {
    const s = monitored();
    expect(s.log.at(-1)).toMatchObject({ type: 'monitoring_started', minutes: 30 });
    expect(s.d.status).toBe('monitoring');
  });

  it('can no longer be rejected: the release is live, so a problem is raised in the thread or rolled back', () => {
    const s = monitored();
    expect(refusal(() => s.act(USERS.qa, { type: 'reject', role: 'qa_lead', reason: 'late veto' }))).toMatchObject({
      code: 'not_now',
      message: 'DEP-1 is already under way; raise the problem in the thread or roll back.',
    });
    expect(s.d.approvals.qa_lead?.decision).toBe('approved');
  });

  it('is completed by the deployer marking it healthy', () => {
    const s = monitored();
    expect(refusal(() => s.act(USERS.qa, { type: 'mark_healthy' })).code).toBe('not_allowed');
    expect(s.act(USERS.deployer, { type: 'mark_healthy' })).toEqual([{ type: 'completed' }]);
    expect(s.d.status).toBe('completed');
  });
});

describe('rules once the deployment is under way', () => {
  it('cannot be cancelled while it is live and monitored: mark it healthy or roll back', () => {
    const s = monitored();
    expect(refusal(() => s.act(USERS.deployer, { type: 'cancel', reason: 'changed my mind' }))).toMatchObject({
      code: 'not_now',
    });
    expect(s.d.status).toBe('monitoring');
  });

  it('the start gate holds the first phase only: undoing a pre-deployment item later does not block the next phase', () => {
    const s = new Scenario().ready().runPhase('prepare');
    s.act(USERS.deployer, { type: 'undo_item', key: KEYS.tests });
    expect(s.act(USERS.deployer, { type: 'start_phase', phaseId: 'deploy' })).toEqual([
      { type: 'phase_started', phaseId: 'deploy' },
    ]);
  });

  it('a confirmed step must be undone before it can be marked failed', () => {
    const s = new Scenario().ready();
    s.act(USERS.deployer, { type: 'start_phase', phaseId: 'prepare' });
    s.act(USERS.deployer, { type: 'confirm_item', key: KEYS.drain });
    expect(refusal(() => s.act(USERS.deployer, { type: 'fail_item', key: KEYS.drain, note: 'oops' }))).toMatchObject({
      code: 'not_now',
    });
    expect(s.d.items[KEYS.drain]?.state).toBe('done');
  });
});
