import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../../src/core/deployment/decide.js';
import type { Deployment } from '../../src/core/deployment/types.js';
import { deployerNeed, mayApprove, waitingFor } from '../../src/core/deployment/waiting.js';
import { HOUR, KEYS, MIN, Scenario, T0, USERS } from './fixtures.js';

const roles = (user: string, ds: Deployment[], now = T0, policy = DEFAULT_POLICY) =>
  waitingFor(user, ds, now, () => policy).approvals.map((a) => `${a.d.ref}:${a.label}`);

describe('approvals waiting for a user', () => {
  it('lists the roles the user is named for and nobody has signed, with their labels', () => {
    const s = new Scenario();
    expect(roles(USERS.qa, [s.d])).toEqual(['DEP-1:QA Lead']);
    expect(roles(USERS.stranger, [s.d])).toEqual([]);
    s.act(USERS.qa, { type: 'approve', role: 'qa_lead' });
    expect(roles(USERS.qa, [s.d])).toEqual([]);
    expect(roles(USERS.dev, [s.d])).toEqual(['DEP-1:Dev Lead']);
  });

  it('a rejected role is no longer waiting', () => {
    const s = new Scenario();
    s.act(USERS.ops, { type: 'reject', role: 'ops_lead', reason: 'No backup yet' });
    expect(roles(USERS.ops, [s.d])).toEqual([]);
  });

  it('one person signs one role: named for two, both wait until they sign one', () => {
    const s = new Scenario({
      approvers: { dev_lead: [USERS.dev], qa_lead: [USERS.dev, USERS.qa], ops_lead: [USERS.ops] },
    });
    expect(roles(USERS.dev, [s.d])).toEqual(['DEP-1:Dev Lead', 'DEP-1:QA Lead']);
    s.act(USERS.dev, { type: 'approve', role: 'dev_lead' });
    expect(roles(USERS.dev, [s.d])).toEqual([]);
    expect(mayApprove(s.d, USERS.dev, 'qa_lead')).toBe(false);
    expect(mayApprove(s.d, USERS.qa, 'qa_lead')).toBe(true);
  });

  it('the deployer named as an approver waits only when the policy lets them approve', () => {
    const s = new Scenario({ approvers: { dev_lead: [USERS.dev], qa_lead: [USERS.qa], ops_lead: [USERS.deployer] } });
    expect(roles(USERS.deployer, [s.d])).toEqual([]);
    expect(mayApprove(s.d, USERS.deployer, 'ops_lead')).toBe(false);
    const lenient = { ...DEFAULT_POLICY, deployerMayApprove: true };
    expect(roles(USERS.deployer, [s.d], T0, lenient)).toEqual(['DEP-1:Ops Lead']);
    // The policy is asked per deployment.
    const other = { ...s.d, id: 2, ref: 'DEP-2' };
    const w = waitingFor(USERS.deployer, [s.d, other], T0, (d) => (d.id === 2 ? lenient : DEFAULT_POLICY));
    expect(w.approvals.map((a) => a.d.ref)).toEqual(['DEP-2']);
  });

  it('nothing waits once the deployment is cancelled or under way', () => {
    const cancelled = new Scenario();
    cancelled.act(USERS.deployer, { type: 'cancel', reason: 'Postponed' });
    expect(roles(USERS.qa, [cancelled.d])).toEqual([]);
    const s = new Scenario({
      approvers: { dev_lead: [USERS.dev], qa_lead: [USERS.qa], ops_lead: [USERS.ops], product_owner: [USERS.po] },
    }).ready();
    expect(roles(USERS.po, [s.d])).toEqual(['DEP-1:Product Owner']);
    s.act(USERS.deployer, { type: 'override_gate', gate: 'start', reason: 'The product owner is away' });
    s.act(USERS.dev, { type: 'grant_override', gate: 'start' });
    s.act(USERS.deployer, { type: 'start_phase', phaseId: 'prepare' });
    expect(roles(USERS.po, [s.d])).toEqual([]);
  });

  it('lists the soonest window first', () => {
    const late = { ...new Scenario({ windowStart: T0 + 9 * HOUR, windowEnd: T0 + 10 * HOUR }).d, id: 2, ref: 'DEP-2' };
    const soon = new Scenario().d;
    expect(roles(USERS.qa, [late, soon])).toEqual(['DEP-1:QA Lead', 'DEP-2:QA Lead']);
  });
});

