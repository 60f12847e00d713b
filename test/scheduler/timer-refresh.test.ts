import type { WebClient } from '@slack/web-api';
import { describe, expect, it } from 'vitest';
import { createdEvent } from '../../src/core/deployment/create.js';
import { DEFAULT_TIMINGS, timerFace } from '../../src/core/schedule/index.js';
import { createScheduler } from '../../src/scheduler/index.js';
import type { SchedulerDeps } from '../../src/scheduler/scheduler.js';
import { createPacer, createUrgency } from '../../src/slack/pacing.js';
import { createRepositories } from '../../src/storage/index.js';
import { createLogger } from '../../src/support/logger.js';
import { deploymentInput, T0, template, USERS } from '../core/fixtures.js';
import { useTempDatabases } from '../storage/helpers.js';

const temp = useTempDatabases();
const MIN = 60_000;

/** A scheduler over `repos` at the time `now` says, redrawing through `sync` (nothing noted as shown unless it says). */
const schedulerOf = (
  repos: ReturnType<typeof createRepositories>,
  now: () => number,
  sync: Pick<SchedulerDeps['sync'], 'sync'> & Partial<SchedulerDeps['sync']>,
  more: Partial<SchedulerDeps> = {},
) =>
  createScheduler({
    repos,
    client: {} as WebClient,
    clock: { now },
    logger: createLogger({ write: () => undefined }),
    sync: { shownFace: () => null, ...sync },
    timingsFor: () => DEFAULT_TIMINGS,
    ...more,
  });

/** A running deployment and a scheduler whose redraws are counted (rendering is what a timer look costs). */
function setup() {
  const repos = createRepositories(temp.open());
  const d = repos.deployments.create(createdEvent(deploymentInput(), template), USERS.deployer, T0 - MIN);
  repos.deployments.change(d.id, () => [{ type: 'phase_started', phaseId: 'prepare' }], USERS.deployer, T0);
  let now = T0;
  const synced: number[] = [];
  const scheduler = schedulerOf(repos, () => now, { sync: async (id: number) => void synced.push(id) });
  return { repos, d, scheduler, synced, at: (t: number) => (now = t) };
}

