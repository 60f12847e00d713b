import { describe, expect, it } from 'vitest';
import { applyEvent, replay } from '../../src/core/deployment/apply.js';
import { decide, DEFAULT_POLICY } from '../../src/core/deployment/decide.js';
import { gateReport, requiredRoles } from '../../src/core/deployment/gates.js';
import { currentPhase, progressOf } from '../../src/core/deployment/progress.js';
import { DomainError } from '../../src/core/errors.js';
import { validateTemplate } from '../../src/core/template/validate.js';
import { KEYS, rawTemplate, refusal, Scenario, T0, template, USERS } from './fixtures.js';

describe('the fixture template', () => {
  it('passes validateTemplate and fills in defaults', () => {
    const v = validateTemplate(rawTemplate);
    expect(v.ok).toBe(true);
    expect(template.approvals.map((a) => [a.role, a.required])).toEqual([
      ['dev_lead', true],
      ['qa_lead', true],
      ['ops_lead', true],
      ['product_owner', false],
    ]);
    expect(template.preDeployment[1]!.items[1]!.required).toBe(false);
  });
});

describe('a deployment, from creation to completion', () => {
  it('starts scheduled, with every phase planned and nothing done', () => {
    const s = new Scenario();
    expect(s.d).toMatchObject({
      id: 1,
      ref: 'DEP-1',
      status: 'scheduled',
      revision: 1,
      items: {},
      approvals: {},
      overrides: [],
    });
    expect(s.d.created).toEqual({ by: USERS.deployer, at: T0 });
    expect(Object.keys(s.d.phases)).toEqual(['prepare', 'deploy', 'smoke']);
    expect(s.d.window).toEqual({ start: T0 + 2 * 3600_000, end: T0 + 6 * 3600_000 });
  });

  it('moves scheduled → preparing → in_progress → verifying → completed', () => {
    const s = new Scenario();
    const statuses = [s.d.status];
    const note = () => {
      if (statuses.at(-1) !== s.d.status) statuses.push(s.d.status);
    };

    expect(s.act(USERS.dev, { type: 'approve', role: 'dev_lead' })).toEqual([{ type: 'approved', role: 'dev_lead' }]);
    note();
    s.act(USERS.qa, { type: 'approve', role: 'qa_lead' });
    s.act(USERS.ops, { type: 'approve', role: 'ops_lead' });
    expect(s.act(USERS.deployer, { type: 'confirm_item', key: KEYS.tests, evidence: 'https://ci/1' })).toEqual([
      { type: 'item_confirmed', key: KEYS.tests, evidence: 'https://ci/1' },
    ]);
    expect(s.act(USERS.qa, { type: 'confirm_item', key: KEYS.reviewed })).toEqual([
      { type: 'item_confirmed', key: KEYS.reviewed },
    ]);
    s.act(USERS.ops, { type: 'confirm_item', key: KEYS.backup, evidence: 'bk-1' });
    note();
    expect(gateReport(s.d, 'start')).toEqual({ gate: 'start', open: true, missing: [] });

    for (const phaseId of ['prepare', 'deploy', 'smoke'] as const) {
      expect(s.act(USERS.deployer, { type: 'start_phase', phaseId })).toEqual([{ type: 'phase_started', phaseId }]);
      note();
      expect(currentPhase(s.d)?.id).toBe(phaseId);
      for (const step of template.phases.find((p) => p.id === phaseId)!.steps.filter((x) => x.required)) {
        s.act(USERS.deployer, { type: 'confirm_item', key: `phase.${phaseId}.${step.id}` });
      }
      expect(s.act(USERS.deployer, { type: 'complete_phase', phaseId })).toEqual([
        { type: 'phase_completed', phaseId },
      ]);
      note();
    }
    expect(currentPhase(s.d)).toBeUndefined();
    expect(gateReport(s.d, 'complete').missing).toEqual([
      'Verification: Health endpoint answers 200',
      'Verification: Error rate below 1%',
      'Post-deployment: Announce completion',
    ]);

    s.act(USERS.qa, { type: 'confirm_item', key: KEYS.health });
    s.act(USERS.qa, { type: 'confirm_item', key: KEYS.errors });
    s.act(USERS.deployer, { type: 'confirm_item', key: KEYS.announce });
    expect(s.act(USERS.deployer, { type: 'complete' })).toEqual([{ type: 'completed' }]);
    note();

    expect(statuses).toEqual(['scheduled', 'preparing', 'in_progress', 'verifying', 'completed']);
    expect(s.d.completed).toEqual({ by: USERS.deployer, at: s.at });
    expect(s.d.revision).toBe(s.log.length);
    expect(s.d.items[KEYS.tests]).toEqual({
      state: 'done',
      by: USERS.deployer,
      at: T0 + 4 * 60_000,
      evidence: 'https://ci/1',
    });
    expect(s.d.approvals.dev_lead).toEqual({ decision: 'approved', by: USERS.dev, at: T0 + 60_000 });
    expect(progressOf(s.d)).toEqual({
      done: 11,
      total: 11,
      failed: 0,
      percent: 100,
      optionalDone: 0,
      optionalTotal: 3,
    });
  });

  it('becomes preparing on the first confirmed pre-deployment item, even before any approval', () => {
    const s = new Scenario();
    s.act(USERS.dev, { type: 'confirm_item', key: KEYS.reviewed });
    expect(s.d.status).toBe('preparing');
  });

  it('records who confirmed an item and when, and keeps the evidence given', () => {
    const s = new Scenario();
    s.act(USERS.ops, { type: 'confirm_item', key: KEYS.backup, evidence: 'bk-42' });
    expect(s.d.items[KEYS.backup]).toEqual({ state: 'done', by: USERS.ops, at: T0 + 60_000, evidence: 'bk-42' });
  });

  it('replay of the recorded events equals the state folded along the way', () => {
    const s = new Scenario().allPhases();
    s.act(USERS.deployer, { type: 'undo_item', key: KEYS.reviewed });
    s.act(USERS.dev, { type: 'confirm_item', key: KEYS.reviewed });
    expect(replay(1, s.log)).toEqual(s.d);
    expect(replay(1, JSON.parse(JSON.stringify(s.log)))).toEqual(JSON.parse(JSON.stringify(s.d)));
  });

  it('replay refuses a log that does not start with "created", and applyEvent a second "created"', () => {
    const s = new Scenario().approveAll();
    expect(() => replay(1, s.log.slice(1))).toThrow('events of deployment DEP-1 do not start with "created"');
    expect(() => replay(1, [])).toThrow(/do not start with "created"/);
    expect(() => applyEvent(s.d, s.log[0]!)).toThrow('deployment DEP-1 was created twice');
  });

  it('applyEvent never mutates the state it is given', () => {
    const s = new Scenario();
    const before = structuredClone(s.d);
    const frozen = s.d;
    applyEvent(frozen, { type: 'approved', role: 'dev_lead', actor: USERS.dev, at: T0 });
    applyEvent(frozen, { type: 'item_confirmed', key: KEYS.reviewed, actor: USERS.dev, at: T0 });
    expect(frozen).toEqual(before);
  });

  it('a refused attempt is audit only: it advances the revision and changes nothing else', () => {
    const s = new Scenario();
    const next = applyEvent(s.d, { type: 'refused', action: 'approve', reason: 'no', actor: USERS.stranger, at: T0 });
    expect(next).toEqual({ ...s.d, revision: 2 });
  });
});

