import { applyEvent, initialState, replay } from '../core/deployment/apply.js';
import type { DeploymentEvent, RecordedEvent } from '../core/deployment/events.js';
import { HISTORY_STATUSES, type HistoryFilter } from '../core/deployment/history.js';
import { FINISHED, refOf, STATUSES, type Deployment } from '../core/deployment/types.js';
import type { Listing } from '../core/deployment/listing.js';
import type { DeliveryFacts } from '../core/deployment/stats.js';
import type { Template } from '../core/template/schema.js';
import { chainBreak, eventHash, GENESIS, sha256Hex, type ChainedRow } from './chain.js';
import type { Db } from './db.js';
import { listingRowOf } from './listing.js';
import { writeTransaction } from './transaction.js';

interface Row {
  id: number;
  state: string;
}

interface EventRow {
  seq: number;
  type: string;
  actor: string;
  at: number;
  data: string;
}

/** The snapshot's values that are also kept as columns, for queries. */
const columnsOf = (d: Deployment) => ({
  ref: d.ref,
  service: d.service,
  environment: d.environment as string,
  version: d.version,
  status: d.status as string,
  channelId: d.channelId,
  windowStart: d.window.start,
  windowEnd: d.window.end,
  revision: d.revision,
});

/** The row columns in which `b` differs from `a` (a change's, or what `verify` finds drifted). */
function columnsDiffering(a: ReturnType<typeof columnsOf>, b: ReturnType<typeof columnsOf>) {
  return (Object.keys(a) as Array<keyof typeof a>).filter((k) => a[k] !== b[k]);
}

/**
 * Parsed snapshots kept in memory, most recently used. Lists and App Home read the small
 * `listing` rows and only the snapshots they show, so this holds what is being worked on
 * (and shown), not every active deployment: memory stays flat however many there are.
 */
const CACHE_SIZE = 500;
/**
 * And at most this much JSON (characters of snapshot and plan; a parsed snapshot shares its plan's
 * parts, so it takes less): a template of hundreds of items, or a long record, holds fewer deployments.
 */
const CACHE_CHARS = 8_000_000;
/** Distinct plan parts held for sharing before the table starts again. */
const PARTS_MAX = 5_000;
/** Parsed plans held by hash (each shared by the deployments that froze it; as many as snapshots) before the table starts again. */
const PLANS_MAX = CACHE_SIZE;

/**
 * A `created` event's data as stored since migration 015: its plan named by `planSha256`, the
 * text kept once in `plans` (deployments alike freeze the same plan). Those stored before hold it inline.
 */
type StoredCreated = { planSha256: string; plan?: undefined } | { plan: Template; planSha256?: undefined };

/**
 * A deployment's snapshot as stored: everything but the frozen plan (migration 013). The plan never
 * changes after the `created` event, which holds it, and it was most of every snapshot (about 9 of a
 * snapshot's 11-13 KB with the built-in templates): each change rewrote it, in the row's overflow
 * pages of the log. A read takes the plan from that event once per deployment (`planOf`).
 */
const snapshotJson = (d: Deployment): string => JSON.stringify({ ...d, plan: undefined });

/** One event of the record, with its link in the chain. */
export interface ChainedEvent {
  seq: number;
  prevHash: string;
  hash: string;
  event: RecordedEvent;
}

/**
 * Deployments and their events. Every change appends its events and rewrites
 * the snapshot in the same transaction, so the two always agree.
 */
