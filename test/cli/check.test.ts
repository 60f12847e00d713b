import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { ensureBuilt } from '../support/build.js';

const ROOT = join(import.meta.dirname, '..', '..');
const RUNBOOKS = 'test/fixtures/runbooks';

async function run(args: string[], env: Record<string, string | undefined> = {}) {
  let out = '';
  let err = '';
  const code = await main(args, {
    out: { write: (s: string) => (out += s) },
    err: { write: (s: string) => (err += s) },
    env,
  });
  return { code, out, err };
}

describe('liftoff template check FILE', () => {
  it('prints the plan a seed runbook becomes: sections, items with evidence, phases with windows, approvals, communication, rollback', async () => {
    const { code, out } = await run(['template', 'check', join(ROOT, RUNBOOKS, 'deployment-process-template.md')]);
    expect(code).toBe(0);
    expect(out).toMatch(/^Template "Deployment Process Template" \(id deployment-process-template\)/);
    expect(out).toContain('Approvals\n  Development Lead (dev_lead)\n  QA Lead (qa_lead)');
    expect(out).toContain('Product Owner (product_owner) (optional)');
    expect(out).toMatch(
      /Pre-deployment checklist\n {2}Pre-deployment checklist\n {4}\[ \] Code Freeze Initiated \(if applicable\) \(optional\)/,
    );
    expect(out).toContain(
      '[ ] Automated tests passed successfully (Unit, Integration, E2E) (required)\n        evidence: Link to test results (url, [URL])',
    );
    expect(out).toContain(
      'Deployment phases\n  Deployment steps\n    1. Notify Stakeholders: Announce the start of the deployment window. (required)',
    );
    expect(out).toMatch(/Communication\n {2}announcement \(\[blank\] hours before\)/);
    expect(out).toMatch(/Rollback plan.*\n(.*\n)* {2}Steps\n {4}1\. /);
    expect(out.trimEnd().split('\n').slice(-2)).toEqual([
      'No problems.',
      expect.stringMatching(/can run as a template\.$/),
    ]);
  });

  it('numbers steps per section and per level, and marks each item required or optional', async () => {
    const { out } = await run(['template', 'check', join(ROOT, RUNBOOKS, 'deployment-process-template.md')]);
    // The seed's smoke tests are nested under step 8; steps 9 and 10 keep the seed's numbers.
    expect(out).toContain(
      [
        '    8. Initial Smoke Tests: Perform basic checks to ensure the application is running. (required)',
        '      8.1. Check main endpoint/URL accessibility. (required)',
        '      8.2. Verify core functionality A. (required)',
        '      8.3. Verify core functionality B. (required)',
        '    9. Disable Maintenance Mode: (If applicable) (optional)',
        '    10. Notify Stakeholders: Announce the completion of the deployment. (required)',
      ].join('\n'),
    );
    // Rollback steps start again at 1; details line up under the text.
    expect(out).toContain(
      '  Steps\n    1. Notify stakeholders of the rollback decision. (required)\n    2. Enable Maintenance Mode (if applicable). (optional)',
    );
    expect(out).toContain(
      '    3. Revert application code to the previous stable version. (required)\n       *Method:* [e.g., Redeploy previous artifact, git revert and deploy]',
    );
    expect(out).not.toMatch(/^ *11\. /m);
  });

  it('a template without rollback validation shows the standard checks, and says how to set a rollback estimate', async () => {
    const { out } = await run(['template', 'check', join(ROOT, RUNBOOKS, 'deployment-process-template.md')]);
    expect(out).toContain(
      [
        '  Validation (standard checks) — The template lists no rollback validation, so Liftoff asks for its standard checks.',
        '    [ ] Application accessible (required)',
        '    [ ] Database state correct (required)',
        '    [ ] No data loss (required)',
        '    [ ] Services operational (required)',
        '  No estimated rollback time: the rollback timer runs without an overrun alert.',
      ].join('\n'),
    );
    expect(out).toMatch(/estimatedMinutes under rollback: in a YAML template/);
    // The deployment task lists its own validation; the checkout runbook fills its estimate from its front matter.
    const task = (await run(['template', 'check', join(ROOT, RUNBOOKS, 'deployment-task.md')])).out;
    expect(task).toContain('  Validation\n    [ ] Application accessible (required)');
    expect(task).not.toContain('standard checks');
    const checkout = (await run(['template', 'check', join(ROOT, RUNBOOKS, 'checkout-release.md')])).out;
    expect(checkout).toContain('Rollback plan (estimated 30 minutes)');
    expect(checkout).not.toContain('No estimated rollback time');
  });

  it('shows the windows a runbook gives its phases, and keeps what it does not recognise as notes', async () => {
    const { code, out } = await run(['template', 'check', join(ROOT, RUNBOOKS, 'checkout-release.md')]);
    expect(code).toBe(0);
    expect(out).toMatch(/\(window \d\d:\d\d–\d\d:\d\d\)/);
    expect(out).toContain('Notes (kept as written)');
  });

  it('a YAML template works the same way', async () => {
    const { code, out } = await run(['template', 'check', join(ROOT, 'data/templates/standard-release.yml')]);
    expect(code).toBe(0);
    expect(out).toMatch(/^Template "Standard release process" \(id standard-release\)/);
  });

  it('a runbook that cannot run: its problems with their lines, exit 1', async () => {
    const { code, out } = await run(['template', 'check', join(ROOT, RUNBOOKS, 'mistakes.md')]);
    expect(code).toBe(1);
    expect(out).toContain('Problems (4):');
    expect(out).toMatch(/ {2}- line 15: phase "Deploy" ends \(09:00\) before it starts \(10:00\)/);
    expect(out).toMatch(/cannot run as a template\.\n$/);
  });

  it('a missing file or argument', async () => {
    expect(await run(['template', 'check', '/nonexistent/x.md'])).toMatchObject({
      code: 1,
      out: expect.stringContaining('does not exist'),
    });
    expect(await run(['template', 'check'])).toMatchObject({
      code: 2,
      err: expect.stringContaining('Usage: liftoff template check FILE'),
    });
  });

  it('runs as a real command (the compiled CLI): node bin/liftoff.js template check …', async () => {
    await ensureBuilt();
    const result = spawnSync(
      process.execPath,
      ['bin/liftoff.js', 'template', 'check', `${RUNBOOKS}/deployment-task.md`],
      {
        cwd: ROOT,
        encoding: 'utf8',
        timeout: 120_000,
      },
    );
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^Template "Deployment Task" \(id deployment-task\)/);
    expect(result.stdout).toContain('  Application Deployment (window __:__–__:__)\n    1. Enable maintenance mode');
    expect(result.stdout).toMatch(/can run as a template\.\n$/);
    const bad = spawnSync(process.execPath, ['bin/liftoff.js', 'template', 'check', `${RUNBOOKS}/mistakes.md`], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(bad.status).toBe(1);
  }, 300_000); // a first build on a loaded machine can take a minute or more
});

