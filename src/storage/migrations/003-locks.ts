import type { Migration } from './index.js';

/** Environments locked against new deployments (e.g. while a rollback runs). */
export const m003Locks: Migration = {
  version: 3,
  name: 'locks',
  up: `
    CREATE TABLE locks (
      service TEXT NOT NULL,
      environment TEXT NOT NULL,
      reason TEXT NOT NULL,
      deployment_id INTEGER REFERENCES deployments (id),
      locked_by TEXT NOT NULL,
      locked_at INTEGER NOT NULL,
      released_by TEXT,
      released_at INTEGER,
      id INTEGER PRIMARY KEY
    ) STRICT;
    CREATE UNIQUE INDEX locks_active ON locks (service, environment) WHERE released_at IS NULL;
  `,
};
