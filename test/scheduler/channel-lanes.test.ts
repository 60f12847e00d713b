import type { WebClient } from '@slack/web-api';
import { expect, it } from 'vitest';
import { createdEvent } from '../../src/core/deployment/create.js';
import { DEFAULT_TIMINGS } from '../../src/core/schedule/index.js';
import { createScheduler } from '../../src/scheduler/index.js';
import type { SchedulerDeps } from '../../src/scheduler/scheduler.js';
import { createRepositories } from '../../src/storage/index.js';
import { createLogger } from '../../src/support/logger.js';
import { deploymentInput, T0, template, USERS } from '../core/fixtures.js';
import { useTempDatabases } from '../storage/helpers.js';

const temp = useTempDatabases();
const MIN = 60_000;
const HOUR = 60 * MIN;

/**
 * Deployments in two channels, each with its card posted, and a reminder due in each thread; the
 * client's posts in `CBUSY` wait until the test lets them through (a channel Slack is pacing).
 */
function setup(durability?: SchedulerDeps['durability']) {
  const repos = createRepositories(temp.open());
  const deploymentIn = (channelId: string) => {
    const d = repos.deployments.create(
      createdEvent(deploymentInput({ channelId, windowStart: T0 + 2 * HOUR, windowEnd: T0 + 3 * HOUR }), template),
      USERS.deployer,
      T0 - MIN,
    );
    repos.messages.save({ deploymentId: d.id, key: 'parent', channelId, ts: `1.${d.id}`, renderedHash: null }, T0);
    return d;
  };
  const remind = (id: number, n: number) =>
    repos.jobs.plan(
      [
        {
          key: `DEP-${id}:reminder:${n}:thread`,
          deploymentId: id,
          kind: 'reminder',
          dueAt: T0,
          payload: { target: 'thread' },
        },
      ],
      T0 - MIN,
    );
  const posted: string[] = [];
  // Posts in CBUSY wait for `release`; `held()` resolves once the next one is waiting.
  const waiting: Array<() => void> = [];
  const watchers: Array<(release: () => void) => void> = [];
  const held = () =>
    new Promise<() => void>((resolve) => (waiting.length ? resolve(waiting.shift()!) : watchers.push(resolve)));
  const client = {
    chat: {
      postMessage: async (args: { channel: string; metadata: { event_payload: { job: string } } }) => {
        if (args.channel === 'CBUSY')
          await new Promise<void>((release) => {
            const watcher = watchers.shift();
            if (watcher) watcher(release);
            else waiting.push(release);
          });
        posted.push(args.metadata.event_payload.job);
        return { ok: true, channel: args.channel, ts: `2.${posted.length}` };
      },
    },
  } as unknown as WebClient;
  const scheduler = createScheduler({
    repos,
    client,
    clock: { now: () => T0 },
    logger: createLogger({ write: () => undefined }),
    sync: { sync: async () => undefined, shownFace: () => null },
    timingsFor: () => DEFAULT_TIMINGS,
    ...(durability ? { durability } : {}),
  });
  const statusOf = (key: string) =>
    (repos.db.prepare('SELECT status FROM jobs WHERE key = ?').get(key) as { status: string }).status;
  return { deploymentIn, remind, posted, held, waiting, scheduler, statusOf };
}

/** A turn of the event loop: what a resolved post leads to (settling the job) is done. */
const turn = () => new Promise((resolve) => setImmediate(resolve));

it("a backlog in one channel never holds up another channel's due notice; each channel keeps its order", async () => {
  const { deploymentIn, remind, posted, held, waiting, scheduler, statusOf } = setup();
  const busy = [deploymentIn('CBUSY'), deploymentIn('CBUSY')];
  const quiet = deploymentIn('CQUIET');
  // Three reminders wait in the busy channel, planned (and due) before the quiet channel's one.
  remind(busy[0]!.id, 1);
  remind(busy[1]!.id, 2);
  remind(busy[0]!.id, 3);
  remind(quiet.id, 4);

  const done = scheduler.tick();
  // The quiet channel's reminder is posted while the busy channel's first one still waits for Slack.
  const first = await held();
  await turn();
  expect(posted).toEqual([`DEP-${quiet.id}:reminder:4:thread`]);
  expect(statusOf(`DEP-${quiet.id}:reminder:4:thread`)).toBe('sent');
  expect(statusOf(`DEP-${busy[1]!.id}:reminder:2:thread`)).toBe('sending');
  // One message at a time in the busy channel (Slack's pace), in the order they fell due.
  expect(waiting).toEqual([]);
  first();
  (await held())();
  (await held())();
  await done;
  await scheduler.idle();
  expect(posted).toEqual([
    `DEP-${quiet.id}:reminder:4:thread`,
    `DEP-${busy[0]!.id}:reminder:1:thread`,
    `DEP-${busy[1]!.id}:reminder:2:thread`,
    `DEP-${busy[0]!.id}:reminder:3:thread`,
  ]);
  for (const key of posted) expect(statusOf(key)).toBe('sent');
});

it('a tick claims what is due and returns without waiting for a channel Slack is pacing; the next tick sends what came due since', async () => {
  const { deploymentIn, remind, posted, held, scheduler, statusOf } = setup();
  const busy = deploymentIn('CBUSY');
  const quiet = deploymentIn('CQUIET');
  remind(busy.id, 1);
  const first = scheduler.tick();
  const release = await held();
  // Came due while the busy channel's post waits: the next tick sends it, the first tick still unfinished.
  remind(quiet.id, 2);
  await scheduler.tick();
  expect(posted).toEqual([`DEP-${quiet.id}:reminder:2:thread`]);
  expect(statusOf(`DEP-${busy.id}:reminder:1:thread`)).toBe('sending');
  release();
  await first;
  expect(statusOf(`DEP-${busy.id}:reminder:1:thread`)).toBe('sent');
});

it('a claimed notice is posted only once its claim is on disk (a crash before finds it `sending`, looked for, never posted twice)', async () => {
  let synced: () => void = () => undefined;
  const deferred: string[] = [];
  const { deploymentIn, remind, posted, scheduler, statusOf } = setup({
    deferred: (write) => {
      deferred.push('claim');
      return write();
    },
    durable: () => new Promise<void>((resolve) => (synced = resolve)),
  });
  const d = deploymentIn('CQUIET');
  remind(d.id, 1);
  const ticked = scheduler.tick();
  for (let i = 0; i < 5; i++) await turn();
  // Claimed (committed without waiting for the disk), and not posted yet.
  expect(deferred).toEqual(['claim']);
  expect(statusOf(`DEP-${d.id}:reminder:1:thread`)).toBe('sending');
  expect(posted).toEqual([]);
  synced();
  await ticked;
  expect(posted).toEqual([`DEP-${d.id}:reminder:1:thread`]);
  expect(statusOf(`DEP-${d.id}:reminder:1:thread`)).toBe('sent');
});
