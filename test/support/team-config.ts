import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Writes a team configuration for the checkout service in Production, `lines`
 * being that environment's settings (already indented for it), into a new
 * temp folder. Returns the file (for LIFTOFF_CONFIG) and its folder.
 */
export function checkoutProductionConfig(lines: string[]): { file: string; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'liftoff-config-'));
  const file = join(dir, 'liftoff.yml');
  writeFileSync(
    file,
    [
      'version: 1',
      'services:',
      '  checkout:',
      '    environments:',
      '      production:',
      ...lines.map((l) => `        ${l}`),
      '',
    ].join('\n'),
  );
  return { file, dir };
}
