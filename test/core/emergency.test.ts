import { describe, expect, it } from 'vitest';
import { gateOutcome } from '../../src/core/deployment/gate-wait.js';
import { gateReport } from '../../src/core/deployment/gates.js';
import { DEFAULT_POLICY } from '../../src/core/deployment/decide.js';
import { Scenario, USERS } from './fixtures.js';

const ADMIN = 'U0ADMIN0001';
const policy = { ...DEFAULT_POLICY, admins: [ADMIN], overrides: 'deployer' as const };
const emergency = { reason: 'payments down', calendar: 'Production is deployed only Mon-Fri 09:00-16:00 (UTC).' };
const ready = () => new Scenario({ emergency }, policy).approveAll().confirmPre();
const firstPhase = (s: Scenario) => ({ type: 'start_phase' as const, phaseId: s.d.plan.phases[0]!.id });

describe('an emergency outside the calendar', () => {
  it('is created asking for the override of its calendar gate, and holds the first phase until a second person grants it', () => {
    const s = ready();
    expect(s.d.overrideRequests?.calendar).toMatchObject({ by: USERS.deployer, reason: 'payments down' });
    expect(gateReport(s.d, 'start').open).toBe(true);
    expect(gateReport(s.d, 'calendar')).toMatchObject({ open: false, missing: [expect.stringContaining('Mon-Fri')] });
    expect(() => s.act(USERS.deployer, firstPhase(s))).toThrow(/is an emergency outside the calendar/);
    // A pipeline waiting on the start gate waits for it too.
    expect(gateOutcome(s.d, 'start')).toMatchObject({ state: 'waiting' });
  });

  it('cannot be let through by its deployer, even where the deployer overrides gates alone', () => {
    const s = ready();
    expect(() => s.act(USERS.deployer, { type: 'grant_override', gate: 'calendar' })).toThrow(
      /Only someone other than the deployer/,
    );
    expect(() => s.act(USERS.deployer, { type: 'override_gate', gate: 'calendar', reason: 'mine' })).toThrow(
      /already waits for a second person/,
    );
    expect(() => s.act(ADMIN, { type: 'override_gate', gate: 'calendar', reason: 'admin at once' })).toThrow(
      /already waits for a second person/,
    );
  });

  it('an approver other than the deployer grants it: recorded with who asked, and the first phase starts', () => {
    const s = ready();
    expect(s.act(USERS.dev, { type: 'grant_override', gate: 'calendar' })).toEqual([
      {
        type: 'gate_overridden',
        gate: 'calendar',
        reason: 'payments down',
        missing: [expect.any(String)],
        requestedBy: USERS.deployer,
      },
    ]);
    expect(gateOutcome(s.d, 'start')).toEqual({ state: 'open' });
    s.act(USERS.deployer, firstPhase(s));
    expect(s.d.status).toBe('in_progress');
  });

  it('an admin grants it too; a deployment inside the calendar has no calendar gate', () => {
    const s = ready();
    s.act(ADMIN, { type: 'grant_override', gate: 'calendar' });
    expect(s.d.overrides.find((o) => o.gate === 'calendar')?.by).toBe(ADMIN);
    const plain = new Scenario({}, policy);
    expect(gateReport(plain.d, 'calendar')).toEqual({ gate: 'calendar', open: true, missing: [] });
    expect(plain.d.overrideRequests).toBeUndefined();
  });
});
