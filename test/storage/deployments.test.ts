import { describe, expect, it } from 'vitest';
import { replay } from '../../src/core/deployment/apply.js';
import { createdEvent } from '../../src/core/deployment/create.js';
import { decide } from '../../src/core/deployment/decide.js';
import { deploymentInput, HOUR, KEYS, MIN, T0, template, USERS } from '../core/fixtures.js';
import { eventHash, sha256Hex } from '../../src/storage/chain.js';
import { refOf } from '../../src/core/deployment/types.js';
import { createDeploymentsRepository } from '../../src/storage/deployments.js';
import { writeTransaction } from '../../src/storage/transaction.js';
import { useTempDatabases, walPagesOf } from './helpers.js';
import { BUILT_IN_TEMPLATES_DIR, loadTemplates } from '../../src/config/templates.js';
import { itemsOfStage } from '../../src/core/template/items.js';

const temp = useTempDatabases();

function withDeployment() {
  const repos = temp.repos();
  const input = deploymentInput();
  const d = repos.deployments.create(createdEvent(input, template), USERS.deployer, T0);
  return { repos, db: repos.db, d };
}

const eventRows = (db: ReturnType<typeof withDeployment>['db'], id: number) =>
  db
    .prepare<[number], { seq: number; type: string; actor: string; at: number }>(
      'SELECT seq, type, actor, at FROM events WHERE deployment_id = ? ORDER BY seq',
    )
    .all(id);

