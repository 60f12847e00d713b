import { closeSync, existsSync, openSync, writeSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ConfigError } from '../config/errors.js';
import { openDatabaseReadOnly } from '../storage/db.js';
import type { Io } from './main.js';

/** The export's columns, in order: a stable contract for auditors (README "The liftoff command"). */
export const EXPORT_COLUMNS = [
  'deployment',
  'service',
  'environment',
  'version',
  'deployment_type',
  'deployment_status',
  'deployer',
  'channel_id',
  'window_start',
  'window_end',
  'event_seq',
  'event_type',
  'actor',
  'at',
  'data',
  'prev_hash',
  'hash',
  /** Why the deployment went ahead outside the deploy calendar, as an emergency; empty otherwise. */
  'emergency',
  /**
   * The frozen plan's text, on a `created` event that names it by `planSha256` (migration 015): its
   * SHA-256 is that value, so the event's hash covers it. Empty otherwise (older `created` events hold it in `data`).
   */
  'plan',
] as const;

export type ExportRow = Record<(typeof EXPORT_COLUMNS)[number], string | number>;

interface Joined {
  ref: string;
  service: string;
  environment: string;
  version: string;
  type: string | null;
  status: string;
  deployer: string | null;
  channel_id: string;
  window_start: number;
  window_end: number;
  seq: number;
  event_type: string;
  actor: string;
  at: number;
  data: string;
  prev_hash: string;
  hash: string;
  emergency: string | null;
  plan: string | null;
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * "2026-10-01" (midnight UTC; as `--to`, the end of that day) or a full ISO
 * 8601 time with its zone ("2026-10-01T08:00:00Z", "…+02:00").
 */
export function parseWhen(raw: string | undefined, flag: '--from' | '--to'): number {
  if (!raw)
    throw new ConfigError(`${flag} is required, e.g. ${flag} 2026-10-01 (a UTC day) or ${flag} 2026-10-01T08:00:00Z.`);
  const day = /^\d{4}-\d{2}-\d{2}$/.test(raw);
  const zoned = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/.test(raw);
  const ms = day ? Date.parse(`${raw}T00:00:00Z`) : zoned ? Date.parse(raw) : Number.NaN;
  if (Number.isNaN(ms))
    throw new ConfigError(
      `${flag} ${raw} is not a date: use 2026-10-01 (a UTC day) or 2026-10-01T08:00:00Z (a time with its zone).`,
    );
  return day && flag === '--to' ? ms + 86_400_000 : ms;
}

/** One CSV field (RFC 4180): quoted when it holds a comma, quote or line break; values exactly as stored. */
const csvField = (v: string | number) => {
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
};

function toRow(r: Joined): ExportRow {
  return {
    deployment: r.ref,
    service: r.service,
    environment: r.environment,
    version: r.version,
    deployment_type: r.type ?? '',
    deployment_status: r.status,
    deployer: r.deployer ?? '',
    channel_id: r.channel_id,
    window_start: iso(r.window_start),
    window_end: iso(r.window_end),
    event_seq: r.seq,
    event_type: r.event_type,
    actor: r.actor,
    at: iso(r.at),
    data: r.data,
    prev_hash: r.prev_hash,
    hash: r.hash,
    emergency: r.emergency ?? '',
    plan: r.plan ?? '',
  };
}

/**
 * `liftoff export --from … --to … --format csv|json [--out FILE]`: every event
 * of the deployments whose window starts in [from, to), one row each, with its
 * chain (`prev_hash`, `hash`) and the frozen plans the `created` events name, so an auditor can
 * verify it without Liftoff.
 * Opens the database read-only.
 */
export function exportCommand(file: string, args: string[], io: Io): number {
  let values: { from?: string; to?: string; format?: string; out?: string };
  try {
    ({ values } = parseArgs({
      args,
      options: {
        from: { type: 'string' },
        to: { type: 'string' },
        format: { type: 'string' },
        out: { type: 'string' },
      },
    }));
  } catch (error) {
    throw new ConfigError(
      `${(error as Error).message}. Usage: liftoff export --from 2026-10-01 --to 2026-12-31 --format csv|json [--out FILE]`,
    );
  }
  const from = parseWhen(values.from, '--from');
  const to = parseWhen(values.to, '--to');
  if (to <= from) throw new ConfigError(`--to (${iso(to)}) must come after --from (${iso(from)}).`);
  const format = values.format ?? 'csv';
  if (format !== 'csv' && format !== 'json') throw new ConfigError(`--format ${format} is not known: use csv or json.`);
  if (values.out && existsSync(values.out)) throw new ConfigError(`${values.out} already exists; choose another name.`);
  if (!existsSync(file)) throw new ConfigError(`There is no database at ${file}.`);

  const db = openDatabaseReadOnly(file, { schema: 'exact' });
  const fd = values.out ? openSync(values.out, 'wx') : null;
  const write = (s: string) => (fd === null ? io.out.write(s) : writeSync(fd, s));
  try {
    const rows = db
      .prepare<[number, number], Joined>(
        `SELECT d.ref, d.service, d.environment, d.version, json_extract(d.state, '$.type') AS type, d.status,
           json_extract(d.state, '$.deployerId') AS deployer, d.channel_id, d.window_start, d.window_end,
           e.seq, e.type AS event_type, e.actor, e.at, e.data, e.prev_hash, e.hash,
           json_extract(d.state, '$.emergency.reason') AS emergency, p.plan
         FROM deployments d JOIN events e ON e.deployment_id = d.id
           LEFT JOIN plans p ON e.type = 'created' AND p.sha256 = json_extract(e.data, '$.planSha256')
         WHERE d.window_start >= ? AND d.window_start < ? ORDER BY d.id, e.seq`,
      )
      .iterate(from, to);
    let n = 0;
    if (format === 'csv') write(`${EXPORT_COLUMNS.join(',')}\r\n`);
    else write('[');
    for (const r of rows) {
      const row = toRow(r);
      if (format === 'csv') write(`${EXPORT_COLUMNS.map((c) => csvField(row[c])).join(',')}\r\n`);
      else write(`${n ? ',' : ''}\n${JSON.stringify(row)}`);
      n++;
    }
    if (format === 'json') write(n ? '\n]\n' : ']\n');
    if (fd !== null) io.err.write(`${n} event(s) written to ${values.out}\n`);
    return 0;
  } finally {
    if (fd !== null) closeSync(fd);
    db.close();
  }
}
