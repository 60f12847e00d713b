import type { Db } from './db.js';

/** Remembers handled modal submissions (by view id), so a double submit does nothing twice. */
export function createSubmissionsRepository({ db }: { db: Db }) {
  const insert = db.prepare('INSERT OR IGNORE INTO submissions (view_id, deployment_id, at) VALUES (?, ?, ?)');
  const select = db.prepare<[string], { deploymentId: number | null }>(
    'SELECT deployment_id AS deploymentId FROM submissions WHERE view_id = ?',
  );
  return {
    find(viewId: string): { deploymentId: number | null } | undefined {
      return select.get(viewId);
    },
    /** Returns false when the view was already recorded. Call inside the transaction that does the work. */
    record(viewId: string, deploymentId: number | null, at: number): boolean {
      return insert.run(viewId, deploymentId, at).changes === 1;
    },
  };
}