describe('the deployments repository', () => {
  it('create stores the created event and a snapshot with its columns filled', () => {
    const { repos, db, d } = withDeployment();
    expect(d).toMatchObject({ id: 1, ref: 'DEP-1', status: 'scheduled', revision: 1 });
    expect(eventRows(db, 1)).toEqual([{ seq: 1, type: 'created', actor: USERS.deployer, at: T0 }]);
    expect(
      db
        .prepare(
          'SELECT id, ref, service, environment, version, status, channel_id, window_start, window_end, revision, created_at, updated_at FROM deployments',
        )
        .get(),
    ).toEqual({
      id: 1,
      ref: 'DEP-1',
      service: 'web',
      environment: 'production',
      version: '2.4.0',
      status: 'scheduled',
      channel_id: 'C0DEPLOYS01',
      window_start: T0 + 2 * HOUR,
      window_end: T0 + 6 * HOUR,
      revision: 1,
      created_at: T0,
      updated_at: T0,
    });
    expect(repos.deployments.get(1)).toEqual(JSON.parse(JSON.stringify(d)));
  });

  it('the snapshot written after a change is the state as JSON, whatever its text says', () => {
    const repos = temp.repos();
    const hostile = '"plan":"\u0000plan x" \u0000 "plan":{}';
    const d = repos.deployments.create(
      createdEvent(deploymentInput({ service: hostile, branch: hostile }), template),
      USERS.deployer,
      T0,
    );
    const changed = repos.deployments.change(
      d.id,
      () => [{ type: 'item_failed', key: KEYS.tests, note: hostile }],
      USERS.deployer,
      T0 + MIN,
    )!.deployment;
    const stored = repos.db
      .prepare<[number], { state: string }>('SELECT state FROM deployments WHERE id = ?')
      .get(d.id)!;
    expect(stored.state).toBe(JSON.stringify({ ...changed, plan: undefined }));
    expect(repos.deployments.verify(d.id)).toEqual({ ok: true, ref: d.ref });
  });

  it('writes a snapshot without the frozen plan; a repository with nothing cached reads it whole, plan from the created event', () => {
    const repos = temp.repos();
    const db = repos.db;
    // A built-in template: its plan is about 9 KB, more than a page.
    const plan = [...loadTemplates(BUILT_IN_TEMPLATES_DIR).values()][0]!.template;
    const d = repos.deployments.create(createdEvent(deploymentInput(), plan), USERS.deployer, T0);
    const key = itemsOfStage(d.plan, 'pre')[0]!.key;
    const click = () => repos.deployments.change(d.id, () => [{ type: 'item_confirmed', key }], USERS.dev, T0 + MIN);
    // A click rewrites one page of the deployments table, and takes none from the free list (with the
    // plan, the snapshot's overflow pages were three of the table's, the free list's and the header).
    const pages = walPagesOf(db, click);
    expect([pages.get('deployments'), pages.has('sqlite_schema'), pages.has('')]).toEqual([1, false, false]);
    const changed = repos.deployments.get(d.id)!;
    const row = db.prepare<[number], { state: string }>('SELECT state FROM deployments WHERE id = ?').get(d.id)!;
    expect(Object.keys(JSON.parse(row.state) as object)).not.toContain('plan');
    const fresh = createDeploymentsRepository({ db });
    const read = fresh.get(d.id)!;
    expect(read).toEqual(JSON.parse(JSON.stringify(changed)));
    expect(read.plan).toEqual(JSON.parse(JSON.stringify(plan)));
    // A one-off look too; and a newer revision read after an older one keeps the plan already held.
    expect(fresh.peek(d.id)).toEqual(read);
    fresh.change(d.id, () => [{ type: 'item_undone', key, previous: read.items[key]! }], USERS.dev, T0 + 2 * MIN);
    expect(fresh.get(d.id)!.plan).toBe(read.plan);
    expect(createDeploymentsRepository({ db }).get(d.id)!.plan).toEqual(read.plan);
    expect(fresh.verify(d.id)).toEqual({ ok: true, ref: d.ref });
  });

  it('a snapshot whose created event is missing (a damaged database) is refused by name, not read without a plan', () => {
    const { repos, db } = withDeployment();
    db.prepare(
      `INSERT INTO deployments (id, ref, service, environment, version, status, channel_id, window_start, window_end, revision, state, created_at, updated_at)
       SELECT 7, 'DEP-7', service, environment, version, status, channel_id, window_start, window_end, revision, state, created_at, updated_at
       FROM deployments WHERE id = 1`,
    ).run();
    expect(() => repos.deployments.get(7)).toThrow('DEP-7 has no created event (its plan): run liftoff db check');
    expect(repos.deployments.verify(7)).toMatchObject({ ok: false, ref: 'DEP-7' });
  });

  it('db check names a snapshot that holds a plan again (only the created event holds it)', () => {
    const { repos, db, d } = withDeployment();
    db.prepare(`UPDATE deployments SET state = json_set(state, '$.plan', json('{}')) WHERE id = ?`).run(d.id);
    expect(repos.deployments.verify(d.id)).toEqual({
      ok: false,
      ref: d.ref,
      problem: 'snapshot holds a plan (the created event holds it)',
    });
  });

  it('numbers deployments one after another', () => {
    const { repos } = withDeployment();
    const second = repos.deployments.create(
      createdEvent(deploymentInput({ service: 'api' }), template),
      USERS.deployer,
      T0,
    );
    expect(second.ref).toBe('DEP-2');
    expect(repos.deployments.allIds()).toEqual([1, 2]);
  });

  it('writes a new deployment’s row once, whole: one page of each of its indexes', () => {
    const { repos, db } = withDeployment();
    // Enough rows that each index spans several pages (a row written twice would touch two of them).
    for (let i = 0; i < 400; i++)
      repos.deployments.create(createdEvent(deploymentInput(), template), USERS.deployer, T0);
    const pages = walPagesOf(db, () =>
      repos.deployments.create(createdEvent(deploymentInput(), template), USERS.deployer, T0),
    );
    for (const index of ['sqlite_autoindex_deployments_1', 'deployments_service', 'deployments_by_status'])
      expect([index, pages.get(index)]).toEqual([index, 1]);
    // The index of finished deployments holds none that is not (migration 014).
    expect(pages.has('deployments_finished')).toBe(false);
    expect(repos.deployments.get(402)?.ref).toBe('DEP-402');
  });

  it('finds a deployment by ref in any case, and nothing for a malformed ref', () => {
    const { repos } = withDeployment();
    expect(repos.deployments.getByRef('dep-1')?.id).toBe(1);
    expect(repos.deployments.getByRef(' DEP-1 ')?.id).toBe(1);
    expect(repos.deployments.getByRef('DEP-2')).toBeUndefined();
    expect(repos.deployments.getByRef('1; DROP TABLE deployments')).toBeUndefined();
    expect(repos.deployments.get(99)).toBeUndefined();
  });

  it('change appends the events with the next sequence numbers and rewrites the snapshot', () => {
    const { repos, db } = withDeployment();
    const result = repos.deployments.change(
      1,
      (d) => [...decide(d, { type: 'approve', role: 'dev_lead' }, USERS.dev), ...[]],
      USERS.dev,
      T0 + MIN,
    );
    expect(result?.events).toEqual([{ type: 'approved', role: 'dev_lead' }]);
    expect(result?.deployment).toMatchObject({ status: 'preparing', revision: 2 });
    repos.deployments.change(
      1,
      () => [
        { type: 'item_confirmed', key: KEYS.reviewed },
        { type: 'item_confirmed', key: KEYS.backup, evidence: 'bk-1' },
      ],
      USERS.ops,
      T0 + 2 * MIN,
    );
    expect(eventRows(db, 1)).toEqual([
      { seq: 1, type: 'created', actor: USERS.deployer, at: T0 },
      { seq: 2, type: 'approved', actor: USERS.dev, at: T0 + MIN },
      { seq: 3, type: 'item_confirmed', actor: USERS.ops, at: T0 + 2 * MIN },
      { seq: 4, type: 'item_confirmed', actor: USERS.ops, at: T0 + 2 * MIN },
    ]);
    const stored = repos.deployments.get(1)!;
    expect(stored.revision).toBe(4);
    expect(stored.items[KEYS.backup]).toEqual({ state: 'done', by: USERS.ops, at: T0 + 2 * MIN, evidence: 'bk-1' });
    expect(db.prepare('SELECT status, revision, updated_at FROM deployments WHERE id = 1').get()).toEqual({
      status: 'preparing',
      revision: 4,
      updated_at: T0 + 2 * MIN,
    });
    expect(replay(1, repos.deployments.events(1))).toEqual(stored);
  });

  it('events come back as they were recorded, actor and time included', () => {
    const { repos } = withDeployment();
    repos.deployments.change(1, () => [{ type: 'rejected', role: 'qa_lead', reason: 'red tests' }], USERS.qa, T0 + MIN);
    const events = repos.deployments.events(1);
    expect(events[1]).toEqual({
      type: 'rejected',
      role: 'qa_lead',
      reason: 'red tests',
      actor: USERS.qa,
      at: T0 + MIN,
    });
    expect(events[0]).toMatchObject({ type: 'created', actor: USERS.deployer, at: T0, input: deploymentInput() });
  });

  it('a decide that throws leaves neither events nor a changed snapshot behind', () => {
    const { repos, db } = withDeployment();
    const before = db.prepare('SELECT * FROM deployments').all();
    expect(() =>
      repos.deployments.change(
        1,
        (d) => decide(d, { type: 'approve', role: 'dev_lead' }, USERS.stranger),
        USERS.stranger,
        T0 + MIN,
      ),
    ).toThrow(/can sign as Dev Lead/);
    expect(eventRows(db, 1)).toHaveLength(1);
    expect(db.prepare('SELECT * FROM deployments').all()).toEqual(before);
  });

  it('a change that fails half way (an impossible event after a good one) is rolled back whole', () => {
    const { repos, db } = withDeployment();
    const before = db.prepare('SELECT * FROM deployments').all();
    expect(() =>
      repos.deployments.change(
        1,
        () => [
          { type: 'approved', role: 'dev_lead' },
          { type: 'phase_started', phaseId: 'no-such-phase' },
        ],
        USERS.dev,
        T0 + MIN,
      ),
    ).toThrow('unknown phase no-such-phase in DEP-1');
    expect(eventRows(db, 1)).toHaveLength(1);
    expect(db.prepare('SELECT * FROM deployments').all()).toEqual(before);
  });

  it('a change with no events writes nothing', () => {
    const { repos, db } = withDeployment();
    const result = repos.deployments.change(1, () => [], USERS.dev, T0 + HOUR);
    expect(result?.events).toEqual([]);
    expect(db.prepare('SELECT updated_at, revision FROM deployments').get()).toEqual({ updated_at: T0, revision: 1 });
  });

  it('a change to a deployment that does not exist returns undefined and calls nothing', () => {
    const { repos } = withDeployment();
    let called = false;
    expect(
      repos.deployments.change(
        42,
        () => {
          called = true;
          return [];
        },
        USERS.dev,
        T0,
      ),
    ).toBeUndefined();
    expect(called).toBe(false);
  });

  it('lists active deployments soonest window first, and the recently finished ones', () => {
    const { repos } = withDeployment();
    repos.deployments.create(
      createdEvent(deploymentInput({ windowStart: T0 + HOUR, windowEnd: T0 + 3 * HOUR }), template),
      USERS.deployer,
      T0,
    );
    repos.deployments.create(createdEvent(deploymentInput(), template), USERS.deployer, T0);
    repos.deployments.change(3, () => [{ type: 'cancelled', reason: 'x' }], USERS.deployer, T0 + 10 * MIN);
    expect(repos.deployments.listActive().map((d) => d.ref)).toEqual(['DEP-2', 'DEP-1']);
    expect(repos.deployments.recentlyFinished(T0 + 10 * MIN)).toEqual([3]);
    expect(repos.deployments.recentlyFinished(T0 + 11 * MIN)).toEqual([]);
  });
});

