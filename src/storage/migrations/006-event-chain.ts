import type Database from 'better-sqlite3';
import { refOf } from '../../core/deployment/types.js';
import { eventHash, GENESIS } from '../chain.js';
import type { Migration } from './index.js';

/**
 * The tamper-evident trail (storage/chain.ts): every event gets `prev_hash`
 * and `hash`, and the events already stored are chained, per deployment in
 * seq order. The append-only trigger is lifted only for that, in the same
 * transaction.
 */
export const m006EventChain: Migration = {
  version: 6,
  name: 'event-chain',
  up: `
    ALTER TABLE events ADD COLUMN prev_hash TEXT NOT NULL DEFAULT '';
    ALTER TABLE events ADD COLUMN hash TEXT NOT NULL DEFAULT '';
    DROP TRIGGER events_are_append_only_update;
  `,
  data(db: Database.Database) {
    const deployments = db.prepare<[], { id: number }>('SELECT id FROM deployments ORDER BY id').all();
    const events = db.prepare<
      [number],
      { id: number; seq: number; type: string; actor: string; at: number; data: string }
    >('SELECT id, seq, type, actor, at, data FROM events WHERE deployment_id = ? ORDER BY seq');
    const write = db.prepare('UPDATE events SET prev_hash = ?, hash = ? WHERE id = ?');
    // One deployment's events at a time: memory stays small however long the trail.
    for (const d of deployments) {
      let prev = GENESIS;
      for (const e of events.all(d.id)) {
        const hash = eventHash({
          deployment: refOf(d.id),
          seq: e.seq,
          type: e.type,
          actor: e.actor,
          at: e.at,
          data: e.data,
          prevHash: prev,
        });
        write.run(prev, hash, e.id);
        prev = hash;
      }
    }
    db.exec(`CREATE TRIGGER events_are_append_only_update BEFORE UPDATE ON events
      BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;`);
  },
};
