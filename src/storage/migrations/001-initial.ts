import type { Migration } from './index.js';

export const m001Initial: Migration = {
  version: 1,
  name: 'initial',
  up: `
    CREATE TABLE deployments (
      id INTEGER PRIMARY KEY,
      ref TEXT NOT NULL UNIQUE,
      service TEXT NOT NULL,
      environment TEXT NOT NULL,
      version TEXT NOT NULL,
      status TEXT NOT NULL,
      channel_id TEXT NOT NULL,
      window_start INTEGER NOT NULL,
      window_end INTEGER NOT NULL,
      revision INTEGER NOT NULL,
      state TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX deployments_status ON deployments (status, window_start);
    CREATE INDEX deployments_service ON deployments (service, environment, status);

    -- The audit trail: one row per thing that happened. Append-only.
    CREATE TABLE events (
      id INTEGER PRIMARY KEY,
      deployment_id INTEGER NOT NULL REFERENCES deployments (id),
      seq INTEGER NOT NULL,
      type TEXT NOT NULL,
      actor TEXT NOT NULL,
      at INTEGER NOT NULL,
      data TEXT NOT NULL,
      UNIQUE (deployment_id, seq)
    ) STRICT;
    CREATE TRIGGER events_are_append_only_update BEFORE UPDATE ON events
      BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
    CREATE TRIGGER events_are_append_only_delete BEFORE DELETE ON events
      BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;

    -- The Slack messages that show a deployment, and what they last showed.
    CREATE TABLE messages (
      deployment_id INTEGER NOT NULL REFERENCES deployments (id),
      key TEXT NOT NULL,
      channel_id TEXT NOT NULL,
      ts TEXT,
      rendered_hash TEXT,
      updated_at INTEGER NOT NULL,
      PRIMARY KEY (deployment_id, key)
    ) STRICT;

    -- Modal submissions already handled, so a double submit never creates twice.
    CREATE TABLE submissions (
      view_id TEXT PRIMARY KEY,
      deployment_id INTEGER REFERENCES deployments (id),
      at INTEGER NOT NULL
    ) STRICT;
  `,
};