describe('frozen plans, kept once by their hash (migration 015)', () => {
  const builtIn = () => [...loadTemplates(BUILT_IN_TEMPLATES_DIR).values()][0]!.template;
  const createdData = (db: ReturnType<typeof withDeployment>['db'], id: number) =>
    db.prepare<[number], { data: string }>('SELECT data FROM events WHERE deployment_id = ? AND seq = 1').get(id)!.data;
  const plansIn = (db: ReturnType<typeof withDeployment>['db']) =>
    db.prepare<[], { sha256: string; plan: string }>('SELECT sha256, plan FROM plans ORDER BY sha256').all();

  it('a created event names its plan by the SHA-256 of the text kept in plans; deployments that froze the same plan share it', () => {
    const repos = temp.repos();
    const db = repos.db;
    let a!: ReturnType<typeof repos.deployments.create>;
    // The first writes its plan's text, about 9 KB: pages of plans, none of them in the events table's overflow.
    const first = walPagesOf(db, () => {
      a = repos.deployments.create(createdEvent(deploymentInput(), builtIn()), USERS.deployer, T0);
    });
    expect([first.get('plans')! > 1, first.get('events')]).toEqual([true, 1]);
    // Another deployment of the same plan (another service, the same template and branch) writes no page of plans.
    const pages = walPagesOf(db, () =>
      repos.deployments.create(createdEvent(deploymentInput({ service: 'api' }), builtIn()), USERS.deployer, T0),
    );
    expect(pages.has('plans')).toBe(false);
    const other = repos.deployments.create(
      createdEvent(deploymentInput({ branch: 'release/9.9' }), template),
      USERS.deployer,
      T0,
    );
    const stored = plansIn(db);
    expect(stored).toHaveLength(2);
    for (const { sha256, plan } of stored) expect(sha256Hex(plan)).toBe(sha256);
    const data = JSON.parse(createdData(db, a.id)) as Record<string, unknown>;
    expect(Object.keys(data)).toEqual(['input', 'phases', 'planSha256']);
    expect(JSON.parse(createdData(db, 2)).planSha256).toBe(data.planSha256);
    expect(JSON.parse(stored.find((p) => p.sha256 === data.planSha256)!.plan)).toEqual(
      JSON.parse(JSON.stringify(a.plan)),
    );
    // Read back whole by a repository with nothing in memory: the snapshot and its events, plan included.
    const fresh = createDeploymentsRepository({ db });
    expect(fresh.get(a.id)).toEqual(JSON.parse(JSON.stringify(a)));
    expect(fresh.get(2)!.plan).toBe(fresh.get(a.id)!.plan);
    expect(fresh.events(other.id)[0]).toEqual(
      JSON.parse(
        JSON.stringify({
          ...createdEvent(deploymentInput({ branch: 'release/9.9' }), template),
          actor: USERS.deployer,
          at: T0,
        }),
      ),
    );
    expect(fresh.chained(a.id)[0]!.event).toMatchObject({ type: 'created', plan: { id: a.plan.id } });
    for (const id of [a.id, 2, other.id]) expect(fresh.verify(id)).toEqual({ ok: true, ref: refOf(id) });
  });

  it('a start rolled back leaves no created event naming a plan the table lacks: the next start of that plan writes it', () => {
    const repos = temp.repos();
    const db = repos.db;
    const plan = builtIn();
    const event = createdEvent(deploymentInput(), plan);
    expect(() =>
      writeTransaction(db, () => {
        repos.deployments.create(event, USERS.deployer, T0);
        throw new Error('refused after the write');
      })(),
    ).toThrow('refused after the write');
    expect(plansIn(db)).toEqual([]);
    // The same plan object again (a plan frozen once serves every start of it).
    const d = repos.deployments.create(createdEvent(deploymentInput(), plan), USERS.deployer, T0);
    expect(d.plan).toBe(event.plan);
    expect(plansIn(db)).toHaveLength(1);
    expect(createDeploymentsRepository({ db }).verify(d.id)).toEqual({ ok: true, ref: d.ref });
  });

  it('plans are append-only', () => {
    const { db } = withDeployment();
    expect(() => db.prepare("UPDATE plans SET plan = '{}'").run()).toThrow('plans are append-only');
    expect(() => db.prepare('DELETE FROM plans').run()).toThrow('plans are append-only');
    expect(plansIn(db)).toHaveLength(1);
  });

  it('db check names a plan changed after it was written, or missing; a read of one missing names the deployment', () => {
    const { db, d } = withDeployment();
    const [{ sha256, plan }] = plansIn(db) as [{ sha256: string; plan: string }];
    db.exec('DROP TRIGGER plans_are_append_only_update; DROP TRIGGER plans_are_append_only_delete');
    db.prepare('UPDATE plans SET plan = ?').run(plan.replace('"phases"', '"phases" '));
    expect(createDeploymentsRepository({ db }).verify(d.id)).toEqual({
      ok: false,
      ref: d.ref,
      problem: `its plan (sha256 ${sha256}) was changed after it was written (its content does not match its hash)`,
    });
    db.prepare('DELETE FROM plans').run();
    const fresh = createDeploymentsRepository({ db });
    expect(fresh.verify(d.id)).toEqual({ ok: false, ref: d.ref, problem: `its plan (sha256 ${sha256}) is missing` });
    expect(() => fresh.get(d.id)).toThrow(`DEP-1's plan (sha256 ${sha256}) is missing: run liftoff db check`);
  });
});

