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
  /** When a lock set by hand lapses; null for a rollback's lock. */
  expiresAt?: number | null;
  /** The deployment that allowed its holder to lock by hand (cancelling it releases the lock). */
  viaDeploymentId?: number | null;
  remindedAt?: number | null;
}

const COLUMNS = `id, service, environment, reason, deployment_id AS deploymentId, locked_by AS lockedBy, locked_at AS lockedAt,
  expires_at AS expiresAt, via_deployment_id AS viaDeploymentId, reminded_at AS remindedAt`;

/**
 * Environment locks. At most one active lock per service and environment
 * (a partial unique index); released locks stay as history.
 */
export function createLocksRepository({ db }: { db: Db }) {
  const insert = db.prepare(
    `INSERT INTO locks (service, environment, reason, deployment_id, locked_by, locked_at, expires_at, via_deployment_id)
     VALUES (@service, @environment, @reason, @deploymentId, @lockedBy, @lockedAt, @expiresAt, @viaDeploymentId)
     ON CONFLICT (service, environment) WHERE released_at IS NULL DO NOTHING`,
  );
  const selectActive = db.prepare<[string, string], Lock>(
    `SELECT ${COLUMNS} FROM locks WHERE service = ? AND environment = ? AND released_at IS NULL`,
  );
  const selectAll = db.prepare<[], Lock>(
    `SELECT ${COLUMNS} FROM locks WHERE released_at IS NULL ORDER BY locked_at, id`,
  );
  const release = db.prepare(
    'UPDATE locks SET released_by = ?, released_at = ? WHERE service = ? AND environment = ? AND released_at IS NULL',
  );
  const setReason = db.prepare('UPDATE locks SET reason = ? WHERE id = ? AND released_at IS NULL');
  const releaseById = db.prepare(
    'UPDATE locks SET released_by = ?, released_at = ? WHERE id = ? AND released_at IS NULL',
  );
  const selectLapsed = db.prepare<[number], Lock>(
    `SELECT ${COLUMNS} FROM locks WHERE released_at IS NULL AND expires_at IS NOT NULL AND expires_at <= ? ORDER BY id`,
  );
  const selectToRemind = db.prepare<[number], Lock>(
    `SELECT ${COLUMNS} FROM locks WHERE released_at IS NULL AND expires_at IS NOT NULL AND reminded_at IS NULL AND expires_at > ? ORDER BY id`,
  );
  const setReminded = db.prepare('UPDATE locks SET reminded_at = ? WHERE id = ? AND reminded_at IS NULL');
  const selectVia = db.prepare<[number], Lock>(
    `SELECT ${COLUMNS} FROM locks WHERE released_at IS NULL AND via_deployment_id = ? ORDER BY id`,
  );

  return {
    active(service: string, environment: Environment): Lock | undefined {
      return selectActive.get(service, environment);
    },

    listActive(): Lock[] {
      return selectAll.all();
    },

    /** Locks unless already locked; returns the active lock either way (and whether it is new). */
    lock(l: Omit<Lock, 'id'>): { lock: Lock; created: boolean } {
      const created = insert.run({ expiresAt: null, viaDeploymentId: null, ...l }).changes === 1;
      return { lock: selectActive.get(l.service, l.environment)!, created };
    },

    /** Releases the active lock; false when there was none. */
    release(service: string, environment: Environment, by: string, at: number): boolean {
      return release.run(by, at, service, environment).changes === 1;
    },

    /** Releases one lock by id (an expiry, a cancelled deployment's hand locks); false when already released. */
    releaseLock(id: number, by: string, at: number): boolean {
      return releaseById.run(by, at, id).changes === 1;
    },

    /** Active hand locks whose expiry has passed at `now`. */
    lapsed(now: number): Lock[] {
      return selectLapsed.all(now);
    },

    /** Active hand locks not yet reminded about, still running at `now` (the caller picks those due). */
    unreminded(now: number): Lock[] {
      return selectToRemind.all(now);
    },

    /** Marks a lock's reminder as sent; false when it already was (another tick). */
    markReminded(id: number, at: number): boolean {
      return setReminded.run(at, id).changes === 1;
    },

    /** Active hand locks a deployment allowed its people to take. */
    takenVia(deploymentId: number): Lock[] {
      return selectVia.all(deploymentId);
    },

    editReason(id: number, reason: string): boolean {
      return setReason.run(reason, id).changes === 1;
    },
  };
}
