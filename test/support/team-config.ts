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

/**
 * A hook's settings under its name (`rollback`, `start`, `end`), unindented, calling `url` on the local
 * hook server; `timeout_ms: 3000` is long enough that a loaded machine's local answer is not a timeout.
 */
export function hookConfig(
  name: string,
  url: string,
  o: { showResponseBody?: boolean; headers?: Record<string, string> } = {},
): string[] {
  const fields = [
    `url: ${url}`,
    'allowed_hosts: [127.0.0.1]',
    'timeout_ms: 3000',
    ...(o.showResponseBody ? ['show_response_body: true'] : []),
    ...(o.headers ? ['headers:', ...Object.entries(o.headers).map(([k, v]) => `  ${k}: ${v}`)] : []),
  ];
  return [`${name}:`, ...indented(fields)];
}

/** YAML lines moved right by `by` spaces (default 2): to nest them under a key. */
export const indented = (lines: readonly string[], by = 2): string[] => lines.map((l) => `${' '.repeat(by)}${l}`);