describe('verify: the snapshot against the fold of its events', () => {
  it('is ok after creation and after changes', () => {
    const { repos } = withDeployment();
    expect(repos.deployments.verify(1)).toEqual({ ok: true, ref: 'DEP-1' });
    repos.deployments.change(1, () => [{ type: 'approved', role: 'dev_lead' }], USERS.dev, T0 + MIN);
    repos.deployments.change(
      1,
      () => [{ type: 'item_confirmed', key: KEYS.tests, evidence: 'https://ci/1' }],
      USERS.dev,
      T0 + 2 * MIN,
    );
    repos.deployments.change(
      1,
      () => [{ type: 'item_undone', key: KEYS.tests, previous: { state: 'done', by: USERS.dev, at: T0 + 2 * MIN } }],
      USERS.dev,
      T0 + 3 * MIN,
    );
    repos.deployments.change(
      1,
      () => [{ type: 'refused', action: 'approve', reason: 'no' }],
      USERS.stranger,
      T0 + 4 * MIN,
    );
    expect(repos.deployments.verify(1)).toEqual({ ok: true, ref: 'DEP-1' });
  });

  it('reports a snapshot whose state was edited behind its back', () => {
    const { repos, db } = withDeployment();
    repos.deployments.change(1, () => [{ type: 'approved', role: 'dev_lead' }], USERS.dev, T0 + MIN);
    db.prepare(
      "UPDATE deployments SET state = json_set(state, '$.approvals.dev_lead.by', 'U0MALLORY01') WHERE id = 1",
    ).run();
    expect(repos.deployments.verify(1)).toEqual({
      ok: false,
      ref: 'DEP-1',
      problem: 'snapshot differs from the fold of its events',
    });
  });

  it('reports a snapshot whose revision does not match its events', () => {
    const { repos, db } = withDeployment();
    db.prepare("UPDATE deployments SET state = json_set(state, '$.revision', 7) WHERE id = 1").run();
    expect(repos.deployments.verify(1)).toEqual({
      ok: false,
      ref: 'DEP-1',
      problem: 'snapshot is at revision 7, events at 1',
    });
  });

  it('reports a status column that drifted from the snapshot (lists and queries read the columns)', () => {
    const { repos, db } = withDeployment();
    db.prepare("UPDATE deployments SET status = 'completed' WHERE id = 1").run();
    expect(repos.deployments.listActive()).toEqual([]);
    expect(repos.deployments.verify(1)).toEqual({
      ok: false,
      ref: 'DEP-1',
      problem: 'columns differ from the snapshot: status',
    });
  });

  it('reports a snapshot that is not JSON instead of throwing', () => {
    const { repos, db } = withDeployment();
    db.prepare("UPDATE deployments SET state = '{broken' WHERE id = 1").run();
    expect(repos.deployments.verify(1)).toEqual({ ok: false, ref: 'DEP-1', problem: 'snapshot is not valid JSON' });
  });

  it('reports events that cannot be replayed instead of throwing', () => {
    const { repos, db } = withDeployment();
    // Chained like any event, so only the replay can object.
    const prevHash = db.prepare<[], { hash: string }>('SELECT hash FROM events WHERE deployment_id = 1').get()!.hash;
    const ghost = {
      deployment: 'DEP-1',
      seq: 2,
      type: 'phase_started',
      actor: 'U1',
      at: 0,
      data: '{"phaseId":"ghost"}',
      prevHash,
    };
    db.prepare(
      'INSERT INTO events (deployment_id, seq, type, actor, at, data, prev_hash, hash) VALUES (1, 2, ?, ?, ?, ?, ?, ?)',
    ).run(ghost.type, ghost.actor, ghost.at, ghost.data, prevHash, eventHash(ghost));
    db.prepare("UPDATE deployments SET state = json_set(state, '$.revision', 2) WHERE id = 1").run();
    expect(repos.deployments.verify(1)).toEqual({
      ok: false,
      ref: 'DEP-1',
      problem: 'its events cannot be replayed: unknown phase ghost in DEP-1',
    });
  });

  it('reports a deployment with no snapshot', () => {
    const { repos } = withDeployment();
    expect(repos.deployments.verify(5)).toEqual({ ok: false, ref: 'DEP-5', problem: 'no snapshot' });
  });
});

