import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ConfigError } from '../config/errors.js';
import { openDatabaseReadOnly } from '../storage/db.js';
import { createDeploymentsRepository } from '../storage/deployments.js';
import { refOf } from '../core/deployment/types.js';
import type { Io } from './main.js';

/** Opens the file read-only: inspecting a database never migrates or changes it. */
function openExisting(file: string, schema: 'exact' | 'any') {
  if (!existsSync(file)) throw new ConfigError(`There is no database at ${file}.`);
  return openDatabaseReadOnly(file, { schema });
}

/**
 * Checks every deployment: its event chain (where it breaks: deployment ref and
 * event seq), then the replay of its events against the stored state. Exit 1 on any problem.
 */
export function checkDatabase(file: string, io: Io): number {
  const db = openExisting(file, 'exact');
  try {
    const repo = createDeploymentsRepository({ db });
    let bad = 0;
    const ids = repo.allIds();
    // Deployment ids are handed out one after another and never reused: a gap is a deployment removed with all its events.
    for (const [i, id] of ids.entries()) {
      const before = i ? ids[i - 1]! : 0;
      if (id === before + 1) continue;
      bad++;
      io.out.write(
        `${refOf(before + 1)}${id - before > 2 ? ` to ${refOf(id - 1)}` : ''}: missing (removed with all its events)\n`,
      );
    }
    for (const id of ids) {
      const result = repo.verify(id);
      if (!result.ok) {
        bad++;
        io.out.write(`${result.ref}: ${result.problem}\n`);
      }
    }
    io.out.write(`${ids.length} deployment(s) checked, ${bad} mismatch(es).\n`);
    return bad ? 1 : 0;
  } finally {
    db.close();
  }
}

/** Writes a consistent copy with SQLite's online backup; safe while Liftoff runs. Any schema version is copied as it is. */
export async function backupDatabase(file: string, target: string | null, io: Io): Promise<number> {
  const db = openExisting(file, 'any');
  try {
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const out = target ?? join(dirname(file), 'backups', `liftoff-${stamp}.db`);
    if (existsSync(out)) throw new ConfigError(`${out} already exists; choose another name.`);
    mkdirSync(dirname(out), { recursive: true });
    await db.backup(out);
    io.out.write(`Backup written to ${out}\n`);
    return 0;
  } finally {
    db.close();
  }
}
