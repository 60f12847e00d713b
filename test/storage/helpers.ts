import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
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

/**
 * The tables and indexes whose pages `write` put in the write-ahead log, with how many pages of
 * each (the log is checkpointed and emptied first; `dbstat` names each page's owner).
 */
export function walPagesOf(db: Db, write: () => void): Map<string, number> {
  db.pragma('wal_checkpoint(TRUNCATE)');
  write();
  const owner = new Map(
    (db.prepare('SELECT name, pageno FROM dbstat').all() as Array<{ name: string; pageno: number }>).map((r) => [
      r.pageno,
      r.name,
    ]),
  );
  const wal = readFileSync(`${db.name}-wal`);
  const size = wal.readUInt32BE(8);
  const pages = new Map<number, string>();
  for (let at = 32; at + 24 + size <= wal.length; at += 24 + size) {
    const page = wal.readUInt32BE(at);
    pages.set(page, owner.get(page) ?? '');
  }
  const counts = new Map<string, number>();
  for (const name of pages.values()) counts.set(name, (counts.get(name) ?? 0) + 1);
  return counts;
}