describe('the parsed-snapshot cache', () => {
  const confirm = (d: Parameters<typeof decide>[0]) =>
    decide(d, { type: 'confirm_item', key: KEYS.tests, evidence: 'https://ci.example.com/run/1' }, USERS.deployer);

  it('a change rolled back by the transaction around it is not what get and listActive return afterwards', () => {
    const { repos, db, d } = withDeployment();
    expect(repos.deployments.listActive().map((x) => x.revision)).toEqual([1]);
    const attempt = db.transaction(() => {
      const changed = repos.deployments.change(d.id, confirm, USERS.deployer, T0 + MIN);
      expect(repos.deployments.get(d.id)?.revision).toBe(2);
      expect(changed?.deployment.revision).toBe(2);
      throw new Error('refused after the change');
    });
    expect(() => attempt()).toThrow('refused after the change');
    expect(repos.deployments.get(d.id)).toEqual(d);
    expect(repos.deployments.listActive()).toEqual([d]);
  });

  it('serves what a committed change wrote, and drops a deployment once it is no longer active', () => {
    const { repos, d } = withDeployment();
    const changed = repos.deployments.change(d.id, confirm, USERS.deployer, T0 + MIN)!.deployment;
    expect(repos.deployments.get(d.id)).toEqual(changed);
    expect(repos.deployments.listActive()).toEqual([changed]);
    repos.deployments.change(
      d.id,
      (x) => decide(x, { type: 'cancel', reason: 'not today' }, USERS.deployer),
      USERS.deployer,
      T0 + 2 * MIN,
    );
    expect(repos.deployments.listActive()).toEqual([]);
    expect(repos.deployments.get(d.id)?.status).toBe('cancelled');
  });

  it('reads a snapshot again when the row is at another revision than the one it holds', () => {
    const { repos, db, d } = withDeployment();
    expect(repos.deployments.get(d.id)?.version).toBe('2.4.0');
    const newer = { ...d, version: '2.4.1', revision: 2 };
    db.prepare('UPDATE deployments SET state = ?, revision = 2 WHERE id = ?').run(JSON.stringify(newer), d.id);
    expect(repos.deployments.get(d.id)).toEqual(newer);
    expect(repos.deployments.listActive()).toEqual([newer]);
  });

  it('keeps at most its size in memory and still serves every deployment as stored', () => {
    const db = temp.open();
    const repo = createDeploymentsRepository({ db, cacheSize: 2 });
    const ids = [0, 1, 2].map(
      (i) => repo.create(createdEvent(deploymentInput({ version: `1.${i}.0` }), template), USERS.deployer, T0).id,
    );
    const first = repo.get(ids[0]!);
    expect(repo.get(ids[0]!)).toBe(first);
    repo.get(ids[1]!);
    repo.get(ids[2]!);
    // Pushed out by the two read since: read again, equal but not the same object.
    const again = repo.get(ids[0]!);
    expect(again).not.toBe(first);
    expect(again).toEqual(first);
    expect(repo.listActive().map((x) => x.version)).toEqual(['1.0.0', '1.1.0', '1.2.0']);
  });

  it('keeps at most its share of snapshot JSON: large snapshots are fewer', () => {
    const db = temp.open();
    const probe = createDeploymentsRepository({ db });
    const one = JSON.stringify(
      probe.create(createdEvent(deploymentInput({ version: '0.0.1' }), template), USERS.deployer, T0),
    ).length;
    // Room for two snapshots by number, for one and a half by size.
    const repo = createDeploymentsRepository({ db, cacheSize: 10, cacheChars: Math.floor(one * 1.5) });
    const [a, b] = [0, 1].map(
      (i) => repo.create(createdEvent(deploymentInput({ version: `1.${i}.0` }), template), USERS.deployer, T0).id,
    );
    const second = repo.get(b!);
    expect(repo.get(b!)).toBe(second);
    const first = repo.get(a!);
    expect(first?.version).toBe('1.0.0');
    // Reading the first pushed the second out.
    expect(repo.get(b!)).not.toBe(second);
    expect(repo.get(b!)).toEqual(second);
  });

  it('a one-off look (peek) reads the stored state without keeping it, nor pushing out what is kept', () => {
    const db = temp.open();
    const repo = createDeploymentsRepository({ db, cacheSize: 2 });
    const ids = [0, 1, 2].map(
      (i) => repo.create(createdEvent(deploymentInput({ version: `1.${i}.0` }), template), USERS.deployer, T0).id,
    );
    const kept = repo.get(ids[1]!);
    // Held already: the same object.
    expect(repo.peek(ids[1]!)).toBe(kept);
    // Not held: parsed for the look and not kept (another look parses again).
    const looked = repo.peek(ids[0]!);
    expect(looked?.version).toBe('1.0.0');
    expect(repo.peek(ids[0]!)).not.toBe(looked);
    expect(repo.peek(ids[0]!)).toEqual(looked);
    // Looks at many leave what was kept in place.
    for (let n = 0; n < 5; n++) repo.peek(ids[2]!);
    expect(repo.get(ids[1]!)).toBe(kept);
    expect(repo.peek(999)).toBeUndefined();
  });
});

describe('lists from the index', () => {
  it('activeIds and mayBeRunning: the unfinished ones soonest first, and those in progress or rolling back with their revisions', () => {
    const repos = temp.repos();
    const at = (h: number) => deploymentInput({ windowStart: T0 + h * HOUR, windowEnd: T0 + (h + 2) * HOUR });
    const later = repos.deployments.create(createdEvent(at(5), template), USERS.deployer, T0);
    const running = repos.deployments.create(createdEvent(at(1), template), USERS.deployer, T0);
    const done = repos.deployments.create(createdEvent(at(3), template), USERS.deployer, T0);
    repos.deployments.change(running.id, () => [{ type: 'phase_started', phaseId: 'prepare' }], USERS.deployer, T0);
    repos.deployments.change(done.id, () => [{ type: 'cancelled', reason: 'moved' }], USERS.deployer, T0);
    expect(repos.deployments.activeIds()).toEqual([running.id, later.id]);
    expect(repos.deployments.mayBeRunning()).toEqual([{ id: running.id, revision: 2 }]);
  });
});
