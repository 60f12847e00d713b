import type { Migration } from './index.js';

/**
 * Locks set by hand lapse: `expires_at` (null for a rollback's lock, which its
 * rollback releases), `reminded_at` once its holder was reminded, and
 * `via_deployment_id`, the deployment that allowed its holder to lock (its
 * cancellation releases the lock).
 */
export const m005LockExpiry: Migration = {
  version: 5,
  name: 'lock expiry',
  up: `
    ALTER TABLE locks ADD COLUMN expires_at INTEGER;
    ALTER TABLE locks ADD COLUMN reminded_at INTEGER;
    ALTER TABLE locks ADD COLUMN via_deployment_id INTEGER REFERENCES deployments (id);
  `,
};
