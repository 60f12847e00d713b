import type { Migration } from './index.js';

/**
 * Snapshots without the frozen plan. The plan never changes after the `created` event, which holds
 * it (and is never rewritten), yet it was most of every snapshot, so each change rewrote about
 * 9 KB of plan into the log. From here the snapshot is written without it and a read takes it from
 * the `created` event (`storage/deployments.ts`); the snapshots already stored lose theirs here.
 * SQLite's `json_remove` keeps the other keys in their order, and `db check` compares the snapshot
 * with the fold of the events without the plan.
 */
export const m013SnapshotWithoutPlan: Migration = {
  version: 13,
  name: 'snapshot-without-plan',
  up: `
    UPDATE deployments SET state = json_remove(state, '$.plan') WHERE json_type(state, '$.plan') IS NOT NULL;
  `,
};