describe('what a deployment needs from its deployer', () => {
  const needOf = (s: Scenario, now: number) => deployerNeed(s.d, now);

  it('before the window: the start gate with what is missing, then nothing once it is open', () => {
    const s = new Scenario();
    expect(needOf(s, T0)).toEqual({ kind: 'start_gate', missing: 6 });
    s.approveAll();
    expect(needOf(s, T0)).toEqual({ kind: 'start_gate', missing: 3 });
    s.confirmPre();
    expect(needOf(s, T0)).toBeNull();
    expect(needOf(s, T0 + 2 * HOUR)).toEqual({ kind: 'ready_to_start', phase: 'Preparation' });
  });

  it('a missed window, once its end has passed without a start', () => {
    expect(needOf(new Scenario(), T0 + 6 * HOUR)).toEqual({ kind: 'missed_window' });
  });

  it('a phase running, the next phase, then the completion gate', () => {
    const s = new Scenario().ready();
    s.act(USERS.deployer, { type: 'start_phase', phaseId: 'prepare' });
    expect(needOf(s, T0 + 3 * HOUR)).toEqual({ kind: 'phase_running', phase: 'Preparation' });
    s.act(USERS.deployer, { type: 'confirm_item', key: KEYS.drain });
    s.act(USERS.deployer, { type: 'confirm_item', key: KEYS.snapshot });
    s.act(USERS.deployer, { type: 'complete_phase', phaseId: 'prepare' });
    expect(needOf(s, T0 + 3 * HOUR)).toEqual({ kind: 'next_phase', phase: 'Deployment' });
    s.runPhase('deploy').runPhase('smoke');
    expect(needOf(s, T0 + 3 * HOUR)).toEqual({ kind: 'complete_gate', missing: 3 });
    for (const key of [KEYS.health, KEYS.errors, KEYS.announce]) s.act(USERS.deployer, { type: 'confirm_item', key });
    expect(needOf(s, T0 + 3 * HOUR)).toEqual({ kind: 'ready_to_complete' });
  });

  it('monitoring: nothing while it runs, the verdict once it is over; a faulty report or a rollback', () => {
    const s = new Scenario({}, { ...DEFAULT_POLICY, defaultMonitoringMinutes: 30 }).allPhases();
    for (const key of [KEYS.health, KEYS.errors, KEYS.announce]) s.act(USERS.deployer, { type: 'confirm_item', key });
    s.act(USERS.deployer, { type: 'complete' });
    expect(s.d.status).toBe('monitoring');
    expect(needOf(s, s.at + MIN)).toBeNull();
    expect(needOf(s, s.at + 30 * MIN)).toEqual({ kind: 'verdict' });
    s.act(USERS.qa, { type: 'mark_faulty', note: 'Errors up' });
    expect(needOf(s, s.at)).toEqual({ kind: 'faulty' });
    s.act(USERS.deployer, { type: 'start_rollback', trigger: 'Errors', restore: ['code'], note: '', toVersion: null });
    expect(needOf(s, s.at)).toEqual({ kind: 'rollback', failed: false });
  });

  it('only the deployer is asked, and nothing about finished deployments', () => {
    const s = new Scenario();
    expect(waitingFor(USERS.qa, [s.d], T0).deployments).toEqual([]);
    expect(waitingFor(USERS.deployer, [s.d], T0).deployments.map((t) => t.need.kind)).toEqual(['start_gate']);
    s.act(USERS.deployer, { type: 'cancel', reason: 'Postponed' });
    expect(waitingFor(USERS.deployer, [s.d], T0).deployments).toEqual([]);
  });
});
