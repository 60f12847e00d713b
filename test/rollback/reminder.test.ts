import { describe, expect, it } from 'vitest';
import type { Deployment } from '../../src/core/deployment/types.js';
import type { Template } from '../../src/core/template/schema.js';
import { DEFAULT_TIMINGS, planChange, skipReason } from '../../src/core/schedule/index.js';
import { ActionId } from '../../src/slack/ids.js';
import { rollbackDecision } from '../../src/slack/views/deployment/rollback.js';
import { renderNotice } from '../../src/slack/views/notices/index.js';
import { validateMessageBlocks } from '../support/block-kit-rules.js';
import { allTemplates, created, MIN, play, T0, USERS } from '../views/fixtures.js';
import { buttons } from '../views/helpers.js';

const plan = allTemplates[0]![1];
const monitored = (): Deployment =>
  play(
    created(plan),
    [{ type: 'gate_overridden', gate: 'start', reason: 'x', missing: [] }],
    [{ type: 'phase_started', phaseId: plan.phases[0]!.id }],
    [{ type: 'monitoring_started', minutes: 60 }, USERS.deployer, T0],
    [{ type: 'marked_faulty', note: 'p95 latency doubled' }, USERS.deployer, T0 + MIN],
  );
const job = { kind: 'rollback_decision' as const, dueAt: T0 + 11 * MIN, payload: { target: 'thread' as const } };

describe('the roll back or carry on question', () => {
  it('is planned with the issue notice, due 10 minutes after the release is marked faulty', () => {
    const d = monitored();
    const planned = planChange(d, [{ type: 'marked_faulty', note: 'x' }], d.revision, T0 + MIN, DEFAULT_TIMINGS);
    expect(planned.add.filter((j) => j.kind === 'rollback_decision')).toEqual([
      {
        key: `DEP-12:rollback_decision:${d.revision}:thread`,
        deploymentId: 12,
        kind: 'rollback_decision',
        dueAt: T0 + 11 * MIN,
        payload: { target: 'thread', seq: d.revision },
      },
    ]);
    expect(planned.add.map((j) => j.kind)).toContain('issue');
  });

  it('is sent only while the release is still live and monitored', () => {
    const d = monitored();
    expect(skipReason(job, d, T0 + 11 * MIN, DEFAULT_TIMINGS)).toBeNull();
    expect(skipReason(job, play(d, [{ type: 'completed' }]), T0 + 11 * MIN, DEFAULT_TIMINGS)).toMatch(/no longer live/);
    const rolling = play(d, [
      { type: 'rollback_started', trigger: 't', restore: ['code'], note: '', fromVersion: '2.14.0', toVersion: null },
    ]);
    expect(skipReason(job, rolling, T0 + 11 * MIN, DEFAULT_TIMINGS)).toMatch(/no longer live/);
  });

  it('asks the deployer, with the note, and offers Roll back and Carry on', () => {
    const d = monitored();
    const notice = renderNotice({ job, d, events: [], now: T0 + 11 * MIN, timings: DEFAULT_TIMINGS });
    expect(notice).toEqual(rollbackDecision({ d, now: T0 + 11 * MIN }));
    expect(notice.text).toBe('⏰ DEP-12 was marked faulty 10 min ago and is still live: roll back, or carry on?');
    expect(JSON.stringify(notice.blocks)).toContain('“p95 latency doubled”');
    expect(buttons(notice.blocks).map((b) => b.action_id)).toEqual([ActionId.rollback, ActionId.markHealthy]);
    expect(validateMessageBlocks(notice.blocks, notice.text)).toEqual([]);
  });
});

describe('the rollback overrun alert', () => {
  const estimated: Template = { ...plan, rollback: { ...plan.rollback, estimatedMinutes: 20 } };
  const start = (p: Template = estimated) =>
    play(
      created(p),
      [{ type: 'gate_overridden', gate: 'start', reason: 'x', missing: [] }],
      [{ type: 'phase_started', phaseId: p.phases[0]!.id }],
      [
        {
          type: 'rollback_started',
          trigger: 't',
          restore: ['code'],
          note: '',
          fromVersion: '2.14.0',
          toVersion: '2.13.2',
        },
        USERS.qa,
        T0,
      ],
    );
  const overrun = {
    kind: 'rollback_overrun' as const,
    dueAt: T0 + 20 * MIN + 1,
    payload: { target: 'thread' as const },
  };

  it('is planned when the rollback starts, due just past the template’s estimate; not without an estimate', () => {
    const d = start();
    const started = [
      {
        type: 'rollback_started' as const,
        trigger: 't',
        restore: ['code'],
        note: '',
        fromVersion: '2.14.0',
        toVersion: null,
      },
    ];
    const overruns = (x: typeof d) =>
      planChange(x, started, x.revision, T0, DEFAULT_TIMINGS).add.filter((j) => j.kind === 'rollback_overrun');
    expect(overruns(d)).toEqual([
      {
        key: `DEP-12:rollback_overrun:${d.revision}:thread`,
        deploymentId: 12,
        kind: 'rollback_overrun',
        dueAt: T0 + 20 * MIN + 1,
        payload: { target: 'thread', seq: d.revision },
      },
    ]);
    const none = start(plan);
    expect(overruns(none)).toEqual([]);
  });

  it('is sent only while the rollback still runs, and says by how much and what is open', () => {
    const d = start();
    expect(skipReason(overrun, d, T0 + 21 * MIN, DEFAULT_TIMINGS)).toBeNull();
    expect(
      skipReason(overrun, play(d, [{ type: 'rollback_failed', note: 'x' }]), T0 + 21 * MIN, DEFAULT_TIMINGS),
    ).toMatch(/no longer running/);
    const notice = renderNotice({ job: overrun, d, events: [], now: T0 + 25 * MIN, timings: DEFAULT_TIMINGS });
    // Its closing "Notify stakeholders" is not open work: Liftoff's rollback-complete notice does it.
    const open = plan.rollback.steps.filter((s) => s.required && !/^notify stakeholders/i.test(s.text)).length;
    expect(notice.text).toBe(
      `⚠️ The rollback of DEP-12 (checkout-api in Production) is over its estimated 20 min by 5 min. ${open} required rollback steps are still open.`,
    );
    expect(JSON.stringify(notice.blocks)).toContain('<@U0DEPLOYER1>, <@U0QALEAD001>: say in the thread');
    expect(validateMessageBlocks(notice.blocks, notice.text)).toEqual([]);
  });
});