export function createDeploymentsRepository({
  db,
  cacheSize = CACHE_SIZE,
  cacheChars = CACHE_CHARS,
}: {
  db: Db;
  cacheSize?: number;
  cacheChars?: number;
}) {
  // The id SQLite itself would pick for the row (an INTEGER PRIMARY KEY: the highest plus one), taken
  // first inside the write transaction, so the row is written once, whole (its ref and snapshot carry the id).
  const nextId = db.prepare<[], { id: number }>('SELECT COALESCE(MAX(id), 0) + 1 AS id FROM deployments');
  const insertDeployment = db.prepare(
    `INSERT INTO deployments (id, ref, service, environment, version, status, channel_id, window_start, window_end, revision, state, created_at, updated_at)
     VALUES (@id, @ref, @service, @environment, @version, @status, @channelId, @windowStart, @windowEnd, @revision, @state, @at, @at)`,
  );
  const writeSnapshot = db.prepare(
    `UPDATE deployments SET ref = @ref, service = @service, environment = @environment, version = @version, status = @status,
       channel_id = @channelId, window_start = @windowStart, window_end = @windowEnd, revision = @revision, state = @state, updated_at = @at
     WHERE id = @id`,
  );
  // A change that left every column but the revision as it was: an index none of whose columns is
  // assigned is not touched (SQLite rewrites the entries of every index an UPDATE assigns a column of,
  // changed or not), and the one on the time of change holds finished deployments only (migration
  // 014): a click on an active deployment rewrites none of the deployments' indexes.
  const writeRevision = db.prepare(
    'UPDATE deployments SET revision = @revision, state = @state, updated_at = @at WHERE id = @id',
  );
  const insertEvent = db.prepare(
    'INSERT INTO events (deployment_id, seq, type, actor, at, data, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const selectHead = db.prepare<[number], { hash: string }>(
    'SELECT hash FROM events WHERE deployment_id = ? ORDER BY seq DESC LIMIT 1',
  );
  const selectChain = db.prepare<[number], ChainedRow>(
    'SELECT seq, type, actor, at, data, prev_hash, hash FROM events WHERE deployment_id = ? ORDER BY seq',
  );
  const selectOne = db.prepare<[number], Row>('SELECT id, state FROM deployments WHERE id = ?');
  // The frozen plan: the `created` event's (the first), which the snapshot is written without.
  const selectCreated = db.prepare<[number], { data: string }>(
    "SELECT data FROM events WHERE deployment_id = ? AND seq = 1 AND type = 'created'",
  );
  const insertPlan = db.prepare('INSERT OR IGNORE INTO plans (sha256, plan) VALUES (?, ?)');
  const selectPlan = db.prepare<[string], { plan: string }>('SELECT plan FROM plans WHERE sha256 = ?');
  // Through the status index: the unfinished statuses by name (NOT IN would scan the table).
  const ACTIVE = STATUSES.filter((st) => !FINISHED.has(st));
  const selectActiveIds = db.prepare<[], { id: number }>(
    `SELECT id FROM deployments WHERE status IN (${ACTIVE.map((st) => `'${st}'`).join(', ')}) ORDER BY window_start, id`,
  );
  const selectActive = db.prepare<[], { id: number; revision: number }>(
    `SELECT id, revision FROM deployments WHERE status IN (${ACTIVE.map((st) => `'${st}'`).join(', ')}) ORDER BY window_start, id`,
  );
  const writeListing = db.prepare(
    `INSERT INTO listing (deployment_id, status, service, environment, window_start, revision, summary, facts)
     VALUES (@id, @status, @service, @environment, @windowStart, @revision, @summary, @facts)
     ON CONFLICT (deployment_id) DO UPDATE SET status = excluded.status, service = excluded.service,
       environment = excluded.environment, window_start = excluded.window_start, revision = excluded.revision,
       summary = excluded.summary, facts = excluded.facts`,
  );
  // The same for the listing row: its status, service, environment and window as they were, none of its indexes is touched.
  const writeListingSummary = db.prepare(
    'UPDATE listing SET revision = @revision, summary = @summary, facts = @facts WHERE deployment_id = @id',
  );
  const selectListing = db.prepare<[number], ReturnType<typeof listingRowOf>>(
    `SELECT deployment_id AS id, status, service, environment, window_start AS windowStart, revision, summary, facts
     FROM listing WHERE deployment_id = ?`,
  );
  const activeWhere = `status IN (${ACTIVE.map((st) => `'${st}'`).join(', ')})`;
  const selectActiveListing = db.prepare<[], { summary: string }>(
    `SELECT summary FROM listing WHERE ${activeWhere} ORDER BY window_start, deployment_id`,
  );
  const selectActiveOf = db.prepare<[string, string], { id: number; revision: number }>(
    `SELECT deployment_id AS id, revision FROM listing WHERE ${activeWhere} AND service = ? AND environment = ?
     ORDER BY window_start, deployment_id`,
  );
  // A phase runs only in progress (phase_started sets it); a rollback's timer while rolling back.
  const selectRunning = db.prepare<[], { id: number; revision: number }>(
    "SELECT id, revision FROM deployments WHERE status IN ('in_progress', 'rolling_back') ORDER BY id",
  );
  const selectRevision = db.prepare<[number], { revision: number }>('SELECT revision FROM deployments WHERE id = ?');
  const selectEvents = db.prepare<[number], EventRow>(
    'SELECT seq, type, actor, at, data FROM events WHERE deployment_id = ? ORDER BY seq',
  );
  // Through the finished deployments' own index (migration 014), which a query uses only when it names its statuses as written.
  const selectRecentlyFinished = db.prepare<[number], { id: number }>(
    `SELECT id FROM deployments WHERE status IN (${[...FINISHED].map((st) => `'${st}'`).join(', ')}) AND updated_at >= ? ORDER BY id`,
  );
  const selectPreviousCompleted = db.prepare<[string, string, number], { id: number; version: string }>(
    `SELECT id, version FROM deployments WHERE service = ? AND environment = ? AND status = 'completed' AND id < ?
     ORDER BY id DESC LIMIT 1`,
  );
  const selectLatestUnderway = db.prepare<[string, string], { id: number; version: string }>(
    `SELECT id, version FROM deployments WHERE service = ? AND environment = ?
       AND status NOT IN ('scheduled', 'preparing', 'cancelled') ORDER BY id DESC LIMIT 1`,
  );
  const selectIds = db.prepare<[], { id: number }>('SELECT id FROM deployments ORDER BY id');
  const selectRoomHolder = db.prepare<[string], { id: number }>(
    "SELECT deployment_id AS id FROM events WHERE type = 'room_opened' AND json_extract(data, '$.channelId') = ? ORDER BY id LIMIT 1",
  );
  const maxSeq = db.prepare<[number], { seq: number | null }>(
    'SELECT MAX(seq) AS seq FROM events WHERE deployment_id = ?',
  );

  const selectColumns = db.prepare<[number], ReturnType<typeof columnsOf> & { state: string }>(
    `SELECT ref, service, environment, version, status, channel_id AS channelId, window_start AS windowStart,
       window_end AS windowEnd, revision, state FROM deployments WHERE id = ?`,
  );

  // Past deployments, newest window first; an absent filter matches everything (NULL). From the
  // listing's index alone (status, window, service, environment): no snapshot is walked through.
  const historyWhere = `status IN (${HISTORY_STATUSES.map((st) => `'${st}'`).join(', ')})
     AND (@service IS NULL OR service = @service) AND (@environment IS NULL OR environment = @environment)`;
  const selectHistory = db.prepare<
    [{ service: string | null; environment: string | null; limit: number; offset: number }],
    { id: number; revision: number }
  >(
    `SELECT deployment_id AS id, revision FROM listing WHERE ${historyWhere}
     ORDER BY window_start DESC, deployment_id DESC LIMIT @limit OFFSET @offset`,
  );
  const countHistory = db.prepare<[{ service: string | null; environment: string | null }], { n: number }>(
    `SELECT COUNT(*) AS n FROM listing WHERE ${historyWhere}`,
  );

  const selectPeriodRevisions = db.prepare<
    [{ service: string | null; environment: string | null; from: number; to: number }],
    { id: number; revision: number }
  >(
    `SELECT deployment_id AS id, revision FROM listing WHERE ${historyWhere} AND window_start >= @from AND window_start <= @to
     ORDER BY window_start, deployment_id`,
  );
  const selectFacts = db.prepare<[number], { revision: number; facts: string }>(
    'SELECT revision, facts FROM listing WHERE deployment_id = ?',
  );
  const selectPeriod = db.prepare<
    [{ service: string | null; environment: string | null; from: number; to: number }],
    { facts: string }
  >(
    `SELECT facts FROM listing WHERE ${historyWhere} AND window_start >= @from AND window_start <= @to
     ORDER BY window_start, deployment_id`,
  );

  /** Each plan's length in JSON: the cache counts it beside the snapshot's (which is written without it). */
  const planChars = new WeakMap<Template, number>();
  /**
   * The frozen plan of deployment `id`, from its `created` event; `share`: its parts shared with
   * the plans alike held already (most of a template's), for a deployment kept in the cache.
   */
  function planOf(id: number, share: boolean): Template {
    const row = selectCreated.get(id);
    // Written with the row in one transaction and never deleted: only a damaged database lacks it.
    if (!row) throw new Error(`${refOf(id)} has no created event (its plan): run liftoff db check`);
    const stored = JSON.parse(row.data) as StoredCreated;
    if (stored.planSha256 !== undefined) return planByHash(id, stored.planSha256, share);
    const plan = share ? sharedParts(stored.plan) : stored.plan;
    planChars.set(plan, row.data.length);
    return plan;
  }

  /** Parsed plans by their hash: every deployment that froze one shares it. */
  const plansByHash = new Map<string, Template>();
  /** The text and hash of each plan written: one plan object frozen for many starts is serialised and hashed once. */
  const plansWritten = new WeakMap<Template, { sha256: string; text: string }>();

  /**
   * The plan stored under `sha256`; `share`: for a deployment kept in the cache, so the plan is kept
   * by its hash and its parts shared with plans alike (a one-off look, a replay, keeps nothing).
   */
  function planByHash(id: number, sha256: string, share: boolean): Template {
    const known = plansByHash.get(sha256);
    if (known) return known;
    const row = selectPlan.get(sha256);
    // Written with the `created` event in one transaction and never deleted: only a damaged database lacks it.
    if (!row) throw new Error(`${refOf(id)}'s plan (sha256 ${sha256}) is missing: run liftoff db check`);
    const parsed = JSON.parse(row.plan) as Template;
    const plan = share ? sharedParts(parsed) : parsed;
    planChars.set(plan, row.plan.length);
    return share ? keepPlan(sha256, plan) : plan;
  }

  function keepPlan(sha256: string, plan: Template): Template {
    if (plansByHash.size >= PLANS_MAX) plansByHash.clear();
    plansByHash.set(sha256, plan);
    return plan;
  }

  /** Stores `plan` in `plans` unless a deployment froze the same one before; returns its hash. */
  function writePlan(plan: Template): string {
    let written = plansWritten.get(plan);
    if (!written) {
      const text = JSON.stringify(plan);
      written = { sha256: sha256Hex(text), text };
      plansWritten.set(plan, written);
    }
    // Every time (a look-up of the key when the row is there): a transaction rolled back may have taken the row away.
    insertPlan.run(written.sha256, written.text);
    planChars.set(plan, written.text.length);
    keepPlan(written.sha256, plan);
    return written.sha256;
  }

  /** What is wrong with the plan a `created` event names (absent, or not the text it was hashed from); null when it holds. */
  function storedPlanProblem(id: number): string | null {
    const row = selectCreated.get(id);
    const sha256 = row ? (JSON.parse(row.data) as StoredCreated).planSha256 : undefined;
    if (sha256 === undefined) return null;
    const plan = selectPlan.get(sha256);
    if (!plan) return `its plan (sha256 ${sha256}) is missing`;
    if (sha256Hex(plan.plan) !== sha256)
      return `its plan (sha256 ${sha256}) was changed after it was written (its content does not match its hash)`;
    return null;
  }

  /** An event as stored, read back: a `created` event's plan taken from `plans` when the event names it. */
  function toRecorded(id: number, row: EventRow): RecordedEvent {
    const data = JSON.parse(row.data) as Record<string, unknown>;
    if (row.type === 'created' && typeof data.planSha256 === 'string') {
      const { planSha256, ...rest } = data;
      return {
        ...rest,
        plan: planByHash(id, planSha256, false),
        type: row.type,
        actor: row.actor,
        at: row.at,
      } as RecordedEvent;
    }
    return { ...data, type: row.type, actor: row.actor, at: row.at } as RecordedEvent;
  }

  /**
   * Parsed snapshots by id, each valid for the revision it was parsed at. A snapshot is
   * never changed in place (the fold builds a new one), and every write goes through
   * this repository, so a cached snapshot whose revision still matches the row is the
   * row: a list of 2,000 active deployments reads 2,000 revisions, not 2,000 JSON plans.
   */
  const cache = new Map<number, { d: Deployment; used: number; chars: number }>();
  let uses = 0;
  let chars = 0;
  /**
   * Least recently used out: a hit only stamps its entry (reordering a Map of thousands on every
   * read costs more than the read); past the size, the oldest tenth goes at once. `size`: the
   * snapshot's JSON length (its plan's is counted beside it); absent, the entry's as it was.
   */
  function remember(d: Deployment, size?: number): Deployment {
    const before = cache.get(d.id);
    const entry = {
      d,
      used: ++uses,
      chars: size === undefined ? (before?.chars ?? 0) : size + (planChars.get(d.plan) ?? 0),
    };
    chars += entry.chars - (before?.chars ?? 0);
    cache.set(d.id, entry);
    if (cache.size > cacheSize || chars > cacheChars) {
      const oldest = [...cache].sort(([, a], [, b]) => a.used - b.used);
      for (const [id, e] of oldest) {
        if (cache.size <= Math.floor(cacheSize * 0.9) && chars <= cacheChars * 0.9) break;
        cache.delete(id);
        chars -= e.chars;
      }
    }
    return d;
  }
  /** Parts of plans by their JSON: deployments from one template differ in a few filled-in placeholders. */
  const parts = new Map<string, unknown>();
  function sharedParts(plan: Template): Template {
    if (parts.size > PARTS_MAX) parts.clear();
    const shared = Object.entries(plan).map(([key, value]) => {
      const json = JSON.stringify(value);
      const known = parts.get(json);
      if (known !== undefined) return [key, known];
      parts.set(json, value);
      return [key, value];
    });
    return Object.fromEntries(shared) as Template;
  }

  function cached(id: number, revision: number, keep = true): Deployment | undefined {
    const hit = cache.get(id);
    if (hit && hit.d.revision === revision) {
      hit.used = ++uses;
      return hit.d;
    }
    const row = selectOne.get(id);
    if (!row) return undefined;
    const d = JSON.parse(row.state) as Deployment;
    // The frozen plan never changes after creation: a newer revision shares the one already in memory,
    // else it comes from the `created` event (its parts shared with plans alike when it is kept).
    d.plan = hit?.d.plan ?? planOf(id, keep);
    // A one-off look (start-up reconciliation reads every active deployment once): nothing is kept.
    if (!keep) return d;
    return remember(d, row.state.length);
  }

  /**
   * The active deployments' listing as last read, until the next write: ten App Home opens at once
   * share one read. Only filled outside a transaction (one rolled back would leave it wrong).
   */
  let activeListed: readonly Listing[] | undefined;
  /** The history's counts by filter, the same way: they change only with a write. */
  const historyCounts = new Map<string, number>();

  /**
   * Writes the snapshot and its listing row; returns the snapshot's length (what the cache counts).
   * `from`: `new` for a deployment's first rows, else the state it changed from: when nothing but the
   * revision moved (most changes: a click), only the revision, snapshot and time, and the listing's
   * summary, are written.
   */
  function save(d: Deployment, at: number, from: Deployment | 'new'): number {
    const state = snapshotJson(d);
    const columns = columnsOf(d);
    const same = from !== 'new' && columnsDiffering(columnsOf(from), columns).every((k) => k === 'revision');
    if (from === 'new') insertDeployment.run({ id: d.id, ...columns, state, at });
    else if (same) writeRevision.run({ id: d.id, revision: d.revision, state, at });
    else writeSnapshot.run({ id: d.id, ...columns, state, at });
    const listing = listingRowOf(d);
    if (!same || writeListingSummary.run(listing).changes === 0) writeListing.run(listing);
    activeListed = undefined;
    historyCounts.clear();
    return state.length;
  }

  /** Appends one event, chained to the previous one (`prevHash`); returns its hash. */
  function append(d: Deployment, event: RecordedEvent, seq: number, prevHash: string): string {
    const { type, actor, at, ...rest } = event;
    // A `created` event names its plan (stored once in `plans`) instead of holding it (migration 015).
    const data = JSON.stringify(
      event.type === 'created' ? { ...rest, plan: undefined, planSha256: writePlan(event.plan) } : rest,
    );
    const hash = eventHash({ deployment: d.ref, seq, type, actor, at, data, prevHash });
    insertEvent.run(d.id, seq, type, actor, at, data, prevHash, hash);
    return hash;
  }

  return {
    /** Creates a deployment from its `created` event; returns its first state. */
    create: writeTransaction(
      db,
      (event: DeploymentEvent & { type: 'created' }, actor: string, at: number): Deployment => {
        const recorded = { ...event, actor, at };
        const d = initialState(nextId.get()!.id, recorded);
        const size = save(d, at, 'new');
        append(d, recorded, 1, GENESIS);
        return remember(d, size);
      },
    ),

    get(id: number): Deployment | undefined {
      const row = selectRevision.get(id);
      return row ? cached(id, row.revision) : undefined;
    },

    /**
     * The deployment for a one-off look: from the cache when it holds the row's revision, else
     * parsed and not kept, so a pass over thousands (start-up reconciliation) leaves the cache
     * to the deployments people work on.
     */
    peek(id: number): Deployment | undefined {
      const row = selectRevision.get(id);
      return row ? cached(id, row.revision, false) : undefined;
    },

    getByRef(ref: string): Deployment | undefined {
      const m = /^DEP-(\d{1,12})$/i.exec(ref.trim());
      return m ? this.get(Number(m[1])) : undefined;
    },

    /** Every deployment not yet finished, its snapshot parsed, soonest window first (lists read `activeListing`). */
    listActive(): Deployment[] {
      return selectActive.all().flatMap((r) => cached(r.id, r.revision) ?? []);
    },

    /**
     * What lists and App Home read of every deployment not yet finished (completed, cancelled or
     * rolled back), soonest window first: the small `listing` rows, no snapshot.
     */
    activeListing(): readonly Listing[] {
      if (activeListed) return activeListed;
      const listed = selectActiveListing.all().map((r) => JSON.parse(r.summary) as Listing);
      if (!db.inTransaction) activeListed = listed;
      return listed;
    },

    /** What lists read of one deployment (its `listing` row), without its snapshot. */
    listed(id: number): Listing | undefined {
      const row = selectListing.get(id);
      return row ? (JSON.parse(row.summary) as Listing) : undefined;
    },

    /** The deployments not yet finished of `service` in `environment`, soonest window first. */
    activeOf(service: string, environment: string): Deployment[] {
      return selectActiveOf.all(service, environment).flatMap((r) => cached(r.id, r.revision) ?? []);
    },

    /** Ids of the deployments not yet finished, soonest window first: `listActive` without reading a snapshot. */
    activeIds(): number[] {
      return selectActiveIds.all().map((r) => r.id);
    },

    /**
     * The deployments that may have a timer running (in progress: a phase; rolling back: the
     * rollback), with their revisions: found by the status index, the revision read from those
     * few rows (not the snapshot), so a caller that remembers what it did at a revision parses nothing.
     */
    mayBeRunning(): Array<{ id: number; revision: number }> {
      return selectRunning.all();
    },

    /** The deployment as of `revision` (from the cache when it holds that revision). */
    at(id: number, revision: number): Deployment | undefined {
      return cached(id, revision);
    },

    /** Ids of deployments finished (completed, cancelled or rolled back) since `since`. */
    recentlyFinished(since: number): number[] {
      return selectRecentlyFinished.all(since).map((r) => r.id);
    },

    /**
     * The latest completed deployment of `service` in `environment` created
     * before deployment `beforeId` (any, when omitted): what a rollback returns to.
     */
    previousCompleted(
      service: string,
      environment: string,
      beforeId: number = Number.MAX_SAFE_INTEGER,
    ): { id: number; version: string } | undefined {
      return selectPreviousCompleted.get(service, environment, beforeId);
    },

    /** The latest deployment of `service` in `environment` that went out (started, whatever came of it). */
    latestUnderway(service: string, environment: string): { id: number; version: string } | undefined {
      return selectLatestUnderway.get(service, environment);
    },

    /** Past deployments (completed, rolled back, cancelled, rollback failed), newest window first. */
    history(filter: HistoryFilter, limit: number, offset: number): { total: number; deployments: Deployment[] } {
      const where = { service: filter.service ?? null, environment: filter.environment ?? null };
      const key = JSON.stringify(where);
      const total = historyCounts.get(key) ?? countHistory.get(where)?.n ?? 0;
      if (!db.inTransaction) historyCounts.set(key, total);
      const page = limit ? selectHistory.all({ ...where, limit, offset }) : [];
      return { total, deployments: page.flatMap((r) => cached(r.id, r.revision) ?? []) };
    },

    /** What the delivery measures read of past deployments whose window started in [from, to], oldest first. */
    factsBetween(filter: HistoryFilter, from: number, to: number): DeliveryFacts[] {
      return selectPeriod
        .all({ service: filter.service ?? null, environment: filter.environment ?? null, from, to })
        .map((r) => JSON.parse(r.facts) as DeliveryFacts);
    },

    /**
     * `factsBetween`, by deployment with its revision, taking from `kept` (an earlier answer) every
     * deployment still at the revision it had: only the ones changed or new since are read.
     */
    factsKept(
      filter: HistoryFilter,
      from: number,
      to: number,
      kept: ReadonlyMap<number, { revision: number; facts: DeliveryFacts }>,
    ): Map<number, { revision: number; facts: DeliveryFacts }> {
      const rows = selectPeriodRevisions.all({
        service: filter.service ?? null,
        environment: filter.environment ?? null,
        from,
        to,
      });
      return new Map(
        rows.flatMap(({ id, revision }) => {
          const hit = kept.get(id);
          if (hit?.revision === revision) return [[id, hit] as const];
          const row = selectFacts.get(id);
          return row ? [[id, { revision: row.revision, facts: JSON.parse(row.facts) as DeliveryFacts }] as const] : [];
        }),
      );
    },

    allIds(): number[] {
      return selectIds.all().map((r) => r.id);
    },

    /** The deployment whose dedicated channel `channelId` is (its `room_opened` names it), if any. */
    roomHolder(channelId: string): number | undefined {
      return selectRoomHolder.get(channelId)?.id;
    },

    /**
     * The one way to change a deployment: inside a transaction, reads the
     * current state, asks `decide` for events (it may throw to refuse), appends
     * them and writes the new snapshot. Never awaits inside.
     */
    change: writeTransaction(
      db,
      (id: number, decide: (d: Deployment) => DeploymentEvent[], actor: string, at: number) => {
        // Inside the write lock: the cached snapshot at the row's revision is the row.
        const row = selectRevision.get(id);
        if (!row) return undefined;
        const before = cached(id, row.revision)!;
        let d = before;
        const events = decide(d);
        let seq = d.revision;
        let head = events.length ? (selectHead.get(id)?.hash ?? GENESIS) : GENESIS;
        for (const e of events) {
          const recorded = { ...e, actor, at } as RecordedEvent;
          d = applyEvent(d, recorded);
          head = append(d, recorded, ++seq, head);
        }
        remember(d, events.length ? save(d, at, before) : undefined);
        return { deployment: d, events };
      },
    ),

    events(id: number): RecordedEvent[] {
      return selectEvents.all(id).map((r) => toRecorded(id, r));
    },

    /** The events with their place in the chain (seq, prev_hash, hash), oldest first: the full record. */
    chained(id: number): ChainedEvent[] {
      return selectChain
        .all(id)
        .map((r) => ({ seq: r.seq, prevHash: r.prev_hash, hash: r.hash, event: toRecorded(id, r) }));
    },

    /**
     * Rebuilds the state from the events and compares it with the stored
     * snapshot, including the columns that lists and queries read.
     */
    verify(id: number): { ok: boolean; ref: string; problem?: string } {
      const ref = refOf(id);
      const broken = chainBreak(ref, selectChain.all(id));
      if (broken) return { ok: false, ref, problem: `chain breaks at event ${broken.seq}: ${broken.problem}` };
      const planProblem = storedPlanProblem(id);
      if (planProblem) return { ok: false, ref, problem: planProblem };
      const columns = selectColumns.get(id);
      if (!columns) return { ok: false, ref, problem: 'no snapshot' };
      let stored: Deployment;
      let rebuilt: Deployment;
      try {
        stored = JSON.parse(columns.state) as Deployment;
      } catch {
        return { ok: false, ref, problem: 'snapshot is not valid JSON' };
      }
      if (Object.hasOwn(stored, 'plan'))
        return { ok: false, ref, problem: 'snapshot holds a plan (the created event holds it)' };
      const seq = maxSeq.get(id)?.seq ?? 0;
      if (seq !== stored.revision)
        return { ok: false, ref, problem: `snapshot is at revision ${stored.revision}, events at ${seq}` };
      try {
        rebuilt = replay(id, this.events(id));
      } catch (error) {
        return { ok: false, ref, problem: `its events cannot be replayed: ${(error as Error).message}` };
      }
      if (snapshotJson(rebuilt) !== JSON.stringify(stored)) {
        return { ok: false, ref, problem: 'snapshot differs from the fold of its events' };
      }
      const expected = columnsOf(rebuilt);
      const drifted = columnsDiffering(expected, columns);
      if (drifted.length) return { ok: false, ref, problem: `columns differ from the snapshot: ${drifted.join(', ')}` };
      const listed = selectListing.get(id);
      if (!listed) return { ok: false, ref, problem: 'no listing row' };
      const listing = listingRowOf(rebuilt);
      const off = (Object.keys(listing) as (keyof typeof listing)[]).filter((k) => listed[k] !== listing[k]);
      if (off.length) return { ok: false, ref, problem: `listing differs from the snapshot: ${off.join(', ')}` };
      return { ok: true, ref };
    },
  };
}
