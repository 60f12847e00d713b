import type { WebClient } from '@slack/web-api';
import { describe, expect, it } from 'vitest';
import { createdEvent } from '../../src/core/deployment/create.js';
import { DEFAULT_TIMINGS, timerFace } from '../../src/core/schedule/index.js';
import { createScheduler } from '../../src/scheduler/index.js';
import { TIMER_REDRAWS_PER_MINUTE } from '../../src/scheduler/scheduler.js';
import { createRepositories } from '../../src/storage/index.js';
import { createLogger } from '../../src/support/logger.js';
import { deploymentInput, T0, template, USERS } from '../core/fixtures.js';
import { useTempDatabases } from '../storage/helpers.js';

const temp = useTempDatabases();
const MIN = 60_000;

/** A running deployment and a scheduler whose redraws are counted (rendering is what a timer look costs). */
function setup() {
  const repos = createRepositories(temp.open());
  const d = repos.deployments.create(createdEvent(deploymentInput(), template), USERS.deployer, T0 - MIN);
  repos.deployments.change(d.id, () => [{ type: 'phase_started', phaseId: 'prepare' }], USERS.deployer, T0);
  let now = T0;
  const synced: number[] = [];
  const scheduler = createScheduler({
    repos,
    client: {} as WebClient,
    clock: { now: () => now },
    logger: createLogger({ write: () => undefined }),
    sync: { sync: async (id: number) => void synced.push(id) },
    timingsFor: () => DEFAULT_TIMINGS,
  });
  return { repos, d, scheduler, synced, at: (t: number) => (now = t) };
}

describe('the timer refresh', () => {
  it('redraws a running deployment only when a timer it shows can have moved, not at every 15 s look', async () => {
    const { scheduler, synced, at } = setup();
    // Looks every 15 s for 5 minutes: the shown minute changes 5 times (plus the first look).
    for (let t = T0 + 10_000; t <= T0 + 5 * MIN + 10_000; t += 15_000) {
      at(t);
      await scheduler.tick();
    }
    expect(synced.length).toBeGreaterThanOrEqual(5);
    expect(synced.length).toBeLessThanOrEqual(7);
  });

  it('reads only the running deployments: finished and waiting ones are never opened', async () => {
    const { repos, d, scheduler, synced, at } = setup();
    const create = () => repos.deployments.create(createdEvent(deploymentInput(), template), USERS.deployer, T0 - MIN);
    const waiting = create();
    const finished = create();
    repos.deployments.change(finished.id, () => [{ type: 'cancelled', reason: 'not today' }], USERS.deployer, T0);
    // Snapshots nobody can read: a tick that opened one of them would fail.
    repos.db.prepare("UPDATE deployments SET state = 'not json' WHERE id IN (?, ?)").run(waiting.id, finished.id);
    const logs: string[] = [];
    const watched = createScheduler({
      repos,
      client: {} as WebClient,
      clock: { now: () => T0 + 10_000 },
      logger: createLogger({ write: (line) => void logs.push(line) }),
      sync: { sync: async (id: number) => void synced.push(id) },
      timingsFor: () => DEFAULT_TIMINGS,
    });
    await watched.tick();
    at(T0 + 10_000);
    await scheduler.tick();
    expect(synced).toEqual([d.id, d.id]);
    expect(logs.filter((l) => l.includes('"error"'))).toEqual([]);
  });

  it('the timer face changes exactly when a shown minute (or the over-plan flag) does', () => {
    const { repos, d } = setup();
    const running = repos.deployments.get(d.id)!;
    expect(timerFace(running, T0 + 10_000)).toBe(timerFace(running, T0 + 25_000));
    expect(timerFace(running, T0 + 25_000)).not.toBe(timerFace(running, T0 + 35_000));
    // Around the planned end (30 min): over plan is shown from the first millisecond after it.
    expect(timerFace(running, T0 + 30 * MIN)).not.toBe(timerFace(running, T0 + 30 * MIN + 1));
  });
});

describe('the timer redraw budget', () => {
  it('with more running phases than the budget, each timer still moves (the longest undrawn first), and no minute exceeds it', async () => {
    const repos = createRepositories(temp.open());
    const running = Array.from({ length: 3 * TIMER_REDRAWS_PER_MINUTE }, () => {
      const d = repos.deployments.create(createdEvent(deploymentInput(), template), USERS.deployer, T0 - MIN);
      repos.deployments.change(d.id, () => [{ type: 'phase_started', phaseId: 'prepare' }], USERS.deployer, T0);
      return d.id;
    });
    let now = T0;
    const synced: Array<{ id: number; minute: number }> = [];
    const scheduler = createScheduler({
      repos,
      client: {} as WebClient,
      clock: { now: () => now },
      logger: createLogger({ write: () => undefined }),
      sync: { sync: async (id: number) => void synced.push({ id, minute: Math.floor((now - T0) / MIN) }) },
      timingsFor: () => DEFAULT_TIMINGS,
    });
    // A look every 15 s for 10 minutes.
    for (now = T0 + 10_000; now <= T0 + 10 * MIN; now += 15_000) await scheduler.tick();
    const perMinute = new Map<number, number>();
    for (const s of synced) perMinute.set(s.minute, (perMinute.get(s.minute) ?? 0) + 1);
    expect(Math.max(...perMinute.values())).toBeLessThanOrEqual(TIMER_REDRAWS_PER_MINUTE);
    // Every timer was redrawn more than once: none starves behind the others.
    for (const id of running) expect(synced.filter((s) => s.id === id).length).toBeGreaterThan(1);
  });
});
