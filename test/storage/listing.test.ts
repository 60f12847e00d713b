import { describe, expect, it } from 'vitest';
import type { DeploymentEvent, RecordedEvent } from '../../src/core/deployment/events.js';
import { listingOf } from '../../src/core/deployment/listing.js';
import { FINISHED, type Status } from '../../src/core/deployment/types.js';
import { deliveryFacts } from '../../src/core/deployment/stats.js';
import { deployerNeed, needAt } from '../../src/core/deployment/waiting.js';
import { openDatabase } from '../../src/storage/db.js';
import { createDeploymentsRepository } from '../../src/storage/deployments.js';
import { createRepositories, type Repositories } from '../../src/storage/index.js';
import { HOUR, KEYS, monitored, ROLLBACK_START, Scenario, T0, USERS } from '../core/fixtures.js';
import { withPlansInline } from '../support/stored.js';
import { useTempDatabases, walPagesOf } from './helpers.js';

const temp = useTempDatabases();

/** Ready, its first phase run, then a rollback started. */
function rollingBack(): Scenario {
  const s = new Scenario().ready().runPhase('prepare');
  s.act(USERS.deployer, ROLLBACK_START);
  return s;
}

/** Every kind of change a deployment goes through, as the core decides them (its events, in order). */
const stories: Array<[string, () => Scenario]> = [
  [
    'started, approved, run, completed and marked healthy',
    () => {
      const s = monitored();
      s.act(USERS.deployer, { type: 'mark_healthy' });
      return s;
    },
  ],
  [
    'rolled back',
    () => {
      const s = rollingBack();
      for (const key of [KEYS.revert, 'rollback.steps.restore', 'rollback_validation.validation.health'])
        s.act(USERS.ops, { type: 'confirm_item', key });
      s.act(USERS.deployer, { type: 'complete_rollback' });
      return s;
    },
  ],
  [
    'its rollback failed',
    () => {
      const s = rollingBack();
      s.act(USERS.deployer, { type: 'fail_rollback', note: 'revert job broken' });
      return s;
    },
  ],
  [
    'rescheduled, rejected, then cancelled',
    () => {
      const s = new Scenario();
      s.act(USERS.deployer, { type: 'reschedule', windowStart: T0 + 3 * HOUR, windowEnd: T0 + 8 * HOUR });
      s.act(USERS.qa, { type: 'reject', role: 'qa_lead', reason: 'not tested' });
      s.act(USERS.deployer, { type: 'cancel', reason: 'not today' });
      return s;
    },
  ],
];

/** Writes a story through the repository's one write path, an event at a time; returns the id. */
function* written(repos: Repositories, log: RecordedEvent[]) {
  const [created, ...rest] = log as [RecordedEvent & { type: 'created' }, ...RecordedEvent[]];
  const { type, input, plan, phases, actor, at } = created;
  const d = repos.deployments.create({ type, input, plan, phases }, actor, at);
  yield d.id;
  for (const { actor: by, at: when, ...event } of rest) {
    repos.deployments.change(d.id, () => [event as DeploymentEvent], by, when);
    yield d.id;
  }
}

const storedRow = (repos: Repositories, id: number) =>
  repos.db
    .prepare<[number], { summary: string; facts: string; status: string; window_start: number; revision: number }>(
      'SELECT summary, facts, status, window_start, revision FROM listing WHERE deployment_id = ?',
    )
    .get(id);

/** The listing row is what the snapshot gives, and `db check`'s verify agrees. */
function expectExact(repos: Repositories, id: number) {
  const d = repos.deployments.get(id)!;
  expect(storedRow(repos, id)).toEqual({
    summary: JSON.stringify(listingOf(d)),
    facts: JSON.stringify(deliveryFacts(d)),
    status: d.status,
    window_start: d.window.start,
    revision: d.revision,
  });
  expect(repos.deployments.verify(id)).toEqual({ ok: true, ref: d.ref });
}

