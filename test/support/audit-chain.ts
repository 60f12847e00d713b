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
  /** The export's `plan` column: the text of the plan a `created` event names by `planSha256`. */
  plan?: string;
}

/**
 * The auditor's check, written from README's recipe alone (no Liftoff code): sha256 of the canonical JSON, linked by
 * prev_hash; a `created` event that names its plan by `planSha256` needs the plan whose text hashes to it.
 */
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
    const named = r.type === 'created' ? (JSON.parse(r.data) as { planSha256?: string }).planSha256 : undefined;
    const ok =
      r.prev_hash === (last.get(r.deployment) ?? '0'.repeat(64)) &&
      createHash('sha256').update(canonical).digest('hex') === r.hash &&
      (named === undefined || (r.plan !== undefined && createHash('sha256').update(r.plan).digest('hex') === named));
    last.set(r.deployment, r.hash);
    return ok;
  });
}
