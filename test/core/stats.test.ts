import { describe, expect, it } from 'vitest';
import { applyEvent } from '../../src/core/deployment/apply.js';
import type { DeploymentEvent } from '../../src/core/deployment/events.js';
import { deliveryFacts, deliveryStats, homeStats, median, parsePeriod } from '../../src/core/deployment/stats.js';
import type { Deployment } from '../../src/core/deployment/types.js';
import { HOUR, KEYS, MIN, newDeployment, T0, USERS } from './fixtures.js';

const DAY = 24 * HOUR;
const NOW = T0 + 30 * DAY;

/** A deployment planned at `day` (its window 2 h later), with `steps` [minutes after the window start, event]. */
function past(id: number, day: number, ...steps: Array<[number, DeploymentEvent]>): Deployment {
  const at = T0 + day * DAY;
  let d = newDeployment({ windowStart: at + 2 * HOUR, windowEnd: at + 6 * HOUR }, { id, at }).deployment;
  for (const [minutes, e] of steps)
    d = applyEvent(d, { ...e, actor: USERS.deployer, at: at + 2 * HOUR + minutes * MIN } as never);
  return d;
}

const start = (phaseId: string): DeploymentEvent => ({ type: 'phase_started', phaseId });
const done = (phaseId: string): DeploymentEvent => ({ type: 'phase_completed', phaseId });
const rollback: DeploymentEvent = {
  type: 'rollback_started',
  trigger: 'errors',
  restore: ['code'],
  note: '',
  fromVersion: '2.4.0',
  toVersion: null,
};

describe('delivery stats on a constructed history', () => {
  const planned = (d: Deployment, id: string) => d.phases[id]!.plannedEnd - d.phases[id]!.plannedStart;
  const history = [
    // Completed: "Preparation" (planned 30 min) took 20 min, completed 60 min in (lead: 2 h + 60 min from planned).
    past(1, 5, [0, start('prepare')], [20, done('prepare')], [60, { type: 'completed' }]),
    // Completed: "Preparation" took 90 min, completed at 100 (lead 2 h + 100 min).
    past(2, 10, [0, start('prepare')], [90, done('prepare')], [100, { type: 'completed' }]),
    // Rolled back: a step failed at 10, rollback started at 20, rolled back at 50: restored in 40 min.
    past(
      3,
      15,
      [0, start('prepare')],
      [10, { type: 'item_failed', key: KEYS.drain, note: 'stuck' }],
      [20, rollback],
      [50, { type: 'rollback_completed' }],
    ),
    // Rollback failed: a failure, not restored.
    past(4, 20, [0, start('prepare')], [5, rollback], [30, { type: 'rollback_failed', note: 'db' }]),
    // Cancelled before its window: not a change.
    past(5, 25, [-60, { type: 'cancelled', reason: 'moved' }]),
    // Completed but before the period.
    past(6, -20, [0, start('prepare')], [10, { type: 'completed' }]),
    // Still scheduled: not counted.
    past(7, 29),
  ];

  it('gives the four DORA measures with known answers', () => {
    const s = deliveryStats(history, 30, NOW);
    expect(s).toMatchObject({
      days: 30,
      deployed: 4,
      cancelled: 1,
      failed: 2,
      failureRate: 0.5,
      restored: 1,
      restoreMedianMs: 40 * MIN,
    });
    expect(s.perWeek).toBeCloseTo((4 * 7) / 30, 10);
    expect(s.leadMedianMs).toBe(2 * HOUR + 80 * MIN); // median of 2 h 60 min and 2 h 100 min
  });

  it('gives each phase planned against actual and how often and by how much it overran', () => {
    expect(planned(history[0]!, 'prepare')).toBe(30 * MIN);
    const [prepare] = deliveryStats(history, 30, NOW).phases;
    // Runs 1 and 2 completed the phase (3 and 4 were interrupted by their rollbacks): 20 and 90 min against 30.
    expect(prepare).toEqual({
      title: 'Preparation',
      runs: 2,
      plannedMeanMs: 30 * MIN,
      actualMeanMs: 55 * MIN,
      overruns: 1,
      overrunMeanMs: 60 * MIN,
    });
  });

  it('counts each week of the period by outcome, oldest first, the last week the shorter one', () => {
    const { weeks } = deliveryStats(history, 30, NOW);
    // 30 days from T0: weeks start at days 0, 7, 14, 21, 28 (the last holds days 28 to 30).
    expect(weeks.map((w) => (w.start - T0) / DAY)).toEqual([0, 7, 14, 21, 28]);
    expect(weeks.map(({ completed, failed, cancelled }) => [completed, failed, cancelled])).toEqual([
      [1, 0, 0], // 1 (day 5)
      [1, 0, 0], // 2 (day 10)
      [0, 2, 0], // 3 (day 15) rolled back, 4 (day 20) failed its rollback
      [0, 0, 1], // 5 (day 25) cancelled
      [0, 0, 0], // 7 (day 29) is still scheduled
    ]);
  });

  it('gives Home the team’s measures and those of the services the person deployed', () => {
    const others = [past(8, 12), past(9, 14)].map((d) => ({ ...d, service: 'billing', deployerId: 'U0OTHER' }));
    const all = [...history, ...others];
    const facts = all.map(deliveryFacts);
    const mine = homeStats(facts, USERS.deployer, 30, NOW);
    expect(mine.mine?.services).toEqual(['web']);
    expect(mine.mine?.stats.deployed).toBe(4);
    expect(homeStats(facts, 'U0OTHER', 30, NOW).mine?.services).toEqual(['billing']);
    expect(homeStats(facts, 'U0NOBODY', 30, NOW)).toEqual({ team: deliveryStats(all, 30, NOW) });
  });

  it('says nothing it cannot know: no deployments, no rates', () => {
    expect(deliveryStats([], 7, NOW)).toMatchObject({
      deployed: 0,
      perWeek: 0,
      failureRate: null,
      restoreMedianMs: null,
      leadMedianMs: null,
      phases: [],
    });
  });

  it('reads periods and medians', () => {
    expect([
      parsePeriod('7d'),
      parsePeriod('4w'),
      parsePeriod('quarter'),
      parsePeriod('0d'),
      parsePeriod('soon'),
    ]).toEqual([7, 28, 90, undefined, undefined]);
    expect([median([3, 1, 2]), median([4, 1, 2, 3]), median([])]).toEqual([2, 2.5, null]);
  });
});
