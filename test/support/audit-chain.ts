import { createHash } from 'node:crypto';

export interface ChainRow {
  deployment: string;
  seq: number;
  type: string;
  actor: string;
  at: number;
  data: string;
  prev_hash: string;
  hash: string;
}

/** The auditor's check, written from README's recipe alone (no Liftoff code): sha256 of the canonical JSON, linked by prev_hash. */
export function auditorVerifies(rows: readonly ChainRow[]): boolean {
  const last = new Map<string, string>();
  return rows.every((r) => {
    const canonical = JSON.stringify({
      actor: r.actor,
      at: r.at,
      data: r.data,
      deployment: r.deployment,
      prev_hash: r.prev_hash,
      seq: r.seq,
      type: r.type,
    });
    const ok =
      r.prev_hash === (last.get(r.deployment) ?? '0'.repeat(64)) &&
      createHash('sha256').update(canonical).digest('hex') === r.hash;
    last.set(r.deployment, r.hash);
    return ok;
  });
}