describe('approvals', () => {
  it('only the people named for a role can sign for it', () => {
    const s = new Scenario();
    const e = refusal(() => s.act(USERS.qa, { type: 'approve', role: 'dev_lead' }));
    expect(e.code).toBe('not_allowed');
    expect(e.message).toBe(`Only the named Dev Lead (<@${USERS.dev}>) can sign as Dev Lead on DEP-1.`);
    expect(refusal(() => s.act(USERS.stranger, { type: 'reject', role: 'qa_lead', reason: 'no' })).code).toBe(
      'not_allowed',
    );
  });

  it('a role with nobody named cannot be signed by anyone', () => {
    const s = new Scenario();
    const e = refusal(() => s.act(USERS.po, { type: 'approve', role: 'product_owner' }));
    expect(e).toMatchObject({
      code: 'not_allowed',
      message: 'Nobody is named as Product Owner on DEP-1, so nobody can sign as Product Owner yet.',
    });
  });

  it('an unknown role is not found', () => {
    const s = new Scenario();
    expect(refusal(() => s.act(USERS.dev, { type: 'approve', role: 'cto' }))).toMatchObject({
      code: 'not_found',
      message: 'DEP-1 has no approval role “cto”.',
    });
  });

  it('the deployer cannot approve their own deployment, even when named', () => {
    const s = new Scenario({ approvers: { dev_lead: [USERS.deployer], qa_lead: [USERS.qa], ops_lead: [USERS.ops] } });
    expect(refusal(() => s.act(USERS.deployer, { type: 'approve', role: 'dev_lead' }))).toMatchObject({
      code: 'not_allowed',
      message: 'You are the deployer of DEP-1: someone else must sign as Dev Lead.',
    });
  });

  it('the deployer may approve their own deployment when the policy allows it', () => {
    const s = new Scenario(
      { approvers: { dev_lead: [USERS.deployer], qa_lead: [USERS.qa], ops_lead: [USERS.ops] } },
      { ...DEFAULT_POLICY, deployerMayApprove: true },
    );
    expect(s.act(USERS.deployer, { type: 'approve', role: 'dev_lead' })).toEqual([
      { type: 'approved', role: 'dev_lead' },
    ]);
  });

  it('one person signs for one role, even when named for two', () => {
    const s = new Scenario({
      approvers: { dev_lead: [USERS.dev], qa_lead: [USERS.dev, USERS.qa], ops_lead: [USERS.ops] },
    });
    s.act(USERS.dev, { type: 'approve', role: 'dev_lead' });
    expect(refusal(() => s.act(USERS.dev, { type: 'approve', role: 'qa_lead' }))).toMatchObject({
      code: 'not_allowed',
      message: 'You already signed as Dev Lead; one person signs for one role.',
    });
    expect(s.act(USERS.qa, { type: 'approve', role: 'qa_lead' })).toHaveLength(1);
  });

  it('approving twice is already done', () => {
    const s = new Scenario().approveAll();
    expect(refusal(() => s.act(USERS.dev, { type: 'approve', role: 'dev_lead' }))).toMatchObject({
      code: 'already_done',
      message: 'Dev Lead already approved DEP-1.',
    });
  });

  it('a rejection keeps its reason, holds the start gate, and can be turned into an approval', () => {
    const s = new Scenario();
    expect(s.act(USERS.qa, { type: 'reject', role: 'qa_lead', reason: 'tests are red' })).toEqual([
      { type: 'rejected', role: 'qa_lead', reason: 'tests are red' },
    ]);
    expect(s.d.approvals.qa_lead).toEqual({ decision: 'rejected', by: USERS.qa, at: s.at, reason: 'tests are red' });
    expect(refusal(() => s.act(USERS.qa, { type: 'reject', role: 'qa_lead', reason: 'again' })).code).toBe(
      'already_done',
    );
    expect(gateReport(s.d, 'start').missing).toContain('QA Lead rejected it');
    s.act(USERS.qa, { type: 'approve', role: 'qa_lead' });
    expect(gateReport(s.d, 'start').missing).not.toContain('QA Lead rejected it');
  });

  it('cannot reject once the deployment is under way', () => {
    const s = new Scenario().ready();
    s.act(USERS.deployer, { type: 'start_phase', phaseId: 'prepare' });
    expect(refusal(() => s.act(USERS.qa, { type: 'reject', role: 'qa_lead', reason: 'late' }))).toMatchObject({
      code: 'not_now',
      message: 'DEP-1 is already under way; raise the problem in the thread or roll back.',
    });
  });
});

