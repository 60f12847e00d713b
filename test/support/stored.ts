import type Database from 'better-sqlite3';
import type { Deployment } from '../../src/core/deployment/types.js';
import { eventHash, GENESIS } from '../../src/storage/chain.js';

/**
 * A deployment as the database holds it: its snapshot, with the frozen plan its `created` event
 * carries or names (the snapshot is written without it, migration 013), read with the tests' own SQL; the
 * first deployment when `id` is not given.
 */
export const stateOf = (h: { query<T>(sql: string, ...params: unknown[]): T[] }, id?: number): Deployment => {
  id ??= h.query<{ id: number }>('SELECT MIN(id) AS id FROM deployments')[0]!.id;
  // Inline in the event until migration 015; since, named by its hash and kept in `plans`.
  const [row] = h.query<{ state: string; plan: string }>(
    `SELECT d.state, COALESCE(e.data -> '$.plan', (SELECT plan FROM plans WHERE sha256 = e.data ->> '$.planSha256')) AS plan
     FROM deployments d JOIN events e ON e.deployment_id = d.id AND e.seq = 1 WHERE d.id = ?`,
    id,
  );
  if (!row) throw new Error(`no deployment ${id}`);
  return { ...(JSON.parse(row.state) as Deployment), plan: JSON.parse(row.plan) as Deployment['plan'] };
};

/**
 * Rewrites a database's `created` events as Liftoff wrote them before migration 015: each with its
 * plan inline (where it names one kept in `plans`), every event's chain recomputed, and no `plans`
 * table. For tests that set a database back to an older schema.
 */
export function withPlansInline(db: Database.Database): void {
  const events = db
    .prepare<[], { id: number; ref: string; seq: number; type: string; actor: string; at: number; data: string }>(
      'SELECT e.id, d.ref, e.seq, e.type, e.actor, e.at, e.data FROM events e JOIN deployments d ON d.id = e.deployment_id ORDER BY e.deployment_id, e.seq',
    )
    .all();
  const planOf = db.prepare<[string], { plan: string }>('SELECT plan FROM plans WHERE sha256 = ?');
  const rewrite = db.prepare('UPDATE events SET data = ?, prev_hash = ?, hash = ? WHERE id = ?');
  db.exec('DROP TRIGGER events_are_append_only_update');
  let prev = GENESIS;
  for (const e of events) {
    if (e.seq === 1) prev = GENESIS;
    const { planSha256, ...rest } = JSON.parse(e.data) as { planSha256?: string; input?: unknown };
    const data =
      planSha256 === undefined
        ? e.data
        : JSON.stringify({ input: rest.input, plan: JSON.parse(planOf.get(planSha256)!.plan), ...rest });
    const hash = eventHash({
      deployment: e.ref,
      seq: e.seq,
      type: e.type,
      actor: e.actor,
      at: e.at,
      data,
      prevHash: prev,
    });
    rewrite.run(data, prev, hash, e.id);
    prev = hash;
  }
  db.exec(`CREATE TRIGGER events_are_append_only_update BEFORE UPDATE ON events
    BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
    DROP TABLE plans;`);
}
