import { createHash } from 'node:crypto';

/**
 * The tamper-evident trail: each event row carries `prev_hash`, the hash of
 * the previous event of its deployment (64 zeros for its first), and `hash`,
 * the SHA-256 (lower-case hex) of its canonical JSON:
 *
 *   {"actor":…,"at":…,"data":…,"deployment":…,"prev_hash":…,"seq":…,"type":…}
 *
 * keys in that (sorted) order, no whitespace, strings escaped as JSON.stringify
 * does, `at` and `seq` as integers, `data` the stored `data` column as a string
 * (byte for byte), `deployment` its ref ("DEP-12"). That is RFC 8785 (JCS) for
 * this flat object, so any JCS library or a few lines of any language rebuild
 * it; README "Data model" shows how.
 */
export const GENESIS = '0'.repeat(64);

export interface ChainLink {
  deployment: string;
  seq: number;
  type: string;
  actor: string;
  at: number;
  data: string;
  prevHash: string;
}

export interface ChainedRow extends Omit<ChainLink, 'deployment' | 'prevHash'> {
  prev_hash: string;
  hash: string;
}

const str = (s: string) => JSON.stringify(s);

export function canonicalEvent(e: ChainLink): string {
  return `{"actor":${str(e.actor)},"at":${e.at},"data":${str(e.data)},"deployment":${str(e.deployment)},"prev_hash":${str(e.prevHash)},"seq":${e.seq},"type":${str(e.type)}}`;
}

export const eventHash = (e: ChainLink): string => sha256Hex(canonicalEvent(e));

/**
 * A frozen plan's key (migration 015): the SHA-256 (lower-case hex) of its text as stored in
 * `plans`. A `created` event names it as `planSha256`, so the event's hash covers the plan.
 */
export const sha256Hex = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

/** Where a deployment's chain breaks first (its event seq, and how), or null when every link holds. */
export function chainBreak(deployment: string, rows: readonly ChainedRow[]): { seq: number; problem: string } | null {
  let prev = GENESIS;
  for (const [i, row] of rows.entries()) {
    if (row.seq !== i + 1) return { seq: i + 1, problem: `missing (the next one stored is event ${row.seq})` };
    if (row.prev_hash !== prev) {
      return {
        seq: row.seq,
        problem: `it does not follow event ${row.seq - 1} (its prev_hash is not that event's hash)`,
      };
    }
    if (eventHash({ deployment, ...row, prevHash: row.prev_hash }) !== row.hash) {
      return { seq: row.seq, problem: 'changed after it was written (its content does not match its hash)' };
    }
    prev = row.hash;
  }
  return null;
}
