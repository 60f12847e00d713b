/**
 * The scale scenarios, on a database written through the storage layer (seed.ts): 2,000 active and
 * 20,000 finished deployments with 10,000 pending jobs, checked by `liftoff db check`. Liftoff
 * starts on it as its own process; the baseline answers the same requests. Then the idle
 * scenario: a database with 100 running phases, and the CPU both processes use while nobody acts.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import type { WebClient } from '@slack/web-api';
import Database from 'better-sqlite3';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { systemClock } from '../src/core/clock.js';
import type * as SyncModule from '../src/slack/sync.js';
import type * as DbModule from '../src/storage/db.js';
import type * as StorageModule from '../src/storage/index.js';
import { createLogger } from '../src/support/logger.js';
import { ActionId, encodeRef } from '../src/slack/ids.js';
import { ROOT } from '../test/support/build.js';
import type { FakeSlack } from '../test/support/fake-slack.js';
import { PEOPLE } from '../test/support/harness.js';
import { startServer, type Server } from './procs.js';
import { seedDatabase } from './seed.js';
import { percentile, ratio, summarize, type Summary } from './stats.js';
import {
  actionRequest,
  commandRequest,
  economy,
  eventRequest,
  load,
  openReader,
  plainItems,
  quiet,
  SLACK_LIMITS,
  timeUntil,
  type Prepared,
} from './workspace.js';

export const SCALE_CHANNEL = 'CSCALE';
/** The deploy channels the seeded deployments live in: a large organisation's teams each have theirs (25 active deployments a channel). */
const DEPLOY_CHANNELS = Array.from({ length: 80 }, (_, i) => `CTEAM${String(i + 1).padStart(3, '0')}`);
const channelsFor = (active: number) => DEPLOY_CHANNELS.slice(0, Math.max(1, Math.min(80, Math.ceil(active / 25))));
const HOME_USERS = Array.from({ length: 10 }, (_, i) => `UHOME${String(i + 1).padStart(2, '0')}`);

export interface ScaleRow {
  scenario: string;
  liftoff: Summary;
  baseline: Summary;
  ratio: { p50: number | null; p99: number | null };
}

export interface ScaleResult {
  size: { active: number; finished: number; jobs: number; seedSeconds: number; dbCheck: string };
  startupMs: { liftoff: number; baseline: number; ratio: number | null };
  rows: ScaleRow[];
  scheduler: {
    ticks: number;
    meanTickMs: number | null;
    /** Ticks that took at most 5 ms (the histogram's bucket). */
    ticksWithin5ms: number;
    /** Jobs that fell due while Liftoff ran and were sent (or are still waiting), and what became of all of them. */
    jobsDue: number;
    jobStatuses: Record<string, number>;
    lateP99Ms: number | null;
    lateMaxMs: number | null;
  };
  rssMb: { liftoff: number; liftoffPeak: number; baseline: number; ratio: number | null };
  rateLimited: number;
  /** App Home opens sent to Liftoff, and how many it published (within a minute and a half of the open). */
  homes: { opened: number; published: number };
  /** Every Web API call Liftoff made from its start to the end of the scale scenarios. */
  callsByMethod: Record<string, number>;
}

export interface ScaleOptions {
  fake: FakeSlack;
  baseline: Server;
  dir: string;
  quick: boolean;
  log: (line: string) => void;
}

export function prepareScaleWorkspace(fake: FakeSlack): void {
  for (const id of HOME_USERS) fake.addUser(id, { name: id.toLowerCase() });
  const members = [...Object.values(PEOPLE), ...HOME_USERS];
  fake.addChannel(SCALE_CHANNEL, { name: 'scale', members });
  for (const [i, id] of DEPLOY_CHANNELS.entries()) fake.addChannel(id, { name: `team-${i + 1}`, members });
}

const row = (scenario: string, l: number[], b: number[]): ScaleRow => {
  const liftoff = summarize(l);
  const baseline = summarize(b);
  return {
    scenario,
    liftoff,
    baseline,
    ratio: { p50: ratio(liftoff.p50, baseline.p50), p99: ratio(liftoff.p99, baseline.p99) },
  };
};

