import type { Deployment } from '../../src/core/deployment/types.js';

/**
 * A deployment as the database holds it: its snapshot, with the frozen plan its `created` event
 * carries (the snapshot is written without it, migration 013), read with the tests' own SQL; the
 * first deployment when `id` is not given.
 */
export const stateOf = (h: { query<T>(sql: string, ...params: unknown[]): T[] }, id?: number): Deployment => {
  id ??= h.query<{ id: number }>('SELECT MIN(id) AS id FROM deployments')[0]!.id;
  const [row] = h.query<{ state: string; created: string }>(
    `SELECT d.state, e.data AS created FROM deployments d JOIN events e ON e.deployment_id = d.id AND e.seq = 1
     WHERE d.id = ?`,
    id,
  );
  if (!row) throw new Error(`no deployment ${id}`);
  return { ...(JSON.parse(row.state) as Deployment), plan: (JSON.parse(row.created) as Deployment).plan };
};
