import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { ConfigError } from '../config/errors.js';
import { MIGRATIONS, migrate, refuseNewer } from './migrations/index.js';

export type Db = Database.Database;

/**
 * Opens (creating it and its folder if needed) the SQLite file, sets the
 * pragmas Liftoff relies on and applies pending migrations. A database
 * written by a newer Liftoff is refused before anything is written to it
 * (`journal_mode = WAL` would change the file). `beforeMigrating` runs once
 * the pragmas are set, before any migration.
 */
export function openDatabase(file: string, beforeMigrating?: (db: Db) => void): Db {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  try {
    refuseNewer(db);
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    // FULL: a confirmation acknowledged to Slack survives a crash of the process and of the machine.
    db.pragma('synchronous = FULL');
    // The running Liftoff takes its lease here: a second one stops before changing anything.
    beforeMigrating?.(db);
    migrate(db);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/** How long a write waits for another writer before giving up. */
export const BUSY_TIMEOUT_MS = 5000;

/**
 * Opens an existing database read-only, for tools that inspect it (`liftoff
 * db check`, `db backup`): nothing is migrated or written. With `schema:
 * 'exact'`, a schema older or newer than this Liftoff's is refused with what
 * to do; `'any'` opens whatever version it is (a backup copies it as it is).
 */
export function openDatabaseReadOnly(file: string, opts: { schema: 'exact' | 'any' }): Db {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    if (opts.schema === 'exact') {
      const current = refuseNewer(db);
      if (current < MIGRATIONS.length) {
        throw new ConfigError(
          `The database ${file} has schema ${current}; this Liftoff expects ${MIGRATIONS.length}. ` +
            'It is not changed here: back it up (`liftoff db backup`), then start Liftoff once to migrate it, and check again.',
        );
      }
    }
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}