describe('confirming, failing and undoing items', () => {
  it('only the deployer and named approvers can confirm items', () => {
    const s = new Scenario();
    expect(refusal(() => s.act(USERS.stranger, { type: 'confirm_item', key: KEYS.reviewed }))).toMatchObject({
      code: 'not_allowed',
      message: 'Only the deployer and the approvers named on DEP-1 can confirm its items.',
    });
  });

  it('an item with evidence needs the evidence, and blank evidence does not count', () => {
    const s = new Scenario();
    const e = refusal(() => s.act(USERS.deployer, { type: 'confirm_item', key: KEYS.tests }));
    expect(e).toMatchObject({
      code: 'invalid_input',
      message: '“All tests passing” needs link to test results to be confirmed.',
    });
    expect(refusal(() => s.act(USERS.deployer, { type: 'confirm_item', key: KEYS.backup, evidence: '   ' })).code).toBe(
      'invalid_input',
    );
    expect(s.d.items).toEqual({});
  });

  it('confirming twice names who confirmed first', () => {
    const s = new Scenario();
    s.act(USERS.dev, { type: 'confirm_item', key: KEYS.reviewed });
    expect(refusal(() => s.act(USERS.qa, { type: 'confirm_item', key: KEYS.reviewed }))).toMatchObject({
      code: 'already_done',
      message: `“Code reviewed and approved” was already confirmed (by <@${USERS.dev}>).`,
    });
  });

  it('an unknown item key is not found', () => {
    const s = new Scenario();
    expect(refusal(() => s.act(USERS.deployer, { type: 'confirm_item', key: 'pre.code.nope' }))).toMatchObject({
      code: 'not_found',
      message: 'DEP-1 has no such item any more.',
    });
  });

  it('phase steps can be confirmed only while their phase runs', () => {
    const s = new Scenario().ready();
    expect(refusal(() => s.act(USERS.deployer, { type: 'confirm_item', key: KEYS.drain }))).toMatchObject({
      code: 'not_now',
      message: 'Start the phase “Preparation” first.',
    });
    s.runPhase('prepare');
    expect(refusal(() => s.act(USERS.deployer, { type: 'fail_item', key: KEYS.drain, note: 'x' }))).toMatchObject({
      code: 'not_now',
      message: 'The phase “Preparation” is already complete.',
    });
    expect(refusal(() => s.act(USERS.deployer, { type: 'undo_item', key: KEYS.drain })).message).toBe(
      'The phase “Preparation” is already complete.',
    );
  });

  it('verification and post-deployment items open once the first phase has started', () => {
    const s = new Scenario().ready();
    expect(refusal(() => s.act(USERS.qa, { type: 'confirm_item', key: KEYS.health }))).toMatchObject({
      code: 'not_now',
      message: 'Verification opens once the first deployment phase has started.',
    });
    expect(refusal(() => s.act(USERS.qa, { type: 'confirm_item', key: KEYS.announce })).code).toBe('not_now');
    s.act(USERS.deployer, { type: 'start_phase', phaseId: 'prepare' });
    expect(s.act(USERS.qa, { type: 'confirm_item', key: KEYS.health })).toHaveLength(1);
  });

  it('rollback items wait for a rollback', () => {
    const s = new Scenario().allPhases();
    expect(refusal(() => s.act(USERS.deployer, { type: 'confirm_item', key: KEYS.revert }))).toMatchObject({
      code: 'not_now',
      message: 'The rollback checklist opens when a rollback starts.',
    });
  });

  it('only phase steps can fail; a failed step keeps its note and can then be confirmed', () => {
    const s = new Scenario().ready();
    expect(refusal(() => s.act(USERS.deployer, { type: 'fail_item', key: KEYS.reviewed, note: 'x' }))).toMatchObject({
      code: 'not_now',
      message: 'Only deployment steps can be marked failed.',
    });
    s.act(USERS.deployer, { type: 'start_phase', phaseId: 'prepare' });
    expect(s.act(USERS.dev, { type: 'fail_item', key: KEYS.drain, note: 'node A stuck' })).toEqual([
      { type: 'item_failed', key: KEYS.drain, note: 'node A stuck' },
    ]);
    expect(s.d.items[KEYS.drain]).toEqual({ state: 'failed', by: USERS.dev, at: s.at, note: 'node A stuck' });
    expect(progressOf(s.d).failed).toBe(1);
    expect(refusal(() => s.act(USERS.dev, { type: 'fail_item', key: KEYS.drain, note: 'again' })).code).toBe(
      'already_done',
    );
    expect(refusal(() => s.act(USERS.stranger, { type: 'fail_item', key: KEYS.snapshot, note: 'x' })).code).toBe(
      'not_allowed',
    );
    s.act(USERS.deployer, { type: 'confirm_item', key: KEYS.drain });
    expect(s.d.items[KEYS.drain]?.state).toBe('done');
  });

  it('an undo is allowed to the one who confirmed and to the deployer, and records what was undone', () => {
    const s = new Scenario();
    s.act(USERS.dev, { type: 'confirm_item', key: KEYS.reviewed });
    const confirmed = s.d.items[KEYS.reviewed]!;
    expect(refusal(() => s.act(USERS.qa, { type: 'undo_item', key: KEYS.reviewed }))).toMatchObject({
      code: 'not_allowed',
      message: `Only whoever confirmed it (<@${USERS.dev}>) or the deployer can undo that.`,
    });
    expect(s.act(USERS.dev, { type: 'undo_item', key: KEYS.reviewed })).toEqual([
      { type: 'item_undone', key: KEYS.reviewed, previous: confirmed },
    ]);
    expect(s.d.items[KEYS.reviewed]).toBeUndefined();
    s.act(USERS.dev, { type: 'confirm_item', key: KEYS.reviewed });
    expect(s.act(USERS.deployer, { type: 'undo_item', key: KEYS.reviewed })).toHaveLength(1);
    expect(refusal(() => s.act(USERS.deployer, { type: 'undo_item', key: KEYS.reviewed }))).toMatchObject({
      code: 'already_done',
      message: '“Code reviewed and approved” is not confirmed.',
    });
  });
});

