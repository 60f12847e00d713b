import { describe, expect, it } from 'vitest';
import { durationOf, endedAt, pageWindow, startedAt } from '../../src/core/deployment/history.js';
import { applyEvent } from '../../src/core/deployment/apply.js';
import type { DeploymentEvent } from '../../src/core/deployment/events.js';
import { HOUR, MIN, newDeployment, T0, USERS } from './fixtures.js';

/** A new deployment with `steps` folded in, as the storage would. */
const folded = (...steps: Array<[DeploymentEvent, number]>) =>
  steps.reduce((d, [e, at]) => applyEvent(d, { ...e, actor: USERS.ops, at } as never), newDeployment().deployment);

describe('history: pages', () => {
  it('clamps the page wanted to those that exist and gives its offset', () => {
    expect(pageWindow(1000, 1)).toEqual({ page: 1, pages: 100, offset: 0 });
    expect(pageWindow(1000, 7)).toEqual({ page: 7, pages: 100, offset: 60 });
    expect(pageWindow(1000, 999)).toEqual({ page: 100, pages: 100, offset: 990 });
    expect(pageWindow(1001, 101)).toEqual({ page: 101, pages: 101, offset: 1000 });
    expect(pageWindow(0, 3)).toEqual({ page: 1, pages: 1, offset: 0 });
    expect(pageWindow(5, 0)).toEqual({ page: 1, pages: 1, offset: 0 });
    expect(pageWindow(5, Number.NaN)).toEqual({ page: 1, pages: 1, offset: 0 });
  });
});

describe('history: duration and end of one deployment', () => {
  it('a cancelled deployment that never started has an end but no duration', () => {
    const d = folded([{ type: 'cancelled', reason: 'moved' }, T0 + 10 * MIN]);
    expect(startedAt(d)).toBeUndefined();
    expect(endedAt(d)).toBe(T0 + 10 * MIN);
    expect(durationOf(d)).toBeUndefined();
  });

  it('runs from the first phase start to the rollback’s end', () => {
    const start = T0 + 2 * HOUR;
    const rolling = folded(
      [{ type: 'phase_started', phaseId: 'prepare' }, start],
      [{ type: 'phase_started', phaseId: 'deploy' }, start + 10 * MIN],
      [
        {
          type: 'rollback_started',
          trigger: 'errors',
          restore: ['code'],
          note: '',
          fromVersion: '2.4.0',
          toVersion: null,
        },
        start + 20 * MIN,
      ],
    );
    expect(endedAt(rolling)).toBeUndefined();
    const done = applyEvent(rolling, { type: 'rollback_completed', actor: USERS.ops, at: start + 45 * MIN });
    expect(done.status).toBe('rolled_back');
    expect(durationOf(done)).toBe(45 * MIN);
    const failed = applyEvent(rolling, { type: 'rollback_failed', note: 'x', actor: USERS.ops, at: start + 50 * MIN });
    expect([failed.status, durationOf(failed)]).toEqual(['rollback_failed', 50 * MIN]);
  });
});
