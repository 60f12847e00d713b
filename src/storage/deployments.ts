import { applyEvent, initialState, replay } from '../core/deployment/apply.js';
import type { DeploymentEvent, RecordedEvent } from '../core/deployment/events.js';
import { FINISHED, refOf, type Deployment } from '../core/deployment/types.js';
import type { Db } from './db.js';

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

const toRecorded = (row: EventRow): RecordedEvent =>
  ({ ...(JSON.parse(row.data) as object), type: row.type, actor: row.actor, at: row.at }) as RecordedEvent;

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

/**
 * Deployments and their events. Every change appends its events and rewrites
 * the snapshot in the same transaction, so the two always agree.
 */
export function createDeploymentsRepository({ db }: { db: Db }) {
  const insertDeployment = db.prepare(
    `INSERT INTO deployments (ref, service, environment, version, status, channel_id, window_start, window_end, revision, state, created_at, updated_at)
     VALUES ('', '', '', '', '', '', 0, 0, 0, '{}', @at, @at)`,
  );
  const writeSnapshot = db.prepare(
    `UPDATE deployments SET ref = @ref, service = @service, environment = @environment, version = @version, status = @status,
       channel_id = @channelId, window_start = @windowStart, window_end = @windowEnd, revision = @revision, state = @state, updated_at = @at
     WHERE id = @id`,
  );
  const insertEvent = db.prepare(
    'INSERT INTO events (deployment_id, seq, type, actor, at, data) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const selectOne = db.prepare<[number], Row>('SELECT id, state FROM deployments WHERE id = ?');
  const selectActive = db.prepare<[string, string, string], Row>(
    'SELECT id, state FROM deployments WHERE status NOT IN (?, ?, ?) ORDER BY window_start, id',
  );
  const selectEvents = db.prepare<[number], EventRow>(
    'SELECT seq, type, actor, at, data FROM events WHERE deployment_id = ? ORDER BY seq',
  );
  const selectRecentlyFinished = db.prepare<[string, string, string, number], { id: number }>(
    'SELECT id FROM deployments WHERE status IN (?, ?, ?) AND updated_at >= ? ORDER BY id',
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
  const maxSeq = db.prepare<[number], { seq: number | null }>('SELECT MAX(seq) AS seq FROM events WHERE deployment_id = ?');

  const selectColumns = db.prepare<[number], ReturnType<typeof columnsOf> & { state: string }>(
    `SELECT ref, service, environment, version, status, channel_id AS channelId, window_start AS windowStart,
       window_end AS windowEnd, revision, state FROM deployments WHERE id = ?`,
  );

  const parse = (row: Row): Deployment => JSON.parse(row.state) as Deployment;

  function save(d: Deployment, at: number) {
    writeSnapshot.run({ id: d.id, ...columnsOf(d), state: JSON.stringify(d), at });
  }

  function append(d: Deployment, event: RecordedEvent, seq: number) {
    const { type, actor, at, ...data } = event;
    insertEvent.run(d.id, seq, type, actor, at, JSON.stringify(data));
  }

  return {
    /** Creates a deployment from its `created` event; returns its first state. */
    create: db.transaction((event: DeploymentEvent & { type: 'created' }, actor: string, at: number): Deployment => {
      const id = Number(insertDeployment.run({ at }).lastInsertRowid);
      const recorded = { ...event, actor, at };
      const d = initialState(id, recorded);
      append(d, recorded, 1);
      save(d, at);
      return d;
    }),

    get(id: number): Deployment | undefined {
      const row = selectOne.get(id);
      return row ? parse(row) : undefined;
    },

    getByRef(ref: string): Deployment | undefined {
      const m = /^DEP-(\d{1,12})$/i.exec(ref.trim());
      return m ? this.get(Number(m[1])) : undefined;
    },

    /** Deployments not yet finished (completed, cancelled or rolled back), soonest window first. */
    listActive(): Deployment[] {
      const [a, b, c] = [...FINISHED] as [string, string, string];
      return selectActive.all(a, b, c).map(parse);
    },

    /** Ids of deployments finished (completed, cancelled or rolled back) since `since`. */
    recentlyFinished(since: number): number[] {
      const [a, b, c] = [...FINISHED] as [string, string, string];
      return selectRecentlyFinished.all(a, b, c, since).map((r) => r.id);
    },

    /**
     * The latest completed deployment of `service` in `environment` created
     * before deployment `beforeId` (any, when omitted): what a rollback returns to.
     */
    previousCompleted(service: string, environment: string, beforeId: number = Number.MAX_SAFE_INTEGER): { id: number; version: string } | undefined {
      return selectPreviousCompleted.get(service, environment, beforeId);
    },

    /** The latest deployment of `service` in `environment` that went out (started, whatever came of it). */
    latestUnderway(service: string, environment: string): { id: number; version: string } | undefined {
      return selectLatestUnderway.get(service, environment);
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
    change: db.transaction(
      (id: number, decide: (d: Deployment) => DeploymentEvent[], actor: string, at: number) => {
        const row = selectOne.get(id);
        if (!row) return undefined;
        let d = parse(row);
        const events = decide(d);
        let seq = d.revision;
        for (const e of events) {
          const recorded = { ...e, actor, at } as RecordedEvent;
          d = applyEvent(d, recorded);
          append(d, recorded, ++seq);
        }
        if (events.length) save(d, at);
        return { deployment: d, events };
      },
    ),

    events(id: number): RecordedEvent[] {
      return selectEvents.all(id).map(toRecorded);
    },

    /**
     * Rebuilds the state from the events and compares it with the stored
     * snapshot, including the columns that lists and queries read.
     */
    verify(id: number): { ok: boolean; ref: string; problem?: string } {
      const ref = refOf(id);
      const columns = selectColumns.get(id);
      if (!columns) return { ok: false, ref, problem: 'no snapshot' };
      let stored: Deployment;
      let rebuilt: Deployment;
      try {
        stored = JSON.parse(columns.state) as Deployment;
      } catch {
        return { ok: false, ref, problem: 'snapshot is not valid JSON' };
      }
      const seq = maxSeq.get(id)?.seq ?? 0;
      if (seq !== stored.revision) return { ok: false, ref, problem: `snapshot is at revision ${stored.revision}, events at ${seq}` };
      try {
        rebuilt = replay(id, this.events(id));
      } catch (error) {
        return { ok: false, ref, problem: `its events cannot be replayed: ${(error as Error).message}` };
      }
      if (JSON.stringify(rebuilt) !== JSON.stringify(stored)) {
        return { ok: false, ref, problem: 'snapshot differs from the fold of its events' };
      }
      const expected = columnsOf(rebuilt);
      const drifted = (Object.keys(expected) as (keyof typeof expected)[]).filter((k) => columns[k] !== expected[k]);
      if (drifted.length) return { ok: false, ref, problem: `columns differ from the snapshot: ${drifted.join(', ')}` };
      return { ok: true, ref };
    },
  };
}

