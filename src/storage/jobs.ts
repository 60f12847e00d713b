import type { Job, JobKind, JobPayload, JobStatus, PlannedJob } from '../core/schedule/jobs.js';
import type { Db } from './db.js';
import { writeTransaction } from './transaction.js';

interface Row {
  id: number;
  key: string;
  deploymentId: number;
  kind: string;
  dueAt: number;
  status: string;
  attempts: number;
  claimedAt: number | null;
  payload: string;
  result: string | null;
}

const COLUMNS = `id, key, deployment_id AS deploymentId, kind, due_at AS dueAt, status, attempts,
  claimed_at AS claimedAt, payload, result`;

const toJob = (r: Row): Job => ({
  id: r.id,
  key: r.key,
  deploymentId: r.deploymentId,
  kind: r.kind as JobKind,
  dueAt: r.dueAt,
  status: r.status as JobStatus,
  attempts: r.attempts,
  claimedAt: r.claimedAt,
  payload: JSON.parse(r.payload) as JobPayload,
  result: r.result,
});

/**
 * The durable schedule. A job moves pending → sending (claimed) → sent,
 * skipped, failed or uncertain; or pending → cancelled. Every write is one
 * statement or one transaction; nothing here awaits.
 */
export function createJobsRepository({ db }: { db: Db }) {
  const insert = db.prepare(
    `INSERT INTO jobs (key, deployment_id, kind, due_at, status, payload, updated_at)
     VALUES (@key, @deploymentId, @kind, @dueAt, 'pending', @payload, @at) ON CONFLICT (key) DO NOTHING`,
  );
  const selectDue = db.prepare<[number, number], Row>(
    `SELECT ${COLUMNS} FROM jobs WHERE status = 'pending' AND due_at <= ? ORDER BY due_at, id LIMIT ?`,
  );
  const claim = db.prepare(
    `UPDATE jobs SET status = 'sending', attempts = attempts + 1, claimed_at = ?, updated_at = ? WHERE id = ? AND status = 'pending'`,
  );
  const selectOne = db.prepare<[number], Row>(`SELECT ${COLUMNS} FROM jobs WHERE id = ?`);
  const selectNextDue = db.prepare<[], { dueAt: number | null }>(
    "SELECT MIN(due_at) AS dueAt FROM jobs WHERE status = 'pending'",
  );
  const selectByStatus = db.prepare<[string], Row>(`SELECT ${COLUMNS} FROM jobs WHERE status = ? ORDER BY due_at, id`);
  const selectOfDeployment = db.prepare<[number], Row>(
    `SELECT ${COLUMNS} FROM jobs WHERE deployment_id = ? ORDER BY due_at, id`,
  );
  const finish = db.prepare(
    `UPDATE jobs SET status = @status, result = @result, updated_at = @at WHERE id = @id AND status IN ('sending', 'uncertain')`,
  );
  const release = db.prepare(
    `UPDATE jobs SET status = 'pending', due_at = @dueAt, result = @result, updated_at = @at WHERE id = @id AND status = 'sending'`,
  );
  const deletePending = db.prepare(`DELETE FROM jobs WHERE deployment_id = ? AND kind = ? AND status = 'pending'`);
  const cancelPending = db.prepare(
    `UPDATE jobs SET status = 'cancelled', result = ?, updated_at = ? WHERE deployment_id = ? AND kind = ? AND status = 'pending'`,
  );

  const claimRows = writeTransaction(db, (now: number, rows: readonly Row[]): Job[] => {
    const claimed: Job[] = [];
    for (const row of rows) {
      if (claim.run(now, now, row.id).changes === 1) claimed.push(toJob(selectOne.get(row.id)!));
    }
    return claimed;
  });

  return {
    /** Stores jobs; a key already planned is left as it is (planning twice is a no-op). Returns how many were new. */
    plan(jobs: PlannedJob[], at: number): number {
      let added = 0;
      for (const j of jobs) {
        added += insert.run({
          key: j.key,
          deploymentId: j.deploymentId,
          kind: j.kind,
          dueAt: j.dueAt,
          payload: JSON.stringify(j.payload),
          at,
        }).changes;
      }
      return added;
    },

    /**
     * Claims up to `limit` due jobs: each moves from pending to sending with
     * one more attempt, in one transaction. A job claimed by an overlapping
     * tick (or another process) is not returned twice. Nothing due: a read of
     * the index, no transaction (no commit to wait for on every tick).
     */
    claimDue(now: number, limit: number = 50): Job[] {
      const due = selectDue.all(now, limit);
      return due.length ? claimRows(now, due) : [];
    },

    /** How long until the next pending job is due (0 when one is due already); null when none is pending. */
    nextDueIn(now: number): number | null {
      const { dueAt } = selectNextDue.get() ?? { dueAt: null };
      return dueAt === null ? null : Math.max(0, dueAt - now);
    },

    get(id: number): Job | undefined {
      const row = selectOne.get(id);
      return row ? toJob(row) : undefined;
    },

    withStatus(status: JobStatus): Job[] {
      return selectByStatus.all(status).map(toJob);
    },

    ofDeployment(deploymentId: number): Job[] {
      return selectOfDeployment.all(deploymentId).map(toJob);
    },

    /** Records how a claimed (or uncertain) job ended. `result`: the message ts, or why not. */
    finish(id: number, status: Exclude<JobStatus, 'pending' | 'sending'>, result: string, at: number): boolean {
      return finish.run({ id, status, result, at }).changes === 1;
    },

    /** Gives a claimed job back to the queue, due again at `dueAt` (a retry, or a resend after recovery). */
    release(id: number, dueAt: number, result: string | null, at: number): boolean {
      return release.run({ id, dueAt, result, at }).changes === 1;
    },

    /** Deletes pending jobs of these kinds (they are planned again, e.g. after a reschedule). */
    deletePending(deploymentId: number, kinds: readonly JobKind[]): number {
      return kinds.reduce((n, k) => n + deletePending.run(deploymentId, k).changes, 0);
    },

    /** Cancels pending jobs of these kinds, keeping why. */
    cancelPending(deploymentId: number, kinds: readonly JobKind[], reason: string, at: number): number {
      return kinds.reduce((n, k) => n + cancelPending.run(reason, at, deploymentId, k).changes, 0);
    },
  };
}

export type JobsRepository = ReturnType<typeof createJobsRepository>;
