import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/errors.js';
import { checkTeamSetup, loadTeamSetup, NO_TEAM_CONFIG, teamPolicy } from '../../src/config/team.js';

const EXAMPLE = join(import.meta.dirname, '..', '..', 'data', 'liftoff.example.yml');
const MISTAKES = join(import.meta.dirname, '..', 'fixtures', 'config', 'mistakes.yml');
const RUNBOOKS = join(import.meta.dirname, '..', 'fixtures', 'runbooks');

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});
function file(yaml: string): string {
  dir ??= mkdtempSync(join(tmpdir(), 'liftoff-config-'));
  const f = join(dir, 'liftoff.yml');
  writeFileSync(f, yaml);
  return f;
}

describe('the example configuration', () => {
  it('is valid, and its layers merge: environment over service over defaults, approvers role by role', () => {
    const { team, problems } = checkTeamSetup(EXAMPLE, {});
    expect(problems).toEqual([]);
    expect(team?.services).toEqual(['checkout', 'search']);
    expect(team?.freeTextServices).toBe(false);
    const prod = team?.settingsFor('checkout', 'production');
    expect(prod).toMatchObject({
      deployChannel: 'C0DEPLOYS1',
      announceChannel: 'C0ANNOUNCE',
      opsChannel: 'C0OPSROOM1',
      templateId: 'standard-release',
      approvers: {
        dev_lead: ['U0DEVLEAD1'],
        qa_lead: ['@qa', 'U0QALEAD01'],
        ops_lead: ['U0OPSLEAD1', 'U0OPSLEAD2'],
        product_owner: ['U0PRODUCT1'],
      },
      rollbackUsers: ['U0ONCALL01'],
      deployerMayApprove: false,
      communication: {
        announcementHoursBefore: 24,
        reminderHoursBefore: 1,
        progressEveryMinutes: 30,
        monitoringMinutes: 120,
      },
      location: 'thread',
      locked: ['approvers'],
      healthChecks: [{ endpoint: 'https://checkout.example.com/healthz', expected: '200 OK' }],
    });
    expect(prod?.hooks.rollback).toEqual({
      url: 'https://deploy.example.com/hooks/rollback',
      allowedHosts: ['deploy.example.com'],
      timeoutMs: 10000,
    });
    expect(team?.settingsFor('checkout', 'staging')).toMatchObject({
      deployChannel: 'C0STAGING1',
      deployerMayApprove: true,
      locked: [],
    });
    expect(team?.settingsFor('search', 'production')).toMatchObject({
      deployChannel: 'C0SEARCH01',
      templateId: 'deployment-task',
    });
  });

  it('lists every user group it names, with where', () => {
    const { team } = checkTeamSetup(EXAMPLE, {});
    expect(team?.groupReferences()).toEqual([
      { path: 'defaults.approvers.qa_lead', group: '@qa' },
      { path: 'services.checkout.environments.production.deployers', group: '@qa' },
      { path: 'services.checkout.environments.production.approvers.qa_lead', group: '@qa' },
    ]);
  });
});

describe('mistakes', () => {
  it('are all reported at once, each with its path and line', () => {
    const { team, problems } = checkTeamSetup(MISTAKES, {});
    expect(team).toBeUndefined();
    const lines = problems.map((p) => `${p.path}: ${p.message}${p.line ? ` @${p.line}` : ''}`);
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^defaults\.colour: not a setting Liftoff knows.* @4$/),
        expect.stringMatching(/^services\.checkout\.deploy_channel: use the channel id .* @8$/),
        expect.stringMatching(/^services\.checkout\.approvers\.qa_lead\.0: "qa" is neither a Slack user id .* @10$/),
        expect.stringMatching(/^services\.checkout\.communication\.progress_every_minutes: must be more than 0/),
        expect.stringMatching(/^services\.checkout\.environments\.prod\.location: use "thread" or "channel"/),
        expect.stringMatching(
          /^services\.checkout\.environments\.prod: unknown environment; use production, staging, uat, development/,
        ),
        expect.stringMatching(
          /^services\.checkout\.template: unknown template "nope"; loaded templates: deployment-task, standard-release/,
        ),
        expect.stringMatching(/^services\.checkout\.approvers\.boss: unknown approval role/),
        expect.stringMatching(
          /^services\.checkout\.environments\.production\.approvers\.ops_lead2: unknown approval role; roles: dev_lead, qa_lead, ops_lead, product_owner/,
        ),
        expect.stringMatching(
          /^services\.checkout\.hooks\.rollback\.url: its host evil\.example\.com is not in allowed_hosts \(deploy\.example\.com\)/,
        ),
        expect.stringMatching(
          /^services\.checkout\.hooks\.rollback\.headers\.Authorization: the environment variable LIFTOFF_TEST_UNSET_TOKEN is not set/,
        ),
      ]),
    );
    expect(problems).toHaveLength(11);
  });

  it('stop the start with a ConfigError that lists them all', () => {
    expect(() => loadTeamSetup(MISTAKES, {})).toThrow(ConfigError);
    expect(() => loadTeamSetup(MISTAKES, {})).toThrow(/has 11 mistakes:\n {2}- /);
  });

  it('YAML syntax errors name their line', () => {
    const { problems } = checkTeamSetup(file('services:\n  checkout:\n    template: [unclosed\n'), {});
    expect(problems[0]).toMatchObject({ path: '(YAML syntax)', line: expect.any(Number) });
  });

  it('a header may take a secret from the environment; the value is expanded, never kept in the file', () => {
    const f = file(`services:
  checkout:
    hooks:
      rollback: { url: "https://deploy.example.com/x", allowed_hosts: [deploy.example.com], headers: { Authorization: "Bearer \${HOOK_TOKEN}" } }
`);
    const { team } = checkTeamSetup(f, { HOOK_TOKEN: 's3cret' });
    expect(team?.settingsFor('checkout', 'production')?.hooks.rollback?.headers).toEqual({
      Authorization: 'Bearer s3cret',
    });
  });
});

