import type { Migration } from './index.js';

/**
 * Indexes a click does not rewrite. A click moves a deployment's revision and its time of change,
 * and the two indexes of migration 009 held those columns for every deployment: every click
 * rewrote an entry of each (two of the six pages of log a click wrote). From here:
 * - the deployments by status hold the status and window only (what lists them in order): a list
 *   that needs the revisions (the scheduler's look at the running timers) reads them from the few
 *   rows it finds, not from every entry;
 * - those finished lately (start-up looks at the last week's) are indexed only once finished, so
 *   an active deployment's changes leave the index alone. The status list is the one the query
 *   names (`FINISHED`, written out: a partial index is used only when the query's terms are its own).
 */
export const m014IndexesAClickLeaves: Migration = {
  version: 14,
  name: 'indexes-a-click-leaves',
  up: `
    DROP INDEX deployments_listing;
    CREATE INDEX deployments_by_status ON deployments (status, window_start);
    DROP INDEX deployments_finished;
    CREATE INDEX deployments_finished ON deployments (status, updated_at)
      WHERE status IN ('completed', 'cancelled', 'rolled_back');
  `,
};