describe('the timer refresh', () => {
  it('redraws a running deployment only when a timer it shows has moved, not at every 15 s tick', async () => {
    const { scheduler, synced, at } = setup();
    // Ticks every 15 s for 5 minutes: the shown minute changes 5 times. The first look draws it
    // (what Slack shows may be from before a restart: the start-up reconciliation leaves timers here).
    for (let t = T0 + 10_000; t <= T0 + 5 * MIN + 10_000; t += 15_000) {
      at(t);
      await scheduler.tick();
    }
    expect(synced.length).toBeGreaterThanOrEqual(5);
    expect(synced.length).toBeLessThanOrEqual(6);
  });

  it('does not redraw for a change (its own path drew it), only when the timer moves after it', async () => {
    const { repos, d, scheduler, synced, at } = setup();
    at(T0 + 10_000);
    await scheduler.tick();
    expect(synced).toEqual([d.id]); // the first look
    at(T0 + 20_000);
    repos.deployments.change(d.id, () => [{ type: 'item_confirmed', key: 'tests-green' }], USERS.deployer, T0 + 20_000);
    await scheduler.tick();
    expect(synced).toEqual([d.id]);
    at(T0 + 2 * MIN);
    await scheduler.tick();
    expect(synced).toEqual([d.id, d.id]);
  });

  it('after a start, spares the first look the render when the messages are noted in line at the face shown now', async () => {
    const repos = createRepositories(temp.open());
    const made = () => {
      const d = repos.deployments.create(createdEvent(deploymentInput(), template), USERS.deployer, T0 - MIN);
      return repos.deployments.change(d.id, () => [{ type: 'phase_started', phaseId: 'prepare' }], USERS.deployer, T0)!
        .deployment;
    };
    const [current, behind, unknown] = [made(), made(), made()];
    const now = T0 + 10_000;
    // As noted by the last full redraw before the restart: at this face, at an older one, nothing.
    const noted = new Map([
      [current.id, timerFace(current, now)],
      [behind.id, timerFace(behind, T0 - 5 * MIN)],
    ]);
    const synced: number[] = [];
    const scheduler = schedulerOf(repos, () => now, {
      sync: async (id: number) => void synced.push(id),
      shownFace: (id) => noted.get(id) ?? null,
    });
    await scheduler.tick();
    expect(synced.sort()).toEqual([behind.id, unknown.id].sort());
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
    const watched = schedulerOf(
      repos,
      () => T0 + 10_000,
      { sync: async (id: number) => void synced.push(id) },
      { logger: createLogger({ write: (line) => void logs.push(line) }) },
    );
    await watched.tick();
    at(T0 + 10_000);
    await scheduler.tick();
    expect(logs.filter((l) => l.includes('"error"'))).toEqual([]);
    // Each scheduler's first look, then, a minute later, only the running one's timer has moved.
    const later = T0 + 2 * MIN;
    at(later);
    await scheduler.tick();
    expect(synced).toEqual([d.id, d.id, d.id]);
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

describe('timer redraws within Slack’s pace', () => {
  /** `n` running deployments; a scheduler asking a pacer on its fake clock, whose redraws each make one background chat.update. */
  function running(n: number) {
    const repos = createRepositories(temp.open());
    const ids = Array.from({ length: n }, () => {
      const d = repos.deployments.create(createdEvent(deploymentInput(), template), USERS.deployer, T0 - MIN);
      repos.deployments.change(d.id, () => [{ type: 'phase_started', phaseId: 'prepare' }], USERS.deployer, T0);
      return d.id;
    });
    const clock = { now: T0 };
    const pacer = createPacer({ burst: 3, intervalMs: 0, minuteMs: MIN }, () => clock.now);
    const synced: Array<{ id: number; at: number }> = [];
    /** Turns that had to wait: a render made only to wait for the minute. */
    let waited = 0;
    const scheduler = schedulerOf(
      repos,
      () => clock.now,
      {
        sync: async (id: number) => {
          let given = false;
          const turn = pacer.turn('chat.update', { urgency: createUrgency(false) }).then((done) => {
            given = true;
            done();
          });
          await Promise.resolve();
          // (Not waited for: the fake clock would never bring its turn.)
          if (!given) return void waited++;
          await turn;
          synced.push({ id, at: clock.now });
        },
      },
      { pace: pacer },
    );
    return { ids, clock, pacer, scheduler, synced, waited: () => waited };
  }

  it('with more running phases than the background share, each timer still moves (the longest undrawn first), and no redraw waits for the minute', async () => {
    const share = createPacer({ burst: 3, intervalMs: 0, minuteMs: MIN }).backgroundRoom('chat.update');
    const { ids, clock, scheduler, synced, waited } = running(3 * share);
    // A tick every 15 s for 10 minutes.
    for (clock.now = T0 + 10_000; clock.now <= T0 + 10 * MIN; clock.now += 15_000) await scheduler.tick();
    expect(waited()).toBe(0);
    // Never more than the share in any minute.
    const times = synced.map((s) => s.at);
    for (const t of times) expect(times.filter((u) => u >= t && u < t + MIN).length).toBeLessThanOrEqual(share);
    // The share is used: the timers move as often as Slack's pace allows.
    expect(synced.length).toBeGreaterThanOrEqual(8 * share);
    // Every timer was redrawn more than once: none starves behind the others.
    for (const id of ids) expect(synced.filter((s) => s.id === id).length).toBeGreaterThan(1);
  });

  it('redraws no timer while other background work holds the share, and each once room is back', async () => {
    const { ids, clock, pacer, scheduler, synced, waited } = running(2);
    clock.now = T0 + 10_000;
    await scheduler.tick();
    // The first looks drew both.
    expect(synced.map((s) => s.id).sort()).toEqual([...ids].sort());
    synced.length = 0;
    // A start-up reconciliation's backlog fills the background share of the minute.
    const background = createUrgency(false);
    const backlog = Promise.all(
      Array.from({ length: 40 }, () => pacer.turn('chat.update', { urgency: background }).then((done) => done())),
    );
    for (clock.now = T0 + MIN; clock.now < T0 + 2 * MIN; clock.now += 15_000) await scheduler.tick();
    // Not even rendered to wait for the minute.
    expect(waited()).toBe(0);
    expect(synced).toEqual([]);
    // A minute on, the backlog's rest has gone and room is left: both timers move.
    clock.now = T0 + 3 * MIN;
    await scheduler.tick();
    await scheduler.tick();
    expect(synced.map((s) => s.id).sort()).toEqual([...ids].sort());
    void backlog;
  });
});
