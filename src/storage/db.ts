import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { migrate } from './migrations/index.js';

export type Db = Database.Database;

/**
 * Opens (creating it and its folder if needed) the SQLite file, sets the
 * pragmas Liftoff relies on and applies pending migrations.
 */
export function openDatabase(file: string): Db {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  // FULL: a confirmation acknowledged to Slack survives a crash of the process and of the machine.
  db.pragma('synchronous = FULL');
  migrate(db);
  return db;
}

/** True while the database answers a trivial query (used by /healthz). */
export function isUsable(db: Db): boolean {
  try {
    return db.prepare('SELECT 1 AS ok').get() !== undefined;
  } catch {
    return false;
  }
}
