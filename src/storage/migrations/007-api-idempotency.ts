import type { Migration } from './index.js';

/**
 * The answers of the HTTP API's POSTs by Idempotency-Key, per pipeline: a
 * retried call with the same key gets the first answer and changes nothing.
 */
export const m007ApiIdempotency: Migration = {
  version: 7,
  name: 'api-idempotency',
  up: `
    CREATE TABLE api_idempotency (
      pipeline TEXT NOT NULL,
      key TEXT NOT NULL,
      -- "POST /api/v1/…" and a hash of the body: the same key with another request is refused.
      request TEXT NOT NULL,
      body_hash TEXT NOT NULL,
      status INTEGER NOT NULL,
      response TEXT NOT NULL,
      at INTEGER NOT NULL,
      PRIMARY KEY (pipeline, key)
    ) STRICT;
  `,
};
