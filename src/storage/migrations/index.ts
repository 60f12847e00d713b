import type Database from 'better-sqlite3';
import { ConfigError } from '../../config/errors.js';
import { m001Initial } from './001-initial.js';
import { m002Jobs } from './002-jobs.js';
import { m003Locks } from './003-locks.js';
import { m004Audit } from './004-audit.js';
import { m005LockExpiry } from './005-lock-expiry.js';
import { m006EventChain } from './006-event-chain.js';
import { m007ApiIdempotency } from './007-api-idempotency.js';
import { m008Freezes } from './008-freezes.js';
import { m009ListingIndex } from './009-listing-index.js';
import { m010Listing } from './010-listing.js';
import { m011Drawn } from './011-drawn.js';
import { m012ActiveByService } from './012-active-by-service.js';
import { m013SnapshotWithoutPlan } from './013-snapshot-without-plan.js';
import { m014IndexesAClickLeaves } from './014-indexes-a-click-leaves.js';
import { m015Plans } from './015-plans.js';

export interface Migration {
  version: number;
  name: string;
  up: string;
  /** A step SQL alone cannot do (e.g. hashing rows), run after `up` in the same transaction. */
  data?: (db: Database.Database) => void;
}

/** Append-only: never edit a migration that has shipped; add the next one. */
export const MIGRATIONS: readonly Migration[] = [
  m001Initial,
  m002Jobs,
  m003Locks,
  m004Audit,
  m005LockExpiry,
  m006EventChain,
  m007ApiIdempotency,
  m008Freezes,
  m009ListingIndex,
  m010Listing,
  m011Drawn,
  m012ActiveByService,
  m013SnapshotWithoutPlan,
  m014IndexesAClickLeaves,
  m015Plans,
];

/**
 * The schema version of `db` (`user_version`, read without writing anything).
 * Throws a ConfigError when a newer Liftoff wrote it.
 */
export function refuseNewer(db: Database.Database, latest: number = MIGRATIONS.length): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > latest) {
    throw new ConfigError(
      `The database ${db.name} was written by a newer Liftoff (schema ${current}; this one knows up to ${latest}). ` +
        'Run the newer version, or restore a backup made by this one.',
    );
  }
  return current;
}

/**
 * Applies every pending migration in one transaction that also sets
 * `user_version`. Refuses a database written by a newer Liftoff.
 */
export function migrate(db: Database.Database, migrations: readonly Migration[] = MIGRATIONS): number {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migration ${m.name} has version ${m.version}, expected ${i + 1}`);
  });
  const current = refuseNewer(db, migrations.length);
  const latest = migrations.length;
  const pending = migrations.slice(current);
  if (pending.length === 0) return current;
  db.transaction(() => {
    for (const m of pending) {
      db.exec(m.up);
      m.data?.(db);
    }
    db.pragma(`user_version = ${latest}`);
  })();
  return latest;
}
