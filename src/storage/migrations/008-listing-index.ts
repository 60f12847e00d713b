import type { Migration } from './index.js';

/**
 * Lists of deployments by status (the active ones, the running ones) read their ids and
 * revisions from the index alone: with the revision in it, no row (and no snapshot) is
 * visited, and a cached snapshot at that revision is used as it is.
 */
export const m008ListingIndex: Migration = {
  version: 8,
  name: 'listing-index',
  up: `
    CREATE INDEX deployments_listing ON deployments (status, window_start, revision);
    DROP INDEX deployments_status;
  `,
};