/** A database that notes the SQL of every statement prepared on it (a repository prepares its own at creation). */
function recordingStatements() {
  const db = temp.open();
  const prepared: string[] = [];
  const prepare = db.prepare.bind(db);
  db.prepare = ((sql: string) => {
    prepared.push(sql);
    return prepare(sql);
  }) as typeof db.prepare;
  return { db, prepared };
}

describe('the listing kept beside each snapshot', () => {
  it.each(stories)('stays exact through every change: %s', (_name, story) => {
    const repos = temp.repos();
    const s = story();
    let id = 0;
    for (id of written(repos, s.log)) {
      expectExact(repos, id);
      const d = repos.deployments.get(id)!;
      const active = repos.deployments.activeListing();
      // Lists see it while it is active, never after.
      expect(active.map((l) => l.id)).toEqual(
        d.status === 'completed' || d.status === 'cancelled' || d.status === 'rolled_back' ? [] : [id],
      );
    }
    expect(repos.deployments.get(id)).toEqual(JSON.parse(JSON.stringify(s.d)));
  });

  it('gives the deployer’s needs as the core does, at any time', () => {
    const repos = temp.repos();
    const s = new Scenario().ready();
    for (const id of written(repos, s.log)) {
      const d = repos.deployments.get(id)!;
      const [listed] = repos.deployments.activeListing();
      for (const now of [T0, T0 + 2 * HOUR, T0 + 6 * HOUR, T0 + 9 * HOUR]) {
        expect(needAt(listed!.needs, now)).toEqual(deployerNeed(d, now));
      }
    }
  });

  it('names who might approve until they decide, and nobody once it is under way', () => {
    const repos = temp.repos();
    const s = new Scenario();
    s.act(USERS.dev, { type: 'approve', role: 'dev_lead' });
    const [waiting] = [...written(repos, s.log)].slice(-1);
    const underway = new Scenario().ready().runPhase('prepare');
    const [running] = [...written(repos, underway.log)].slice(-1);
    const approversOf = (id: number) => repos.deployments.activeListing().find((l) => l.id === id)!.approvers;
    expect(approversOf(waiting!)).toEqual([USERS.ops, USERS.qa].sort());
    expect(approversOf(running!)).toEqual([]);
  });

  it('is read again after a restart, and a database from before it gets it when migrated', () => {
    const file = temp.file();
    const db = temp.open(file);
    const repos = createRepositories(db);
    const ids = stories.flatMap(([, story]) => [...written(repos, story().log)].slice(-1));
    const live = new Scenario().ready();
    ids.push([...written(repos, live.log)].at(-1)!);
    const before = repos.deployments.activeListing();
    const rows = ids.map((id) => storedRow(repos, id));
    // As a database at schema 9 held them: no listing, each snapshot with its plan (until 013), 009's indexes (until 014),
    // the plans inline in their created events (until 015).
    withPlansInline(db);
    db.exec(`DROP TABLE drawn; DROP TABLE listing;
      DROP INDEX deployments_by_status; CREATE INDEX deployments_listing ON deployments (status, window_start, revision);
      DROP INDEX deployments_finished; CREATE INDEX deployments_finished ON deployments (status, updated_at);
      UPDATE deployments SET state = json_set(state, '$.plan',
        (SELECT data -> '$.plan' FROM events WHERE deployment_id = deployments.id AND seq = 1))`);
    db.pragma('user_version = 9');
    db.close();

    const again = openDatabase(file);
    try {
      const restarted = createDeploymentsRepository({ db: again });
      expect(ids.map((id) => storedRow({ db: again } as Repositories, id))).toEqual(rows);
      expect(restarted.activeListing()).toEqual(before);
      for (const id of ids) expect(restarted.verify(id).ok).toBe(true);
    } finally {
      again.close();
    }
  });

  it('finds the active deployments of one service by its own index, not by reading every active one', () => {
    const { db, prepared } = recordingStatements();
    const repos = createRepositories(db);
    const byService = prepared.filter((sql) => /FROM listing WHERE .*service = \? AND environment = \?/s.test(sql));
    expect(byService).toHaveLength(1);
    const plan = db.prepare(`EXPLAIN QUERY PLAN ${byService[0]}`).all('checkout', 'production') as Array<{
      detail: string;
    }>;
    expect(plan.map((p) => p.detail)).toEqual([
      expect.stringMatching(/^SEARCH listing USING INDEX listing_active_service /),
    ]);
    // And it still finds them: the active ones of that service and environment, soonest window first.
    const ids = [...Array(3)].map(() => [...written(repos, new Scenario().log)].at(-1)!);
    expect(repos.deployments.activeOf('web', 'production').map((d) => d.id)).toEqual(ids);
    expect(repos.deployments.activeOf('web', 'staging')).toEqual([]);
  });

  it('rewrites no index of a column a change left as it was (a click: not those on status, service, window)', () => {
    const db = temp.open();
    const repos = createRepositories(db);
    const untouched = [
      'listing_active',
      'listing_active_service',
      'deployments_service',
      'deployments_by_status',
      'sqlite_autoindex_deployments_1',
    ];
    const finished = (d: { status: Status }) => FINISHED.has(d.status);
    const [created, ...rest] = monitored().log as [RecordedEvent & { type: 'created' }, ...RecordedEvent[]];
    // And its end once monitored: the one change that enters the index of finished deployments.
    rest.push({ type: 'completed', actor: USERS.deployer, at: rest.at(-1)!.at + HOUR } as RecordedEvent);
    const { type, input, plan, phases, actor, at } = created;
    const id = repos.deployments.create({ type, input, plan, phases }, actor, at).id;
    const kept = { same: 0, moved: 0 };
    for (const { actor: by, at: when, ...event } of rest) {
      const before = repos.deployments.get(id)!;
      const written = walPagesOf(db, () => repos.deployments.change(id, () => [event as DeploymentEvent], by, when));
      const after = repos.deployments.get(id)!;
      expect(written.has('listing')).toBe(true);
      // The index of finished deployments (migration 014) only once one is: a click on an active one leaves it.
      expect(written.has('deployments_finished')).toBe(finished(before) || finished(after));
      if (before.status === after.status && before.window.start === after.window.start) {
        kept.same++;
        expect(untouched.filter((name) => written.has(name))).toEqual([]);
      } else {
        kept.moved++;
        expect(written.has('deployments_service')).toBe(true);
      }
      expectExact(repos, id);
    }
    // Both kinds were seen: most changes leave the columns, some move the status.
    expect(kept.same).toBeGreaterThan(5);
    expect(kept.moved).toBeGreaterThan(2);
    expect(repos.deployments.get(id)!.status).toBe('completed');
    expect(repos.deployments.recentlyFinished(0)).toEqual([id]);
  });

  it('finds the deployments finished lately by their own index, and the running ones by status', () => {
    const { db, prepared } = recordingStatements();
    createRepositories(db);
    const planOf = (pattern: RegExp, ...params: unknown[]) => {
      const sql = prepared.filter((q) => pattern.test(q));
      expect(sql).toHaveLength(1);
      return (db.prepare(`EXPLAIN QUERY PLAN ${sql[0]}`).all(...params) as Array<{ detail: string }>)[0]!.detail;
    };
    // A partial index is used only when the query names its statuses as the index does: this fails if they drift apart.
    expect(planOf(/FROM deployments WHERE status IN .* AND updated_at >= \?/s, 0)).toMatch(
      /^SEARCH deployments USING COVERING INDEX deployments_finished /,
    );
    expect(planOf(/SELECT id, revision FROM deployments WHERE status IN \('in_progress'/)).toMatch(
      /^SEARCH deployments USING INDEX deployments_by_status /,
    );
  });

  it('db check names a listing that drifted from its snapshot', () => {
    const repos = temp.repos();
    const [id] = [...written(repos, new Scenario().log)];
    repos.db.prepare("UPDATE listing SET status = 'completed' WHERE deployment_id = ?").run(id!);
    expect(repos.deployments.verify(id!)).toEqual({
      ok: false,
      ref: 'DEP-1',
      problem: 'listing differs from the snapshot: status',
    });
  });
});
