import type { Migration } from './index.js';

/**
 * Lists of deployments by status (the active ones, the running ones) read their ids and
 * revisions from the index alone: with the revision in it, no row (and no snapshot) is
 * visited, and a cached snapshot at that revision is used as it is. The same for the
 * deployments finished since a given time.
 */
export const m009ListingIndex: Migration = {
  version: 9,
  name: 'listing-index',
  up: `
    CREATE INDEX deployments_listing ON deployments (status, window_start, revision);
    DROP INDEX deployments_status;
    -- Those finished lately (start-up looks at the last day's and week's): updated_at sits after the
    -- snapshot in the row, so without it every finished row's snapshot would be walked through.
    CREATE INDEX deployments_finished ON deployments (status, updated_at);
  `,
};