/** The scheduler's tick histogram from GET /metrics (sum in seconds, count, and how many took at most 5 ms). */
async function tickMetrics(server: Server): Promise<{ sum: number; count: number; within5ms: number }> {
  const text = await fetch(`${server.baseUrl}/metrics`).then(
    (r) => r.text(),
    () => '',
  );
  const ticks = parsePrometheusTextFormat(text).find((f) => f.name === 'liftoff_scheduler_tick_seconds')?.metrics[0] as
    | { sum?: string; count?: string; buckets?: Record<string, string> }
    | undefined;
  return {
    sum: Number(ticks?.sum ?? 0),
    count: Number(ticks?.count ?? 0),
    within5ms: Number(ticks?.buckets?.['0.005'] ?? 0),
  };
}

/**
 * Posts every active deployment's messages, as a running Liftoff would have done long before, with
 * Liftoff's own message sync run here against a Web API stand-in that writes each message straight
 * into the fake Slack (no HTTP, no pace: it is the setup, not what is measured). The database's
 * message records and Slack then agree, and the measured start is a restart, not a first post of
 * thousands of cards.
 */
async function postCards(fake: FakeSlack, file: string, ids: readonly number[]): Promise<void> {
  const into = (args: { channel: string; text?: string; blocks?: unknown[]; thread_ts?: string }) => ({
    ok: true,
    channel: args.channel,
    ts: fake.addMessage({ ...args, text: args.text ?? '', user: fake.botUserId }).ts,
  });
  const client = {
    chat: {
      postMessage: async (args: Parameters<typeof into>[0]) => into(args),
      update: async (args: { channel: string; ts: string }) => ({ ok: true, channel: args.channel, ts: args.ts }),
    },
  } as unknown as WebClient;
  // Drawn by the built code Liftoff runs (dist/): what it drew is known to be in line when it starts.
  const built = (path: string) => import(pathToFileURL(join(ROOT, 'dist', path)).href);
  const { createMessageSync } = (await built('slack/sync.js')) as typeof SyncModule;
  const { openDatabase } = (await built('storage/db.js')) as typeof DbModule;
  const { createRepositories } = (await built('storage/index.js')) as typeof StorageModule;
  const db = openDatabase(file);
  let stop = () => {};
  try {
    const sync = createMessageSync({
      client,
      repos: createRepositories(db),
      clock: systemClock,
      logger: createLogger({ level: 'error', write: (line) => process.stderr.write(`${line}\n`) }),
    });
    stop = () => sync.stop();
    for (const id of ids) await sync.sync(id);
  } finally {
    stop();
    db.close();
  }
}

/**
 * Time until Liftoff publishes `user`'s Home after the event is sent: until the fake Slack received
 * the views.publish (the time it recorded the call at, not when the poll below noticed it, which
 * would add up to its 50 ms interval).
 */
async function homeOpen(fake: FakeSlack, server: Server, user: string): Promise<number> {
  const from = fake.calls.length;
  const t0 = performance.now();
  const wall0 = Date.now();
  const r = eventRequest(fake, { type: 'app_home_opened', user, tab: 'home', channel: `D${user.slice(1)}` });
  await server.client.raw(r.body, { contentType: 'application/json' });
  if (server.name === 'baseline') return performance.now() - t0;
  const published = () =>
    fake.calls.slice(from).find((c) => c.method === 'views.publish' && c.args.user_id === user && c.status === 200);
  await timeUntil(() => !!published(), 90_000);
  const call = published();
  return call ? Math.max(0, call.at - wall0) : Number.NaN;
}

