import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { startLiftoff, type RunningLiftoff } from '../../src/liftoff.js';
import type { LogSync } from '../../src/storage/durability.js';
import { fakeClock, type FakeClock } from './clock.js';
import { startFakeSlack, type FakeSlack } from './fake-slack.js';
import { slackClient } from './slack-requests.js';

export const TOKEN = 'xoxb-test-token';
export const SIGNING_SECRET = 'e2etestsigningsecret0123456789ab';

/** The people and channels every end-to-end test starts with. */
export const PEOPLE = {
  deployer: 'UDEPLOYER',
  dev: 'UDEVLEAD',
  qa: 'UQALEAD',
  ops: 'UOPSLEAD',
  product: 'UPRODUCT',
  stranger: 'USTRANGER',
} as const;
export const CHANNELS = {
  deploys: 'CDEPLOYS',
  announce: 'CANNOUNCE',
  privateNoBot: 'GPRIVATE',
  archived: 'CARCHIVED',
} as const;

export interface Harness {
  fake: FakeSlack;
  slack: ReturnType<typeof slackClient>;
  liftoff: RunningLiftoff;
  clock: FakeClock;
  dir: string;
  dbFile: string;
  logs: string[];
  /** Waits until every change so far is drawn in Slack. */
  settled(): Promise<void>;
  /** Reads the database file directly (a second connection), for assertions. */
  query<T>(sql: string, ...params: unknown[]): T[];
  /** Stops Liftoff and starts a new instance on the same database file. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export interface HarnessOptions {
  env?: Record<string, string>;
  clock?: FakeClock;
  /** Let the scheduler tick by itself (cron and after each change). Default false: tests call `liftoff.scheduler.tick()`. */
  autoTick?: boolean;
  /** The fake Slack's clock (message ts, trigger expiry) follows the fake clock instead of real time. */
  slackFollowsClock?: boolean;
  /** Wraps each sync of the database's log to disk (a test holds it to see what waits for the disk). */
  logSync?: LogSync;
}

export async function startHarness(opts: HarnessOptions = {}): Promise<Harness> {
  const clock = opts.clock ?? fakeClock(Date.now());
  const fake = await startFakeSlack({ token: TOKEN, ...(opts.slackFollowsClock ? { now: () => clock.now() } : {}) });
  for (const [name, id] of Object.entries(PEOPLE)) fake.addUser(id, { name });
  fake.addChannel(CHANNELS.deploys, { name: 'deploys' });
  fake.addChannel(CHANNELS.announce, { name: 'announcements' });
  fake.addChannel(CHANNELS.privateNoBot, { name: 'secret', isPrivate: true, botIsMember: false });
  fake.addChannel(CHANNELS.archived, { name: 'old', isArchived: true });
  const dir = mkdtempSync(join(tmpdir(), 'liftoff-e2e-'));
  const dbFile = join(dir, 'liftoff.db');
  const logs: string[] = [];
  const env = {
    SLACK_BOT_TOKEN: TOKEN,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: fake.url,
    PORT: '0',
    LIFTOFF_DB: dbFile,
    LOG_LEVEL: 'debug',
    // Posts paced per channel as in production, only faster: tests do not wait a second per message.
    LIFTOFF_SLACK_POST_INTERVAL_MS: '2',
    // Slack's per-method minute, shortened the same way (a test with `fake.limitRates` sets both to match).
    LIFTOFF_SLACK_TIER_MINUTE_MS: '100',
    ...opts.env,
  };
  const start = () =>
    startLiftoff({
      env,
      clock,
      cwd: dir,
      writeLog: (line) => logs.push(line),
      autoTick: opts.autoTick ?? false,
      ...(opts.logSync ? { logSync: opts.logSync } : {}),
    });
  let liftoff = await start();
  const h: Harness = {
    fake,
    slack: slackClient({ baseUrl: `http://127.0.0.1:${liftoff.port}`, signingSecret: SIGNING_SECRET, fake }),
    liftoff,
    clock,
    dir,
    dbFile,
    logs,
    settled: () => h.liftoff.settled(),
    query<T>(sql: string, ...params: unknown[]) {
      const db = new Database(dbFile, { readonly: true });
      try {
        return db.prepare(sql).all(...params) as T[];
      } finally {
        db.close();
      }
    },
    async restart() {
      await h.liftoff.stop();
      liftoff = await start();
      h.liftoff = liftoff;
      h.slack = slackClient({ baseUrl: `http://127.0.0.1:${liftoff.port}`, signingSecret: SIGNING_SECRET, fake });
    },
    async stop() {
      await h.liftoff.stop();
      await fake.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return h;
}
