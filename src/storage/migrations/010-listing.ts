import type Database from 'better-sqlite3';
import type { Deployment } from '../../core/deployment/types.js';
import { listingRowOf } from '../listing.js';
import type { Migration } from './index.js';

/**
 * A small row per deployment beside its snapshot (`listing`): what `/deploy list`, `/deploy status`,
 * App Home and the delivery measures read of every deployment, so none of them parses thousands of
 * snapshots (frozen plans included). Written in the same transaction as the snapshot; `db check`
 * compares it with the fold of the events. The deployments a database already holds get theirs here.
 */
export const m010Listing: Migration = {
  version: 10,
  name: 'listing',
  up: `
    CREATE TABLE listing (
      deployment_id INTEGER PRIMARY KEY REFERENCES deployments (id),
      status TEXT NOT NULL,
      service TEXT NOT NULL,
      environment TEXT NOT NULL,
      window_start INTEGER NOT NULL,
      revision INTEGER NOT NULL,
      -- JSON: the Listing (where it lives, whose it is, who is waited on) and the DeliveryFacts.
      summary TEXT NOT NULL,
      facts TEXT NOT NULL
    ) STRICT;
    -- In window order within each kind: a page of the past, or the active ones, without sorting them all.
    -- (Partial indexes: a query uses one when its WHERE has the same status list, in this order.)
    CREATE INDEX listing_past ON listing (window_start, status, service, environment, revision)
      WHERE status IN ('completed', 'rolled_back', 'cancelled', 'rollback_failed');
    CREATE INDEX listing_active ON listing (window_start)
      WHERE status IN ('scheduled', 'preparing', 'in_progress', 'verifying', 'monitoring', 'rolling_back', 'rollback_failed');
  `,
  data(db: Database.Database) {
    const insert = db.prepare(
      `INSERT INTO listing (deployment_id, status, service, environment, window_start, revision, summary, facts)
       VALUES (@id, @status, @service, @environment, @windowStart, @revision, @summary, @facts)`,
    );
    // A few hundred snapshots at a time (an iterator keeps the connection busy; all at once, the memory).
    const page = db.prepare<[number], { id: number; state: string }>(
      'SELECT id, state FROM deployments WHERE id > ? ORDER BY id LIMIT 500',
    );
    for (let rows = page.all(0); rows.length; rows = page.all(rows.at(-1)!.id)) {
      for (const row of rows) {
        let listed: ReturnType<typeof listingRowOf>;
        try {
          listed = listingRowOf(JSON.parse(row.state) as Deployment);
        } catch {
          continue; // A snapshot that is not a deployment's gets no row: `db check` names it.
        }
        insert.run(listed);
      }
    }
  },
};