export async function runScale(o: ScaleOptions): Promise<ScaleResult> {
  const { fake, baseline, log } = o;
  const [active, finished, jobs] = (process.env.BENCH_SCALE ?? (o.quick ? '200,2000,1000' : '2000,20000,10000'))
    .split(',')
    .map(Number);
  const size = { active: active ?? 2000, finished: finished ?? 20000, jobs: jobs ?? 10000 };
  const file = join(o.dir, 'scale.db');
  const now = Date.now();
  // Pending jobs fall due from a minute on, about one every 1.2 s: some come due while the scenarios run.
  const jobsFrom = now + 60_000;
  const jobsSpan = size.jobs * 1200;
  log(`seeding ${size.active} active, ${size.finished} finished deployments, ${size.jobs} pending jobs`);
  const t0 = performance.now();
  const seeded = seedDatabase(file, {
    ...size,
    now,
    jobsFrom,
    jobsSpan,
    channels: channelsFor(size.active),
    users: { deployer: PEOPLE.deployer, approver: PEOPLE.dev },
  });
  await postCards(fake, file, seeded.active);
  const seedSeconds = (performance.now() - t0) / 1000;
  let dbCheck: string;
  try {
    dbCheck = execFileSync(process.execPath, [join(ROOT, 'bin', 'liftoff.js'), 'db', 'check', file], {
      timeout: 600_000,
    })
      .toString()
      .trim()
      .split('\n')
      .at(-1)!;
  } catch (e) {
    dbCheck = `failed: ${String((e as { stdout?: Buffer }).stdout ?? e)
      .trim()
      .split('\n')
      .at(-1)}`;
  }
  log(`  seeded and posted in ${seedSeconds.toFixed(1)} s; db check: ${dbCheck}`);

  fake.limitRates(SLACK_LIMITS);
  const from = fake.calls.length;
  const liftoff = await startServer({ name: 'liftoff', fake, cwd: o.dir, env: { LIFTOFF_DB: file } });
  const startedAt = Date.now();
  const baselineStart = await startServer({ name: 'baseline', fake, cwd: o.dir });
  const startupMs = {
    liftoff: liftoff.startupMs,
    baseline: baselineStart.startupMs,
    ratio: ratio(liftoff.startupMs, baselineStart.startupMs),
  };
  await baselineStart.stop();
  log(
    `  start-up to the first answered request: ${liftoff.startupMs.toFixed(0)} ms (baseline ${baselineStart.startupMs.toFixed(0)} ms)`,
  );
  const ticks0 = await tickMetrics(liftoff);
  const rows: ScaleRow[] = [];
  const n = o.quick ? 8 : 20;
  try {
    const both = async (name: string, requests: Prepared[]) => {
      const b = await load(baseline.client, requests, 1);
      const l = await load(liftoff.client, requests, 1);
      rows.push(row(name, l.latencies, b.latencies));
      log(
        `  ${name}: p50 ${percentile(l.latencies, 50).toFixed(0)} ms, p99 ${percentile(l.latencies, 99).toFixed(0)} ms`,
      );
    };
    await both(
      '/deploy list',
      Array.from({ length: n }, () => commandRequest(fake, 'list', PEOPLE.deployer, SCALE_CHANNEL)),
    );
    const refs = new Database(file, { readonly: true });
    const refOf = refs.prepare('SELECT ref FROM deployments WHERE id = ?');
    const step = Math.max(1, Math.floor(seeded.active.length / n));
    const status = seeded.active
      .filter((_, i) => i % step === 0)
      .slice(0, n)
      .map((id) => (refOf.get(id) as { ref: string }).ref);
    refs.close();
    const reader = openReader(file);
    // Scheduled deployments (every sixth active one) have their checklist still open.
    const clickable = seeded.active
      .filter((_, i) => i % 6 === 0)
      .slice(0, n)
      .map((id) => {
        const d = reader.state(id);
        return { id, key: plainItems(d)[0]!, channel: d.channelId };
      });
    reader.close();
    await both(
      '/deploy status',
      status.map((ref) => commandRequest(fake, `status ${ref}`, PEOPLE.deployer, SCALE_CHANNEL)),
    );

    // App Home: until Liftoff has published it (the baseline: its acknowledgement of the event).
    const homeL: number[] = [];
    const homeB: number[] = [];
    for (let i = 0; i < (o.quick ? 4 : 10); i++) {
      const user = i % 2 ? HOME_USERS[i]! : PEOPLE.deployer;
      homeB.push(await homeOpen(fake, baseline, user));
      homeL.push(await homeOpen(fake, liftoff, user));
    }
    rows.push(row('App Home open (published)', homeL, homeB));
    // Every Home Liftoff was asked for, and whether it published it (NaN: not within the wait).
    const homesAsked = [...homeL];
    log(`  App Home: p50 ${percentile(homeL, 50).toFixed(0)} ms`);

    // A click while ten people open App Home at once.
    const clickL: number[] = [];
    const clickB: number[] = [];
    for (const [i, c] of clickable.slice(0, o.quick ? 3 : 10).entries()) {
      const click = actionRequest(fake, {
        user: PEOPLE.deployer,
        actionId: ActionId.confirmItem,
        value: encodeRef({ d: c.id, k: c.key }),
        channel: c.channel,
      });
      for (const [server, into] of [
        [baseline, clickB],
        [liftoff, clickL],
      ] as const) {
        const homes = HOME_USERS.map((user) => homeOpen(fake, server, user));
        await new Promise((r) => setTimeout(r, 20));
        const t = performance.now();
        await server.client.raw(click.body);
        into.push(performance.now() - t);
        const published = await Promise.all(homes);
        if (server === liftoff) homesAsked.push(...published);
      }
      if (i === 0) log(`  click during ten Home opens: ${clickL[0]!.toFixed(0)} ms`);
    }
    rows.push(row('click during 10 Home opens', clickL, clickB));

    // Wait until jobs have been coming due for a while after the start.
    const window = o.quick ? 30_000 : 60_000;
    const until = Math.max(jobsFrom, startedAt) + window;
    log(`  scheduler: ${Math.max(0, (until - Date.now()) / 1000).toFixed(0)} s more while jobs come due`);
    await new Promise((r) => setTimeout(r, Math.max(0, until - Date.now())));
    await quiet(fake, 1500, 30_000);
    const ticks1 = await tickMetrics(liftoff);
    // Every job that fell due after the start: how long after its due time it was sent, or, still
    // waiting, how long it has been due so far. Skipped ones (a reminder for a deployment already
    // under way) post nothing: they are counted, not timed.
    const jobsDb = new Database(file, { readonly: true });
    const end = Date.now();
    const due = jobsDb
      .prepare(
        'SELECT key, status, due_at AS dueAt, claimed_at AS claimedAt, updated_at AS updatedAt FROM jobs WHERE due_at >= ? AND due_at <= ?',
      )
      .all(startedAt, end - 2000) as Array<{
      key: string;
      status: string;
      dueAt: number;
      claimedAt: number | null;
      updatedAt: number;
    }>;
    jobsDb.close();
    const late = due.flatMap((j) =>
      j.status === 'sent'
        ? [j.updatedAt - j.dueAt]
        : j.status === 'pending' || j.status === 'sending'
          ? [end - j.dueAt]
          : [],
    );
    log(
      `  due jobs, ms from due to sent: ${[...late]
        .sort((a, b) => a - b)
        .map((ms) => ms.toFixed(0))
        .join(' ')}`,
    );
    // A job sent more than half a second late: what went to Slack around it (a channel takes about a post a second).
    for (const j of due.filter((x) => x.status === 'sent' && x.updatedAt - x.dueAt > 500)) {
      const around = fake.calls
        .filter((c) => c.method.startsWith('chat.') && c.at >= j.dueAt - 1500 && c.at <= j.updatedAt + 100)
        .map(
          (c) => `${c.method} ${String(c.args.channel ?? '')} ${c.at - j.dueAt >= 0 ? '+' : ''}${c.at - j.dueAt} ms`,
        );
      // Claimed late: no tick took it in time; claimed at once: it waited after (its claim's sync to disk, its channel's lane).
      const claimed = j.claimedAt === null ? 'never claimed' : `claimed +${j.claimedAt - j.dueAt} ms`;
      log(
        `  late job ${j.key} (${j.updatedAt - j.dueAt} ms, ${claimed}); Slack calls around it: ${around.join('; ') || 'none'}`,
      );
    }
    const jobStatuses: Record<string, number> = {};
    for (const j of due) jobStatuses[j.status] = (jobStatuses[j.status] ?? 0) + 1;
    const rss = liftoff.rss();
    const baseRss = baseline.rss().now;
    const calls = economy(fake.calls, from);
    const snapshot = await liftoff.heapSnapshot();
    if (snapshot) log(`  heap snapshot: ${snapshot}`);
    return {
      size: { ...size, seedSeconds, dbCheck },
      startupMs,
      rows,
      scheduler: {
        ticks: ticks1.count - ticks0.count,
        meanTickMs:
          ticks1.count > ticks0.count ? ((ticks1.sum - ticks0.sum) / (ticks1.count - ticks0.count)) * 1000 : null,
        ticksWithin5ms: ticks1.within5ms - ticks0.within5ms,
        jobsDue: late.length,
        jobStatuses,
        lateP99Ms: late.length ? percentile(late, 99) : null,
        lateMaxMs: late.length ? Math.max(...late) : null,
      },
      rssMb: { liftoff: rss.now, liftoffPeak: rss.peak, baseline: baseRss, ratio: ratio(rss.now, baseRss) },
      rateLimited: calls.rateLimited,
      homes: { opened: homesAsked.length, published: homesAsked.filter((ms) => !Number.isNaN(ms)).length },
      callsByMethod: calls.byMethod,
    };
  } finally {
    await liftoff.stop();
  }
}

