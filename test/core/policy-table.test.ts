import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { may, type Action, type ActionName } from '../../src/core/policy/may.js';
import { WHO_MAY, whoMayMarkdown, type Who } from '../../src/core/policy/table.js';
import type { Policy } from '../../src/core/policy/policy.js';
import { plainModalError } from '../../src/slack/views/modal-errors.js';
import { Scenario, USERS } from './fixtures.js';

// Someone for every kind of person the table speaks of.
const PEOPLE: Record<Who, string> = {
  deployer: USERS.deployer,
  approver: USERS.dev,
  author: USERS.qa,
  rollback_user: 'UONCALL01',
  listed_deployer: 'ULISTED01',
  holder: 'UHOLDER01',
  admin: 'UADMIN001',
  stranger: USERS.stranger,
};
const POLICY: Policy = {
  deployerMayApprove: false,
  defaultMonitoringMinutes: 0,
  rollbackUsers: [PEOPLE.rollback_user],
  deployers: [PEOPLE.deployer, PEOPLE.listed_deployer],
  admins: [PEOPLE.admin],
  overrides: 'second_person',
};

const d = new Scenario().d;
const ACTIONS: Record<ActionName, Action> = {
  deploy: { type: 'deploy' },
  be_deployer: { type: 'be_deployer' },
  confirm: { type: 'confirm' },
  undo: { type: 'undo', by: PEOPLE.author },
  approve: { type: 'approve', role: 'dev_lead' },
  reject: { type: 'reject', role: 'dev_lead' },
  override: { type: 'override' },
  grant_override: { type: 'grant_override', requestedBy: PEOPLE.deployer },
  start_phase: { type: 'start_phase' },
  complete_phase: { type: 'complete_phase' },
  complete: { type: 'complete' },
  cancel: { type: 'cancel' },
  reschedule: { type: 'reschedule' },
  verdict: { type: 'verdict' },
  report_faulty: { type: 'report_faulty' },
  rollback: { type: 'rollback' },
  finish_rollback: { type: 'finish_rollback' },
  lock: { type: 'lock', active: [] },
  unlock: { type: 'unlock', lock: { lockedBy: PEOPLE.holder, deployment: null } },
  freeze: { type: 'freeze' },
  see: { type: 'see' },
};

describe('who may do what: the table is may()', () => {
  it('names every action once', () => {
    expect(WHO_MAY.map((r) => r.action).sort()).toEqual(Object.keys(ACTIONS).sort());
  });

  it.each(WHO_MAY.map((r) => [r.what, r] as const))('%s', (_what, row) => {
    const allowed = (Object.keys(PEOPLE) as Who[]).filter(
      (who) => may(d, ACTIONS[row.action], PEOPLE[who], POLICY).allowed,
    );
    expect(allowed.sort()).toEqual([...row.allowed].sort());
  });

  it('every refusal says who can, naming the admins where they can', () => {
    for (const row of WHO_MAY) {
      const p = may(d, ACTIONS[row.action], PEOPLE.stranger, POLICY);
      if (p.allowed) continue;
      expect(p.reason).toMatch(/^Only |^You /);
      if (row.allowed.includes('admin')) expect(p.reason).toContain(`<@${PEOPLE.admin}>`);
    }
  });

  it('every refusal reads naturally as a form field error (plain text): who can, never an id', () => {
    const rolling = { ...d, rollback: { started: { by: USERS.qa, at: 0 } } } as typeof d;
    for (const subject of [d, rolling]) {
      for (const row of WHO_MAY) {
        const p = may(subject, ACTIONS[row.action], PEOPLE.stranger, POLICY);
        if (p.allowed) continue;
        const plain = plainModalError(p.reason);
        expect(plain).not.toMatch(/<|@|\b[UWS][A-Z0-9]{5,}\b/);
        expect(plain).not.toMatch(/\(\s*\)| ,|\s{2}|Only someone (?!other)/);
      }
    }
  });

  it("the README's Security model table is this table", () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('## Security model'));
    const rows = section
      .split('\n')
      .filter((l) => l.startsWith('| ') && !l.startsWith('| action') && !l.startsWith('|---'));
    expect(rows.slice(0, WHO_MAY.length)).toEqual(whoMayMarkdown());
  });
});
