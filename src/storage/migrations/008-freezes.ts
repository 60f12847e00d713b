import type { Migration } from './index.js';

/** Freezes set with /deploy freeze: an environment closed to deployments until a time (or until unfrozen). */
export const m008Freezes: Migration = {
  version: 8,
  name: 'freezes',
  up: `
    CREATE TABLE freezes (
      id INTEGER PRIMARY KEY,
      environment TEXT NOT NULL,
      reason TEXT NOT NULL,
      frozen_by TEXT NOT NULL,
      frozen_at INTEGER NOT NULL,
      -- NULL: until someone unfreezes it.
      until INTEGER,
      lifted_by TEXT,
      lifted_at INTEGER
    ) STRICT;
    CREATE INDEX freezes_open ON freezes (environment) WHERE lifted_at IS NULL;
  `,
};