describe('phases', () => {
  it('only the deployer starts and completes phases', () => {
    const s = new Scenario().ready();
    expect(refusal(() => s.act(USERS.dev, { type: 'start_phase', phaseId: 'prepare' }))).toMatchObject({
      code: 'not_allowed',
      message: `Only the deployer, <@${USERS.deployer}>, can start the phases of DEP-1.`,
    });
    s.act(USERS.deployer, { type: 'start_phase', phaseId: 'prepare' });
    s.act(USERS.deployer, { type: 'confirm_item', key: KEYS.drain });
    s.act(USERS.deployer, { type: 'confirm_item', key: KEYS.snapshot });
    expect(refusal(() => s.act(USERS.ops, { type: 'complete_phase', phaseId: 'prepare' }))).toMatchObject({
      code: 'not_allowed',
      message: `Only the deployer, <@${USERS.deployer}>, can complete the phases of DEP-1.`,
    });
  });

  it('run in order', () => {
    const s = new Scenario().ready();
    expect(refusal(() => s.act(USERS.deployer, { type: 'start_phase', phaseId: 'deploy' }))).toMatchObject({
      code: 'not_now',
      message: 'Complete “Preparation” before starting “Deployment”.',
    });
    s.act(USERS.deployer, { type: 'start_phase', phaseId: 'prepare' });
    expect(refusal(() => s.act(USERS.deployer, { type: 'start_phase', phaseId: 'deploy' })).code).toBe('not_now');
    expect(refusal(() => s.act(USERS.deployer, { type: 'start_phase', phaseId: 'prepare' }))).toMatchObject({
      code: 'already_done',
      message: '“Preparation” has already started.',
    });
  });

  it('complete only once started, once, and with every required step done (optional steps never hold it)', () => {
    const s = new Scenario().ready().runPhase('prepare');
    expect(refusal(() => s.act(USERS.deployer, { type: 'complete_phase', phaseId: 'deploy' }))).toMatchObject({
      code: 'not_now',
      message: '“Deployment” has not started.',
    });
    expect(refusal(() => s.act(USERS.deployer, { type: 'complete_phase', phaseId: 'prepare' }))).toMatchObject({
      code: 'already_done',
      message: '“Preparation” is already complete.',
    });
    s.act(USERS.deployer, { type: 'start_phase', phaseId: 'deploy' });
    s.act(USERS.deployer, { type: 'confirm_item', key: KEYS.migrate });
    const e = refusal(() => s.act(USERS.deployer, { type: 'complete_phase', phaseId: 'deploy' }));
    expect(e).toMatchObject({
      code: 'gate_closed',
      message: '“Deployment” still has steps to do:',
      details: ['Roll out the new version'],
    });
    s.act(USERS.deployer, { type: 'confirm_item', key: KEYS.rollout });
    expect(s.act(USERS.deployer, { type: 'complete_phase', phaseId: 'deploy' })).toEqual([
      { type: 'phase_completed', phaseId: 'deploy' },
    ]);
    expect(s.d.items[KEYS.flags]).toBeUndefined();
  });

  it('an unknown phase is not found', () => {
    const s = new Scenario().ready();
    expect(refusal(() => s.act(USERS.deployer, { type: 'start_phase', phaseId: 'nope' }))).toMatchObject({
      code: 'not_found',
      message: 'DEP-1 has no such phase.',
    });
    expect(refusal(() => s.act(USERS.deployer, { type: 'complete_phase', phaseId: 'nope' })).code).toBe('not_found');
  });

  it('the phases record when they started and completed', () => {
    const s = new Scenario().ready();
    s.act(USERS.deployer, { type: 'start_phase', phaseId: 'prepare' });
    const startedAt = s.at;
    expect(s.d.phases.prepare).toMatchObject({ started: { by: USERS.deployer, at: startedAt } });
    expect(s.d.phases.prepare?.completed).toBeUndefined();
  });
});

