import type { Migration } from './index.js';

/**
 * The audit trail of what concerns no deployment (e.g. a refused `/deploy
 * lock` of an environment with nothing under way): append-only, like events.
 */
export const m004Audit: Migration = {
  version: 4,
  name: 'audit',
  up: `
    CREATE TABLE audit (
      id INTEGER PRIMARY KEY,
      at INTEGER NOT NULL,
      actor TEXT NOT NULL,
      -- What was attempted, e.g. "refused".
      type TEXT NOT NULL,
      -- What it concerned, e.g. "lock checkout/production".
      subject TEXT NOT NULL,
      data TEXT NOT NULL DEFAULT '{}'
    ) STRICT;
    CREATE TRIGGER audit_is_append_only_update BEFORE UPDATE ON audit
      BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
    CREATE TRIGGER audit_is_append_only_delete BEFORE DELETE ON audit
      BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
  `,
};
