import type { Environment } from '../core/deployment/types.js';
import type { Freeze } from '../core/schedule/calendar.js';
import type { Db } from './db.js';

interface Row {
  id: number;
  environment: Environment;
  reason: string;
  frozenBy: string;
  frozenAt: number;
  until: number | null;
}

const COLUMNS = 'id, environment, reason, frozen_by AS frozenBy, frozen_at AS frozenAt, until';

const toFreeze = (r: Row): Freeze => ({
  id: r.id,
  environments: [r.environment],
  from: r.frozenAt,
  until: r.until,
  reason: r.reason,
  by: r.frozenBy,
});

/** Freezes set by command; lifted ones stay as history (who lifted it, when). */
export function createFreezesRepository({ db }: { db: Db }) {
  const insert = db.prepare(
    'INSERT INTO freezes (environment, reason, frozen_by, frozen_at, until) VALUES (?, ?, ?, ?, ?)',
  );
  const selectOpen = db.prepare<[number], Row>(
    `SELECT ${COLUMNS} FROM freezes WHERE lifted_at IS NULL AND (until IS NULL OR until > ?) ORDER BY frozen_at, id`,
  );
  const lift = db.prepare(
    'UPDATE freezes SET lifted_by = ?, lifted_at = ? WHERE environment = ? AND lifted_at IS NULL AND (until IS NULL OR until > ?)',
  );
  return {
    /** The freezes still in force at `now` (or later), every environment. */
    current(now: number): Freeze[] {
      return selectOpen.all(now).map(toFreeze);
    },

    freeze(f: { environment: Environment; reason: string; by: string; at: number; until: number | null }): Freeze {
      const id = Number(insert.run(f.environment, f.reason, f.by, f.at, f.until).lastInsertRowid);
      return { id, environments: [f.environment], from: f.at, until: f.until, reason: f.reason, by: f.by };
    },

    /** Lifts every freeze of `environment` still in force; how many. */
    lift(environment: Environment, by: string, at: number): number {
      return lift.run(by, at, environment, at).changes;
    },
  };
}