export interface IdleResult {
  runningPhases: number;
  seconds: number;
  cpuMs: { liftoff: number; baseline: number; ratio: number | null };
  rssMb: { liftoff: number; baseline: number; ratio: number | null };
}

/** CPU over an idle period with running phases (timers on their cards), both processes at once. */
/** Waits (at most two minutes) until the server uses under a tenth of a core over two seconds. */
async function settled(server: Server): Promise<void> {
  for (let i = 0; i < 60; i++) {
    const before = server.cpuMs();
    await new Promise((r) => setTimeout(r, 2000));
    if (server.cpuMs() - before < 200) return;
  }
}

export async function runIdle(o: ScaleOptions & { seconds: number }): Promise<IdleResult> {
  const file = join(o.dir, 'idle.db');
  const seeded = seedDatabase(file, {
    active: 300,
    finished: 0,
    jobs: 0,
    channels: channelsFor(300),
    users: { deployer: PEOPLE.deployer, approver: PEOPLE.dev },
  });
  await postCards(o.fake, file, seeded.active);
  const db = new Database(file, { readonly: true });
  const running = (
    db.prepare("SELECT count(*) AS n FROM deployments WHERE status = 'in_progress'").get() as { n: number }
  ).n;
  db.close();
  o.fake.limitRates(SLACK_LIMITS);
  const liftoff = await startServer({ name: 'liftoff', fake: o.fake, cwd: o.dir, env: { LIFTOFF_DB: file } });
  try {
    await quiet(o.fake, 3000, 120_000);
    // The start-up reconciliation renders every card without calling Slack (they are drawn): idle is after it.
    await settled(liftoff);
    o.log(`  ${seeded.active.length} active deployments, ${running} in progress; idle for ${o.seconds} s`);
    const l0 = liftoff.cpuMs();
    const b0 = o.baseline.cpuMs();
    await new Promise((r) => setTimeout(r, o.seconds * 1000));
    const cpu = { liftoff: liftoff.cpuMs() - l0, baseline: o.baseline.cpuMs() - b0 };
    const rss = { liftoff: liftoff.rss().now, baseline: o.baseline.rss().now };
    return {
      runningPhases: running,
      seconds: o.seconds,
      cpuMs: { ...cpu, ratio: ratio(cpu.liftoff, cpu.baseline) },
      rssMb: { ...rss, ratio: ratio(rss.liftoff, rss.baseline) },
    };
  } finally {
    await liftoff.stop();
  }
}
