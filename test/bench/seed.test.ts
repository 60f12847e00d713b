import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { seedDatabase } from '../../bench/seed.js';
import { main } from '../../src/cli/main.js';
import { openDatabase } from '../../src/storage/db.js';
import { createRepositories } from '../../src/storage/index.js';

describe('the benchmark seed', () => {
  it('writes active deployments in every unfinished status, finished ones and pending jobs that `db check` accepts', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'liftoff-seed-')), 'seed.db');
    const now = Date.UTC(2026, 11, 2, 12);
    const seeded = seedDatabase(file, { active: 12, finished: 10, jobs: 30, now });
    expect(seeded).toMatchObject({ jobs: 30 });

    let out = '';
    const code = await main(['db', 'check', file], {
      out: { write: (s) => (out += s) },
      err: { write: () => {} },
      env: {},
    });
    expect(out).toBe('22 deployment(s) checked, 0 mismatch(es).\n');
    expect(code).toBe(0);

    const repos = createRepositories(openDatabase(file));
    const active = repos.deployments.listActive();
    expect(active.map((d) => d.id).sort((a, b) => a - b)).toEqual(seeded.active);
    expect(new Set(active.map((d) => d.status))).toEqual(
      new Set(['scheduled', 'preparing', 'in_progress', 'verifying', 'monitoring']),
    );
    // A third of them have a running phase.
    const running = active.filter((d) => Object.values(d.phases).some((p) => p.started && !p.completed));
    expect(running).toHaveLength(4);
    expect(new Set(seeded.finished.map((id) => repos.deployments.get(id)?.status))).toEqual(
      new Set(['completed', 'cancelled', 'rolled_back']),
    );
    expect(repos.jobs.withStatus('pending')).toHaveLength(30);
    expect(repos.jobs.withStatus('pending').every((j) => j.dueAt > now)).toBe(true);
    repos.db.close();
  });
});
