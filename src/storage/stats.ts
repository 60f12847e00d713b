import type { Db } from './db.js';

/** Counts for the metrics endpoint: read at each scrape, one statement each, nothing written. */
export function createStatsRepository({ db }: { db: Db }) {
  const jobs = db.prepare<[], { kind: string; status: string; n: number }>(
    'SELECT kind, status, COUNT(*) AS n FROM jobs GROUP BY kind, status',
  );
  const deployments = db.prepare<[], { status: string; n: number }>(
    'SELECT status, COUNT(*) AS n FROM deployments GROUP BY status',
  );
  return {
    jobsByKindAndStatus: () => jobs.all(),
    deploymentsByStatus: () => deployments.all(),
    /** The database's size in bytes (pages in use and free; the write-ahead log is apart). */
    databaseBytes: () =>
      (db.pragma('page_count', { simple: true }) as number) * (db.pragma('page_size', { simple: true }) as number),
  };
}

export type StatsRepository = ReturnType<typeof createStatsRepository>;
