/**
 * The compiled Liftoff (`npm run build` → dist/), for tests that run what production runs.
 * Built at most once per change of the sources: a test file calls `ensureBuilt()` in beforeAll;
 * files running in parallel wait for one build (a lock directory) instead of building twice.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const STAMP = join(ROOT, 'dist', '.built');
const LOCK = join(ROOT, 'node_modules', '.cache', 'liftoff-build.lock');

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

const fresh = () =>
  existsSync(STAMP) &&
  statSync(STAMP).mtimeMs >=
    Math.max(
      newestSource(join(ROOT, 'src')),
      ...['tsconfig.json', 'tsconfig.build.json', 'package.json'].map((f) => statSync(join(ROOT, f)).mtimeMs),
    );

/** Builds dist/ with `npm run build` unless it is newer than every source file. */
export async function ensureBuilt(): Promise<void> {
  mkdirSync(join(ROOT, 'node_modules', '.cache'), { recursive: true });
  // Another test file may be building: wait for it (a lock older than 5 minutes was left by a killed run).
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch {
      if (Date.now() - statSync(LOCK, { throwIfNoEntry: false })!.mtimeMs > 5 * 60_000)
        rmSync(LOCK, { recursive: true, force: true });
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    if (fresh()) return;
    execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'pipe' });
    writeFileSync(STAMP, new Date().toISOString());
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}