describe('liftoff config check [FILE]', () => {
  it('prints what each service gets in each environment, and what cannot be checked offline', async () => {
    const { code, out } = await run(['config', 'check', join(ROOT, 'data/liftoff.example.yml')]);
    expect(code).toBe(0);
    expect(out).toContain('Services: checkout, search (only these)');
    expect(out).toContain(
      '  checkout → production\n    channels: deploy C0DEPLOYS1, announce C0ANNOUNCE, ops C0OPSROOM1',
    );
    expect(out).toContain('  checkout → uat, development');
    expect(out).toContain('    approvers qa_lead: @qa, U0QALEAD01');
    expect(out).toContain(
      'communication: announcement 24 h before, reminder 1 h before, progress every 30 min, monitoring 120 min',
    );
    expect(out).toContain('cannot be resolved offline');
    expect(out).toContain('  @qa → S0QATEAM01 (user_groups)');
    expect(out).toContain(
      'Calendar (Europe/Berlin): production Mon-Fri 09:00-16:00; staging at any time; uat at any time; development at any time\n' +
        '  freeze of production from Mon 21 Dec 2026 00:00: frozen until Mon 4 Jan 2027 00:00 (Europe/Berlin): year-end freeze',
    );
    expect(out).toMatch(/No problems\.\n.*can be used\.\n$/);
  });

  it('lists every mistake with its path and line, exit 1', async () => {
    const { code, out } = await run(['config', 'check', join(ROOT, 'test/fixtures/config/mistakes.yml')]);
    expect(code).toBe(1);
    expect(out).toContain('Problems (11):');
    expect(out).toContain(
      '  - services.checkout.template: unknown template "nope"; loaded templates: deployment-task, standard-release (line 7)',
    );
    expect(out).not.toContain('Team configuration');
  });

  it('reads LIFTOFF_CONFIG when no file is given; with none at all, says so and exits 0', async () => {
    const viaEnv = await run(['config', 'check'], { LIFTOFF_CONFIG: join(ROOT, 'data/liftoff.example.yml') });
    expect(viaEnv.code).toBe(0);
    expect(viaEnv.out).toContain('liftoff.example.yml');
    const none = await run(['config', 'check'], { LIFTOFF_CONFIG: '' });
    // data/liftoff.yml does not exist in a checkout.
    expect(none).toMatchObject({ code: 0, out: expect.stringContaining('No team configuration') });
  });
});
