import type { Migration } from './index.js';

/**
 * Frozen plans kept once, by their SHA-256. A deployment's `created` event held its whole plan
 * (about 9 KB with the built-in templates, three overflow pages of log and its JSON escaped into
 * the event's hash on every start), and deployments of one template for one service, environment
 * and branch hold the same plan. From here a `created` event names its plan by `planSha256` (the
 * hash of the row's `plan` text, which its own hash therefore covers), and the text is stored here
 * once. Append-only like the events; the `created` events already stored keep their plan inline
 * (their hashes cover it as written).
 */
export const m015Plans: Migration = {
  version: 15,
  name: 'plans',
  up: `
    CREATE TABLE plans (
      sha256 TEXT PRIMARY KEY,
      plan TEXT NOT NULL
    ) STRICT, WITHOUT ROWID;
    CREATE TRIGGER plans_are_append_only_update BEFORE UPDATE ON plans
      BEGIN SELECT RAISE(ABORT, 'plans are append-only'); END;
    CREATE TRIGGER plans_are_append_only_delete BEFORE DELETE ON plans
      BEGIN SELECT RAISE(ABORT, 'plans are append-only'); END;
  `,
};
