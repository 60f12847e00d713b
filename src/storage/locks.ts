import type { Environment } from '../core/deployment/types.js';
import type { Db } from './db.js';

/** A service's environment closed to new deployments, e.g. while a rollback runs. */
export interface Lock {
  id: number;
  service: string;
  environment: Environment;
  reason: string;
  /** The deployment that caused it (a rollback), or null for a lock set by hand. */
  deploymentId: number | null;
  lockedBy: string;
  lockedAt: number;
}

const COLUMNS = `id, service, environment, reason, deployment_id AS deploymentId, locked_by AS lockedBy, locked_at AS lockedAt`;

/**
 * Environment locks. At most one active lock per service and environment
 * (a partial unique index); released locks stay as history.
 */
export function createLocksRepository({ db }: { db: Db }) {
  const insert = db.prepare(
    `INSERT INTO locks (service, environment, reason, deployment_id, locked_by, locked_at)
     VALUES (@service, @environment, @reason, @deploymentId, @lockedBy, @lockedAt)
     ON CONFLICT (service, environment) WHERE released_at IS NULL DO NOTHING`,
  );
  const selectActive = db.prepare<[string, string], Lock>(
    `SELECT ${COLUMNS} FROM locks WHERE service = ? AND environment = ? AND released_at IS NULL`,
  );
  const selectAll = db.prepare<[], Lock>(`SELECT ${COLUMNS} FROM locks WHERE released_at IS NULL ORDER BY locked_at, id`);
  const release = db.prepare(
    'UPDATE locks SET released_by = ?, released_at = ? WHERE service = ? AND environment = ? AND released_at IS NULL',
  );
  const setReason = db.prepare('UPDATE locks SET reason = ? WHERE id = ? AND released_at IS NULL');

  return {
    active(service: string, environment: Environment): Lock | undefined {
      return selectActive.get(service, environment);
    },

    listActive(): Lock[] {
      return selectAll.all();
    },

    /** Locks unless already locked; returns the active lock either way (and whether it is new). */
    lock(l: Omit<Lock, 'id'>): { lock: Lock; created: boolean } {
      const created = insert.run(l).changes === 1;
      return { lock: selectActive.get(l.service, l.environment)!, created };
    },

    /** Releases the active lock; false when there was none. */
    release(service: string, environment: Environment, by: string, at: number): boolean {
      return release.run(by, at, service, environment).changes === 1;
    },

    editReason(id: number, reason: string): boolean {
      return setReason.run(reason, id).changes === 1;
    },
  };
}

