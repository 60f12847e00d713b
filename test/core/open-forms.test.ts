/**
 * A form opens only when its submission would be taken: `requireOpen` answers
 * as `decide` does for the command the form will send, whatever is typed in it.
 */
import { describe, expect, it } from 'vitest';
import { decide, requireOpen, type Command, type Opening } from '../../src/core/deployment/decide.js';
import type { Deployment } from '../../src/core/deployment/types.js';
import { DomainError } from '../../src/core/errors.js';
import { KEYS, Scenario, T0, USERS } from './fixtures.js';

/** Each form, and a submission of it as a person would type it. */
const FORMS: Array<[Opening, Command]> = [
  [
    { type: 'confirm_item', key: KEYS.tests },
    { type: 'confirm_item', key: KEYS.tests, evidence: 'https://ci/1' },
  ],
  [
    { type: 'fail_item', key: KEYS.drain },
    { type: 'fail_item', key: KEYS.drain, note: 'disk full' },
  ],
  [
    { type: 'reject', role: 'qa_lead' },
    { type: 'reject', role: 'qa_lead', reason: 'tests red' },
  ],
  [
    { type: 'override_gate', gate: 'start' },
    { type: 'override_gate', gate: 'start', reason: 'hotfix' },
  ],
  [{ type: 'cancel' }, { type: 'cancel', reason: 'moved' }],
  [{ type: 'reschedule' }, { type: 'reschedule', windowStart: T0 + 86_400_000, windowEnd: T0 + 90_000_000 }],
  [{ type: 'start_rollback' }, { type: 'start_rollback', trigger: 'errors', restore: [], note: '', toVersion: null }],
  [{ type: 'fail_rollback' }, { type: 'fail_rollback', note: 'stuck' }],
];

const answer = (fn: () => unknown): string => {
  try {
    fn();
    return 'ok';
  } catch (e) {
    if (e instanceof DomainError) return `${e.code}: ${e.message}`;
    throw e;
  }
};

describe('requireOpen', () => {
  const scenarios: Array<[string, Deployment]> = [];
  const scheduled = new Scenario();
  scenarios.push(['scheduled', scheduled.d]);
  const running = new Scenario().ready();
  running.act(USERS.deployer, { type: 'start_phase', phaseId: 'prepare' });
  scenarios.push(['in progress', running.d]);
  const rolling = new Scenario().ready();
  rolling.act(USERS.deployer, { type: 'start_phase', phaseId: 'prepare' });
  rolling.act(USERS.ops, { type: 'start_rollback', trigger: 'errors', restore: [], note: '', toVersion: null });
  scenarios.push(['rolling back', rolling.d]);
  const cancelled = new Scenario();
  cancelled.act(USERS.deployer, { type: 'cancel', reason: 'moved' });
  scenarios.push(['cancelled', cancelled.d]);

  for (const [state, d] of scenarios)
    it(`answers as the submission would, for everyone, when the deployment is ${state}`, () => {
      for (const [opening, command] of FORMS)
        for (const actor of Object.values(USERS))
          expect(
            answer(() => requireOpen(d, opening, actor)),
            `${opening.type} by ${actor}`,
          ).toBe(answer(() => decide(d, command, actor)));
    });
});
