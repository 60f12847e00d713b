import type { Db } from './db.js';

/** One record of the audit trail that belongs to no deployment. */
export interface AuditRecord {
  at: number;
  actor: string;
  type: string;
  subject: string;
  data: Record<string, unknown>;
}

/** The append-only `audit` table (the database refuses UPDATE and DELETE on it). */
export function createAuditRepository({ db }: { db: Db }) {
  const insert = db.prepare('INSERT INTO audit (at, actor, type, subject, data) VALUES (?, ?, ?, ?, ?)');
  return {
    record(r: AuditRecord): void {
      insert.run(r.at, r.actor, r.type, r.subject, JSON.stringify(r.data));
    },
  };
}