describe('hook secrets', () => {
  it('refuse credentials in a hook URL and header values with control characters, without repeating them', () => {
    const f = file(`services:
  checkout:
    hooks:
      rollback: { url: "https://ci:pa55word@deploy.example.com/x", allowed_hosts: [deploy.example.com], headers: { X-Token: "\${HOOK_TOKEN}", X-Raw: "a\\tb" } }
`);
    const { team, problems } = checkTeamSetup(f, { HOOK_TOKEN: 'abc\nX-Evil: 1' });
    expect(team).toBeUndefined();
    expect(problems.map((p) => `${p.path}: ${p.message}`)).toEqual([
      'services.checkout.hooks.rollback.url: it holds credentials (user:password@); put them in a header whose value comes from an environment variable, e.g. Authorization: "Bearer ${HOOK_TOKEN}"',
      'services.checkout.hooks.rollback.headers.X-Token: its value holds a control character (a line break or tab?); it is not sent',
      'services.checkout.hooks.rollback.headers.X-Raw: its value holds a control character (a line break or tab?); it is not sent',
    ]);
    expect(JSON.stringify(problems)).not.toMatch(/pa55word|X-Evil/);
  });

  it('show_response_body is off unless set', () => {
    const f = file(`services:
  checkout:
    hooks:
      rollback: { url: "https://deploy.example.com/x", allowed_hosts: [deploy.example.com] }
      maintenance: { start: { url: "https://deploy.example.com/m", allowed_hosts: [deploy.example.com], show_response_body: true } }
`);
    const hooks = checkTeamSetup(f, {}).team?.settingsFor('checkout', 'production')?.hooks;
    expect(hooks?.rollback?.showResponseBody).toBeUndefined();
    expect(hooks?.maintenanceStart?.showResponseBody).toBe(true);
  });
});

describe('templates_dir', () => {
  it("adds the team's runbooks to the built-in templates, and roles are checked against them", () => {
    const f = file(`templates_dir: ${RUNBOOKS.replace(/\\/g, '/')}
services:
  checkout:
    template: minimal
    approvers: { qa_lead: U0QA000001 }
`);
    const { team, templates, problems } = checkTeamSetup(f, {});
    // mistakes.md in that folder cannot be read as a runbook, and deployment-task.md takes a built-in's id:
    // both are reported under templates_dir (so `config check` fails) and left out; the others load and are checked.
    expect(problems.map((p) => [p.path, p.skipped])).toEqual([
      ['templates_dir', true],
      ['templates_dir', true],
    ]);
    expect(problems.map((p) => p.message)).toEqual([
      expect.stringMatching(/mistakes\.md is not a usable runbook:\n {2}- line 7: no pre-deployment checklist/),
      expect.stringMatching(
        /deployment-task\.md uses the template id "deployment-task", already taken by .*deployment-task\.yml/,
      ),
    ]);
    expect(templates?.map((t) => t.template.id)).toEqual([
      'deployment-task',
      'standard-release',
      'checkout-release',
      'deployment-process-template-filled',
      'deployment-process-template',
      'deployment-task-filled',
      'minimal',
    ]);
    expect(team?.settingsFor('checkout', 'production')?.templateId).toBe('minimal');
  });

  it('a refused runbook that a service names is a mistake the start stops for', () => {
    const f = file(`templates_dir: ${RUNBOOKS.replace(/\\/g, '/')}
services:
  checkout:
    template: mistakes
`);
    const { team, problems } = checkTeamSetup(f, {});
    expect(team).toBeUndefined();
    expect(problems.filter((p) => !p.skipped).map((p) => p.path)).toEqual(['services.checkout.template']);
    expect(() => loadTeamSetup(f, {})).toThrow(/services\.checkout\.template/);
  });

  it('loads a folder of good runbooks', () => {
    dir = mkdtempSync(join(tmpdir(), 'liftoff-config-'));
    const books = join(dir, 'runbooks');
    mkdirSync(books);
    writeFileSync(join(books, 'hotfix.md'), readFileSync(join(RUNBOOKS, 'minimal.md'), 'utf8'));
    const f = join(dir, 'liftoff.yml');
    writeFileSync(f, 'templates_dir: runbooks\nservices:\n  checkout:\n    template: hotfix\n');
    const { team, templates, problems } = checkTeamSetup(f, {});
    expect(problems).toEqual([]);
    expect(templates?.map((t) => t.template.id)).toEqual(['deployment-task', 'standard-release', 'hotfix']);
    expect(team?.settingsFor('checkout', 'uat')?.templateId).toBe('hotfix');
  });
});

