import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { openDatabase, type Db } from '../../src/storage/db.js';
import { createRepositories } from '../../src/storage/index.js';

/**
 * Fresh database files, each in its own temp folder, built by the real
 * migrations; closed and removed after each test.
 */
export function useTempDatabases() {
  const dbs: Db[] = [];
  const dirs: string[] = [];
  afterEach(() => {
    for (const db of dbs.splice(0)) if (db.open) db.close();
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  const file = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'liftoff-test-'));
    dirs.push(dir);
    return join(dir, 'nested', 'liftoff.db');
  };
  const open = (path = file()): Db => {
    const db = openDatabase(path);
    dbs.push(db);
    return db;
  };
  return { file, open, repos: () => createRepositories(open()) };
}