describe('the start gate', () => {
  it('when closed, lists every missing approval and required pre-deployment item, never optional ones', () => {
    const s = new Scenario();
    const e = refusal(() => s.act(USERS.deployer, { type: 'start_phase', phaseId: 'prepare' }));
    expect(e.code).toBe('gate_closed');
    expect(e.message).toBe('DEP-1 cannot start yet. Still missing:');
    expect(e.details).toEqual([
      'Dev Lead approval',
      'QA Lead approval',
      'Ops Lead approval',
      'Code Preparation: All tests passing',
      'Code Preparation: Code reviewed and approved',
      'Environment Preparation: Database backup completed',
    ]);
  });

  it('names a required role with nobody named', () => {
    const s = new Scenario({ approvers: { dev_lead: [USERS.dev], qa_lead: [USERS.qa] } });
    expect(gateReport(s.d, 'start').missing).toContain('Ops Lead approval (nobody named)');
  });

  it('the optional product owner is not required unless someone is named for it', () => {
    const plain = new Scenario().ready();
    expect(requiredRoles(plain.d)).toEqual(['dev_lead', 'qa_lead', 'ops_lead']);
    expect(gateReport(plain.d, 'start')).toMatchObject({ open: true, missing: [] });

    const named = new Scenario({
      approvers: { dev_lead: [USERS.dev], qa_lead: [USERS.qa], ops_lead: [USERS.ops], product_owner: [USERS.po] },
    }).ready();
    expect(requiredRoles(named.d)).toContain('product_owner');
    expect(gateReport(named.d, 'start')).toMatchObject({ open: false, missing: ['Product Owner approval'] });
    expect(refusal(() => named.act(USERS.deployer, { type: 'start_phase', phaseId: 'prepare' })).details).toEqual([
      'Product Owner approval',
    ]);
    named.act(USERS.po, { type: 'approve', role: 'product_owner' });
    expect(gateReport(named.d, 'start').open).toBe(true);
  });

  it('an optional pre-deployment item never holds it', () => {
    const s = new Scenario().ready();
    expect(s.d.items[KEYS.maintenance]).toBeUndefined();
    expect(s.act(USERS.deployer, { type: 'start_phase', phaseId: 'prepare' })).toHaveLength(1);
  });

  it('a deployer override opens it and records what was missing and why (where the deployer may: staging)', () => {
    const s = new Scenario({ environment: 'staging' });
    s.act(USERS.dev, { type: 'approve', role: 'dev_lead' });
    expect(s.act(USERS.deployer, { type: 'override_gate', gate: 'start', reason: 'P1 outage fix' })).toEqual([
      {
        type: 'gate_overridden',
        gate: 'start',
        reason: 'P1 outage fix',
        missing: [
          'QA Lead approval',
          'Ops Lead approval',
          'Code Preparation: All tests passing',
          'Code Preparation: Code reviewed and approved',
          'Environment Preparation: Database backup completed',
        ],
      },
    ]);
    expect(s.d.overrides).toEqual([
      { gate: 'start', reason: 'P1 outage fix', missing: expect.any(Array), by: USERS.deployer, at: s.at },
    ]);
    const report = gateReport(s.d, 'start');
    expect(report.open).toBe(true);
    expect(report.overridden?.reason).toBe('P1 outage fix');
    expect(s.act(USERS.deployer, { type: 'start_phase', phaseId: 'prepare' })).toEqual([
      { type: 'phase_started', phaseId: 'prepare' },
    ]);
  });

  it('in production the deployer only asks, by default: an approver other than the deployer grants it', () => {
    const s = new Scenario();
    expect(s.act(USERS.deployer, { type: 'override_gate', gate: 'start', reason: 'P1 outage fix' })).toEqual([
      { type: 'override_requested', gate: 'start', reason: 'P1 outage fix', missing: expect.any(Array) },
    ]);
    expect(gateReport(s.d, 'start').open).toBe(false);
    expect(refusal(() => s.act(USERS.deployer, { type: 'grant_override', gate: 'start' })).code).toBe('not_allowed');
    s.act(USERS.dev, { type: 'grant_override', gate: 'start' });
    expect(gateReport(s.d, 'start').open).toBe(true);
  });

  it('only the deployer overrides, once, and only a closed gate', () => {
    const s = new Scenario({ environment: 'staging' });
    expect(refusal(() => s.act(USERS.dev, { type: 'override_gate', gate: 'start', reason: 'x' }))).toMatchObject({
      code: 'not_allowed',
      message: `Only the deployer, <@${USERS.deployer}>, can override a gate of DEP-1.`,
    });
    s.act(USERS.deployer, { type: 'override_gate', gate: 'start', reason: 'x' });
    expect(refusal(() => s.act(USERS.deployer, { type: 'override_gate', gate: 'start', reason: 'y' }))).toMatchObject({
      code: 'already_done',
      message: 'That gate was already overridden.',
    });
    const open = new Scenario({ environment: 'staging' }).ready();
    expect(
      refusal(() => open.act(USERS.deployer, { type: 'override_gate', gate: 'start', reason: 'y' })),
    ).toMatchObject({
      code: 'already_done',
      message: 'That gate is already open: nothing to override.',
    });
  });
});

