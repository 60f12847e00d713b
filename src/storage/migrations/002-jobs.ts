import type { Migration } from './index.js';

/** The durable schedule: every message Liftoff has promised to send, with its due time. */
export const m002Jobs: Migration = {
  version: 2,
  name: 'jobs',
  up: `
    CREATE TABLE jobs (
      id INTEGER PRIMARY KEY,
      -- Unique per promise, e.g. "DEP-12:announcement": planning the same job twice is a no-op.
      key TEXT NOT NULL UNIQUE,
      deployment_id INTEGER REFERENCES deployments (id),
      kind TEXT NOT NULL,
      due_at INTEGER NOT NULL,
      status TEXT NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'skipped', 'cancelled', 'failed', 'uncertain')),
      attempts INTEGER NOT NULL DEFAULT 0,
      claimed_at INTEGER,
      payload TEXT NOT NULL DEFAULT '{}',
      result TEXT,
      updated_at INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX jobs_due ON jobs (status, due_at);
    CREATE INDEX jobs_deployment ON jobs (deployment_id, status);
  `,
};
