import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkTeamSetup } from '../../src/config/team.js';
import { planWithSettings } from '../../src/config/team/plan.js';
import { template } from '../core/fixtures.js';

const EXAMPLE = join(import.meta.dirname, '..', '..', 'data', 'liftoff.example.yml');

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});
function file(lines: string[]): string {
  dir ??= mkdtempSync(join(tmpdir(), 'liftoff-config-'));
  const f = join(dir, 'liftoff.yml');
  writeFileSync(f, ['version: 1', 'services:', '  checkout:', ...lines.map((l) => `    ${l}`), ''].join('\n'));
  return f;
}

describe('health_check_settings', () => {
  it('is read per environment, headers from the environment, and lets Liftoff run the frozen checks', () => {
    const { team, problems } = checkTeamSetup(EXAMPLE, {});
    expect(problems).toEqual([]);
    const prod = team!.settingsFor('checkout', 'production')!;
    expect(prod.healthCheckSettings).toEqual({
      baseUrl: 'https://checkout.example.com',
      allowedHosts: ['checkout.example.com'],
      timeoutMs: 3000,
      everyMinutes: 10,
    });
    expect(team!.settingsFor('checkout', 'staging')!.healthCheckSettings).toBeNull();
    expect(planWithSettings(template, prod).verification).toMatchObject({
      healthChecks: [{ endpoint: 'https://checkout.example.com/healthz', expected: '200 OK' }],
      runByLiftoff: true,
    });
    expect(planWithSettings(template, team!.settingsFor('checkout', 'staging')).verification.runByLiftoff).toBe(
      undefined,
    );
    // A template cannot let Liftoff run its checks by itself: only the configuration does.
    const claims = { ...template, verification: { ...template.verification, runByLiftoff: true } };
    expect(planWithSettings(claims, null).verification.runByLiftoff).toBe(undefined);

    const f = file([
      'health_check_settings:',
      '  allowed_hosts: [shop.example]',
      '  headers: { Authorization: "Bearer ${HC_TOKEN}" }',
    ]);
    const read = checkTeamSetup(f, { HC_TOKEN: 'abc123' }).team!.settingsFor('checkout', 'production')!;
    expect(read.healthCheckSettings).toMatchObject({ baseUrl: null, headers: { Authorization: 'Bearer abc123' } });
  });

  it('refuses credentials in a check URL, a base URL whose host is not allowed, and an unset header variable', () => {
    const f = file([
      'health_checks:',
      '  - { url: "https://user:pw@shop.example/healthz" }',
      'health_check_settings:',
      '  base_url: https://shop.example',
      '  allowed_hosts: [other.example]',
      '  headers: { Authorization: "Bearer ${HC_TOKEN}" }',
    ]);
    const { problems } = checkTeamSetup(f, {});
    expect(problems.map((p) => p.path)).toEqual([
      'services.checkout.health_checks.0.url',
      'services.checkout.health_check_settings.base_url',
      'services.checkout.health_check_settings.headers.Authorization',
    ]);
    expect(problems[1]!.message).toContain('its host shop.example is not in allowed_hosts');
  });
});
