import type { Db } from './db.js';

/** A stored answer to a POST of the HTTP API, by the pipeline's Idempotency-Key. */
export interface StoredAnswer {
  request: string;
  bodyHash: string;
  status: number;
  response: string;
}

/** The API's Idempotency-Keys: the first successful answer of each, stored in the transaction of its change. */
export function createIdempotencyRepository({ db }: { db: Db }) {
  const select = db.prepare<[string, string], StoredAnswer>(
    'SELECT request, body_hash AS bodyHash, status, response FROM api_idempotency WHERE pipeline = ? AND key = ?',
  );
  const insert = db.prepare(
    'INSERT OR IGNORE INTO api_idempotency (pipeline, key, request, body_hash, status, response, at) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  return {
    find(pipeline: string, key: string): StoredAnswer | undefined {
      return select.get(pipeline, key);
    },
    record(pipeline: string, key: string, answer: StoredAnswer, at: number): void {
      insert.run(pipeline, key, answer.request, answer.bodyHash, answer.status, answer.response, at);
    },
  };
}