describe('completing and cancelling', () => {
  it('only the deployer completes, and only through an open completion gate', () => {
    const s = new Scenario().ready().runPhase('prepare');
    expect(refusal(() => s.act(USERS.dev, { type: 'complete' }))).toMatchObject({
      code: 'not_allowed',
      message: `Only the deployer, <@${USERS.deployer}>, can complete DEP-1.`,
    });
    const e = refusal(() => s.act(USERS.deployer, { type: 'complete' }));
    expect(e.code).toBe('gate_closed');
    expect(e.message).toBe('DEP-1 cannot be completed yet. Still missing:');
    expect(e.details).toEqual([
      'Phase “Deployment” is not complete',
      'Phase “Smoke tests” is not complete',
      'Verification: Health endpoint answers 200',
      'Verification: Error rate below 1%',
      'Post-deployment: Announce completion',
    ]);
  });

  it('an override of the completion gate, granted by an approver, lets the deployer complete', () => {
    const s = new Scenario().allPhases();
    s.act(USERS.deployer, { type: 'override_gate', gate: 'complete', reason: 'checks done by hand' });
    s.act(USERS.ops, { type: 'grant_override', gate: 'complete' });
    expect(s.d.overrides[0]?.missing).toHaveLength(3);
    expect(s.act(USERS.deployer, { type: 'complete' })).toEqual([{ type: 'completed' }]);
    expect(s.d.status).toBe('completed');
  });

  it('only the deployer cancels; a cancellation keeps its reason', () => {
    const s = new Scenario();
    expect(refusal(() => s.act(USERS.ops, { type: 'cancel', reason: 'x' }))).toMatchObject({
      code: 'not_allowed',
      message: `Only the deployer, <@${USERS.deployer}>, can cancel DEP-1.`,
    });
    expect(s.act(USERS.deployer, { type: 'cancel', reason: 'moved to Friday' })).toEqual([
      { type: 'cancelled', reason: 'moved to Friday' },
    ]);
    expect(s.d.status).toBe('cancelled');
    expect(s.d.cancelled).toEqual({ by: USERS.deployer, at: s.at, reason: 'moved to Friday' });
  });

  it('a deployment under way can be cancelled', () => {
    const s = new Scenario().ready();
    s.act(USERS.deployer, { type: 'start_phase', phaseId: 'prepare' });
    expect(s.act(USERS.deployer, { type: 'cancel', reason: 'abort' })).toHaveLength(1);
  });

  const everyCommand = [
    { type: 'confirm_item', key: KEYS.maintenance },
    { type: 'fail_item', key: KEYS.drain, note: 'x' },
    { type: 'undo_item', key: KEYS.reviewed },
    { type: 'approve', role: 'dev_lead' },
    { type: 'reject', role: 'dev_lead', reason: 'x' },
    { type: 'override_gate', gate: 'complete', reason: 'x' },
    { type: 'start_phase', phaseId: 'prepare' },
    { type: 'complete_phase', phaseId: 'smoke' },
    { type: 'complete' },
    { type: 'cancel', reason: 'x' },
  ] as const;

  it.each(everyCommand)('a completed deployment refuses $type', (cmd) => {
    const s = new Scenario().allPhases();
    s.act(USERS.qa, { type: 'confirm_item', key: KEYS.health });
    s.act(USERS.qa, { type: 'confirm_item', key: KEYS.errors });
    s.act(USERS.deployer, { type: 'confirm_item', key: KEYS.announce });
    s.act(USERS.deployer, { type: 'complete' });
    for (const actor of [USERS.deployer, USERS.dev]) {
      expect(refusal(() => decide(s.d, cmd, actor))).toMatchObject({
        code: 'finished',
        message: 'DEP-1 is completed: nothing about it can change now.',
      });
    }
  });

  it.each(everyCommand)('a cancelled deployment refuses $type', (cmd) => {
    const s = new Scenario();
    s.act(USERS.deployer, { type: 'cancel', reason: 'x' });
    const e = refusal(() => decide(s.d, cmd, USERS.deployer));
    expect(e).toBeInstanceOf(DomainError);
    expect(e).toMatchObject({ code: 'finished', message: 'DEP-1 is cancelled: nothing about it can change now.' });
  });
});
