import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { ConfigError } from '../config/errors.js';
import type { Db } from './db.js';
import { sqliteProblem } from './errors.js';
import { writeTransaction } from './transaction.js';

/** How long a lease lasts without a heartbeat; the holder renews it every `LEASE_MS / 6`. */
export const LEASE_MS = 30_000;

export interface LeaseHolder {
  pid: number;
  host: string;
}

export interface Lease {
  /** Writes the heartbeat (a real write, committed); false once another process took the lease; throws what SQLite throws. */
  renew(now?: number): boolean;
  /** Gives the lease up (on a clean stop). */
  release(): void;
}

interface Row {
  token: string;
  pid: number;
  host: string;
  expires_at: number;
}

/**
 * The one-process rule: one Liftoff per database file. The lease is a row in
 * the database itself, taken in an IMMEDIATE transaction (so two processes
 * starting together cannot both win), renewed by a heartbeat and given up on
 * a clean stop. A lease whose holder stopped renewing is taken over once it
 * expires; one held by a process of this host that no longer exists (or by
 * this very process id: a restarted container) is taken at once. Its table is created here rather than
 * by a migration: the lease is taken before migrating, so a second Liftoff
 * never migrates a database another one is using.
 */
export function takeLease(
  db: Db,
  {
    holder = { pid: process.pid, host: hostname() },
    now = Date.now,
    isAlive = pidIsAlive,
  }: { holder?: LeaseHolder; now?: () => number; isAlive?: (pid: number) => boolean } = {},
): Lease {
  try {
    return holdLease(db, holder, now, isAlive);
  } catch (error) {
    if (error instanceof ConfigError || !(error as { code?: unknown }).code) throw error;
    throw new ConfigError(
      `The database ${db.name} cannot be written: ${sqliteProblem(error)}. Check the file, its folder's permissions and free space (LIFTOFF_DB).`,
    );
  }
}

function holdLease(db: Db, holder: LeaseHolder, now: () => number, isAlive: (pid: number) => boolean): Lease {
  db.exec(
    'CREATE TABLE IF NOT EXISTS process_lease (id INTEGER PRIMARY KEY CHECK (id = 1), token TEXT NOT NULL, pid INTEGER NOT NULL, host TEXT NOT NULL, heartbeat_at INTEGER NOT NULL, expires_at INTEGER NOT NULL) STRICT',
  );
  const token = randomUUID();
  const select = db.prepare<[], Row>('SELECT token, pid, host, expires_at FROM process_lease WHERE id = 1');
  const upsert = db.prepare(
    'INSERT INTO process_lease (id, token, pid, host, heartbeat_at, expires_at) VALUES (1, @token, @pid, @host, @at, @expires) ' +
      'ON CONFLICT (id) DO UPDATE SET token = @token, pid = @pid, host = @host, heartbeat_at = @at, expires_at = @expires',
  );
  const renewal = db.prepare('UPDATE process_lease SET heartbeat_at = ?, expires_at = ? WHERE id = 1 AND token = ?');
  const remove = db.prepare('DELETE FROM process_lease WHERE id = 1 AND token = ?');

  writeTransaction(db, () => {
    const at = now();
    const held = select.get();
    // On this host, a process id is unique among living processes: our own id, or one no process has, is a holder that is gone.
    const gone = held && held.host === holder.host && (held.pid === holder.pid || !isAlive(held.pid));
    if (held && held.expires_at > at && !gone) {
      throw new ConfigError(
        `Another Liftoff (process ${held.pid} on ${held.host}) is using the database ${db.name}. ` +
          'Only one Liftoff may run on a database file: stop the other one first. ' +
          `If it is gone, its lease lapses in ${Math.ceil((held.expires_at - at) / 1000)} s; start again then.`,
      );
    }
    upsert.run({ token, pid: holder.pid, host: holder.host, at, expires: at + LEASE_MS });
  })();

  return {
    renew(at = now()) {
      return writeTransaction(db, () => renewal.run(at, at + LEASE_MS, token).changes === 1)();
    },
    release() {
      try {
        remove.run(token);
      } catch {
        // The lease lapses by itself.
      }
    },
  };
}

/** True when a process with this id exists on this host (signal 0 checks without sending anything). */
function pidIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
