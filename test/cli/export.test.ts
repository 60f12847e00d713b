import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { EXPORT_COLUMNS } from '../../src/cli/export.js';
import { main } from '../../src/cli/main.js';
import { openDatabase } from '../../src/storage/db.js';
import { createRepositories } from '../../src/storage/index.js';
import { HOUR, T0 } from '../core/fixtures.js';
import { useTempDatabases } from '../storage/helpers.js';
import { auditorVerifies, type ChainRow } from '../support/audit-chain.js';
import { seedPastDeployments } from '../support/past-deployments.js';

const temp = useTempDatabases();
const DAY = 24 * HOUR;

async function run(args: string[], db: string) {
  let out = '';
  let err = '';
  const code = await main(args, {
    out: { write: (s: string) => (out += s) },
    err: { write: (s: string) => (err += s) },
    env: { LIFTOFF_DB: db },
  });
  return { code, out, err };
}

/** A minimal RFC 4180 reader, so the test does not trust the writer's own quoting. */
function readCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') row.push(field), (field = '');
    else if (c === '\r' && text[i + 1] === '\n') row.push(field), rows.push(row), (row = []), (field = ''), i++;
    else field += c;
  }
  return rows;
}

/** Ten deployments, one a day from T0 (windows 2026-11-23 … 2026-12-02); the file closed. */
function database() {
  const file = temp.file();
  const db = openDatabase(file);
  seedPastDeployments(createRepositories(db), 10, {
    from: T0,
    service: (i) => (i === 4 ? 'web, "quoted"\nline' : 'web'),
  });
  db.close();
  return file;
}

const eventsOf = (file: string, from: number, to: number) => {
  const db = new Database(file, { readonly: true });
  try {
    return db
      .prepare<[number, number], ChainRow>(
        `SELECT d.ref AS deployment, e.seq, e.type, e.actor, e.at, e.data, e.prev_hash, e.hash FROM events e JOIN deployments d ON d.id = e.deployment_id
         WHERE d.window_start >= ? AND d.window_start < ? ORDER BY e.deployment_id, e.seq`,
      )
      .all(from, to);
  } finally {
    db.close();
  }
};

describe('liftoff export', () => {
  it('CSV: one row per event of the deployments whose window starts in the period, matching the events table, with ISO UTC times and the chain', async () => {
    const file = database();
    const bytes = readFileSync(file);
    // 2026-11-25 … 2026-11-27 inclusive: the third to the fifth deployment.
    const { code, out } = await run(['export', '--from', '2026-11-25', '--to', '2026-11-27', '--format', 'csv'], file);
    expect(code).toBe(0);
    const [header, ...rows] = readCsv(out);
    expect(header).toEqual([...EXPORT_COLUMNS]);
    const expected = eventsOf(file, T0 + 2 * DAY - 9 * HOUR, T0 + 5 * DAY - 9 * HOUR);
    expect(new Set(expected.map((e) => e.deployment))).toEqual(new Set(['DEP-3', 'DEP-4', 'DEP-5']));
    const col = (name: (typeof EXPORT_COLUMNS)[number]) => EXPORT_COLUMNS.indexOf(name);
    expect(
      rows.map((r) => ({
        deployment: r[col('deployment')],
        seq: Number(r[col('event_seq')]),
        type: r[col('event_type')],
        actor: r[col('actor')],
        at: Date.parse(r[col('at')]!),
        data: r[col('data')],
        prev_hash: r[col('prev_hash')],
        hash: r[col('hash')],
      })),
    ).toEqual(expected);
    expect(
      rows.every(
        (r) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(r[col('at')]!) && r[col('window_start')]!.endsWith('Z'),
      ),
    ).toBe(true);
    expect(rows.find((r) => r[col('deployment')] === 'DEP-5')![col('service')]).toBe('web, "quoted"\nline');
    expect(rows[0]!.slice(0, 10)).toEqual([
      'DEP-3',
      'web',
      'production',
      '1.2.0',
      'release',
      'cancelled',
      'U0DEPLOYER1',
      'C0DEPLOYS01',
      '2026-11-25T09:00:00.000Z',
      '2026-11-25T13:00:00.000Z',
    ]);
    // Read-only: the file is as it was.
    expect(readFileSync(file).equals(bytes)).toBe(true);
  });

  it('JSON: the same rows, and an auditor verifies the chain from them without Liftoff', async () => {
    const file = database();
    const { code, out } = await run(
      ['export', '--from', '2026-11-01T00:00:00Z', '--to', '2027-01-01', '--format', 'json'],
      file,
    );
    expect(code).toBe(0);
    const rows = JSON.parse(out) as Array<Record<string, string | number>>;
    expect(rows.length).toBe(eventsOf(file, 0, Number.MAX_SAFE_INTEGER).length);
    expect(Object.keys(rows[0]!)).toEqual([...EXPORT_COLUMNS]);
    const chain = rows.map((r) => ({
      deployment: String(r.deployment),
      seq: Number(r.event_seq),
      type: String(r.event_type),
      actor: String(r.actor),
      at: Date.parse(String(r.at)),
      data: String(r.data),
      prev_hash: String(r.prev_hash),
      hash: String(r.hash),
      ...(r.plan ? { plan: String(r.plan) } : {}),
    }));
    expect(auditorVerifies(chain)).toBe(true);
    // Each created event names its plan, whose text the export carries: a changed plan fails the check.
    const created = chain.filter((r) => r.type === 'created');
    expect(created.length).toBeGreaterThan(1);
    expect(created.every((r) => r.plan && JSON.parse(r.plan).phases && !('plan' in JSON.parse(r.data)))).toBe(true);
    expect(
      auditorVerifies(
        chain.map((r) => (r === created[1] ? { ...r, plan: r.plan!.replace('"phases"', '"phases" ') } : r)),
      ),
    ).toBe(false);
    // One changed byte is caught.
    expect(auditorVerifies(chain.map((r, i) => (i === 3 ? { ...r, actor: 'UMALLORY' } : r)))).toBe(false);
  });

  it('writes to --out, never over an existing file, and an empty period is just the header', async () => {
    const file = database();
    const out = join(dirname(file), 'audit.csv');
    expect((await run(['export', '--from', '2020-01-01', '--to', '2020-01-02', '--out', out], file)).err).toBe(
      `0 event(s) written to ${out}\n`,
    );
    expect(readFileSync(out, 'utf8')).toBe(`${EXPORT_COLUMNS.join(',')}\r\n`);
    expect(await run(['export', '--from', '2020-01-01', '--to', '2020-01-02', '--out', out], file)).toMatchObject({
      code: 1,
      err: expect.stringContaining('already exists'),
    });
  });

  it.each([
    [['export', '--to', '2026-12-01'], /--from is required/],
    [['export', '--from', '2026-12-01', '--to', 'yesterday'], /--to yesterday is not a date/],
    [
      ['export', '--from', '2026-12-01T10:00', '--to', '2026-12-02'],
      /--from 2026-12-01T10:00 is not a date: .*with its zone/,
    ],
    [['export', '--from', '2026-12-02', '--to', '2026-12-01'], /must come after/],
    [['export', '--from', '2026-12-01', '--to', '2026-12-02', '--format', 'xml'], /--format xml is not known/],
    [
      ['export', '--from', '2026-12-01', '--to', '2026-12-02', '--bogus'],
      /Unknown option '--bogus'.*Usage: liftoff export/,
    ],
  ])('refuses %j with a clear message and exit 1', async (args, message) => {
    const { code, err, out } = await run(args, database());
    expect(code).toBe(1);
    expect(err).toMatch(message);
    expect(out).toBe('');
  });
});