describe('without a configuration file', () => {
  it('nothing is configured and any service may be typed', () => {
    const { team, templates, problems } = checkTeamSetup(null, {});
    expect(problems).toEqual([]);
    expect(team).toBe(NO_TEAM_CONFIG);
    expect(team?.settingsFor('checkout', 'production')).toBeNull();
    expect(team?.freeTextServices).toBe(true);
    expect(templates?.length).toBe(2);
  });
});

describe('the policy of a deployment', () => {
  it('comes from its service and environment; user groups are expanded', () => {
    const { team } = checkTeamSetup(EXAMPLE, {});
    const expand = (entries: readonly string[]) => entries.flatMap((e) => (e === '@qa' ? ['U0QAMEMBER'] : [e]));
    const policy = teamPolicy(team!, expand);
    expect(policy({ service: 'checkout', environment: 'production' })).toEqual({
      deployerMayApprove: false,
      defaultMonitoringMinutes: 120,
      rollbackUsers: ['U0ONCALL01'],
      admins: ['U0ADMIN001'],
      deployers: ['U0DEPLOY01', 'U0QAMEMBER'],
      overrides: 'second_person',
    });
    expect(policy({ service: 'checkout', environment: 'staging' })).toMatchObject({
      deployerMayApprove: true,
      defaultMonitoringMinutes: 60,
    });
    expect(teamPolicy(NO_TEAM_CONFIG, expand)({ service: 'x', environment: 'uat' })).toEqual({
      deployerMayApprove: false,
      defaultMonitoringMinutes: 0,
      rollbackUsers: [],
      admins: [],
      overrides: 'deployer',
    });
    // Production's gates need a second person with no team configuration too.
    expect(teamPolicy(NO_TEAM_CONFIG, expand)({ service: 'x', environment: 'production' }).overrides).toBe(
      'second_person',
    );
  });
});

describe('the plan of a deployment', () => {
  it('takes the configured health checks and communication timings', async () => {
    const { planWithSettings } = await import('../../src/config/team/plan.js');
    const { team, templates } = checkTeamSetup(EXAMPLE, {});
    const template = templates!.find((t) => t.template.id === 'deployment-task')!.template;
    const plan = planWithSettings(template, team!.settingsFor('checkout', 'production'));
    expect(plan.verification.healthChecks).toEqual([
      { endpoint: 'https://checkout.example.com/healthz', expected: '200 OK' },
    ]);
    const timing = Object.fromEntries(
      plan.communication.notices.map((n) => [n.kind, n.hoursBefore ?? n.everyMinutes ?? null]),
    );
    expect(timing).toMatchObject({ announcement: 24, reminder: 1, progress: 30 });
    expect(planWithSettings(template, null)).toBe(template);
  });

  it('is one object for settings that give the same plan, another for settings that give another', async () => {
    const { planWithSettings } = await import('../../src/config/team/plan.js');
    const { team, templates } = checkTeamSetup(EXAMPLE, {});
    const template = templates!.find((t) => t.template.id === 'deployment-task')!.template;
    const settings = () => team!.settingsFor('checkout', 'production')!;
    // settingsFor makes new objects every time; their values decide.
    expect(settings()).not.toBe(settings());
    const plan = planWithSettings(template, settings());
    expect(planWithSettings(template, settings())).toBe(plan);
    const faster = settings();
    faster.communication = { ...faster.communication, progressEveryMinutes: 5 };
    const other = planWithSettings(template, faster);
    expect(other).not.toBe(plan);
    expect(other.communication.notices.find((n) => n.kind === 'progress')!.everyMinutes).toBe(5);
    const checks = settings();
    checks.healthChecks = [{ endpoint: 'https://checkout.example.com/ready', expected: '200 OK' }];
    expect(planWithSettings(template, checks).verification.healthChecks).toEqual(checks.healthChecks);
    const run = settings();
    run.healthCheckSettings = null;
    expect(planWithSettings(template, run).verification.runByLiftoff).toBe(undefined);
    expect(plan.verification.runByLiftoff).toBe(true);
  });
});
