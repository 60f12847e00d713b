import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT, runCi, runUrlOf } from '../../src/ci/main.js';

const CI_DIR = join(import.meta.dirname, '..', '..', 'src', 'ci');

async function run(args: string[], env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCi(args, {
    env,
    out: { write: (s: string) => out.push(s) },
    err: { write: (s: string) => err.push(s) },
  });
  return { code, out: out.join(''), err: err.join('') };
}

describe('liftoff ci', () => {
  it('runs with nothing but Node: it imports only node: built-ins and nothing else of Liftoff', () => {
    for (const file of readdirSync(CI_DIR)) {
      const specifiers = [
        ...readFileSync(join(CI_DIR, file), 'utf8').matchAll(/\bfrom\s+'([^']+)'|import\('([^']+)'\)/g),
      ].map((m) => m[1] ?? m[2]);
      expect(
        specifiers.every((s) => s?.startsWith('node:')),
        `${file}: ${specifiers.join(', ')}`,
      ).toBe(true);
    }
  });

  it('refuses (exit 3) without LIFTOFF_URL and LIFTOFF_TOKEN, or with an unknown command, saying why', async () => {
    const missing = await run(['wait', 'DEP-1']);
    expect(missing.code).toBe(EXIT.refused);
    expect(missing.err).toContain('LIFTOFF_URL');
    const unknown = await run(['approve', 'DEP-1'], { LIFTOFF_URL: 'http://127.0.0.1:9', LIFTOFF_TOKEN: 't' });
    expect(unknown.code).toBe(EXIT.refused);
    expect(unknown.err).toContain('unknown command');
  });

  it("links the run from the CI's own variables", () => {
    expect(
      runUrlOf({ GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: 'acme/shop', GITHUB_RUN_ID: '7' }),
    ).toBe('https://github.com/acme/shop/actions/runs/7');
    expect(runUrlOf({ CI_JOB_URL: 'https://gitlab.example.com/acme/shop/-/jobs/9' })).toBe(
      'https://gitlab.example.com/acme/shop/-/jobs/9',
    );
    expect(runUrlOf({})).toBeUndefined();
  });
});
