import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let computed: string | undefined;

/**
 * A digest of Liftoff's own code (every module of the folder it runs from: `dist/`, or `src/`
 * in development and tests), computed once. What a deployment's messages show is a function of
 * its snapshot, the time while a clock runs, and this code: another build draws them again.
 */
export function codeFingerprint(): string {
  if (computed) return computed;
  const hash = createHash('sha1');
  const walk = (dir: string) => {
    const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const e of entries) {
      const path = join(dir, e.name);
      if (e.isDirectory()) walk(path);
      else if (/\.(js|ts|json)$/.test(e.name)) hash.update(e.name).update('\0').update(readFileSync(path)).update('\0');
    }
  };
  walk(join(dirname(fileURLToPath(import.meta.url)), '..'));
  computed = hash.digest('base64url');
  return computed;
}
