import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { BUILT_IN_TEMPLATES_DIR, loadTemplates } from '../src/config/templates.js';
import { ConfigError } from '../src/config/errors.js';
import { planItems } from '../src/core/template/items.js';
import type { Template } from '../src/core/template/schema.js';

const builtIns = loadTemplates(BUILT_IN_TEMPLATES_DIR);
const get = (id: string): Template => {
  const t = builtIns.get(id)?.template;
  if (!t) throw new Error(`no built-in template ${id}`);
  return t;
};
const ids = (items: Array<{ id: string }>) => items.map((i) => i.id);

describe('built-in templates', () => {
  it('load and validate from data/templates', () => {
    expect([...builtIns.keys()].sort()).toEqual(['deployment-task', 'standard-release']);
    expect(get('standard-release').name).toBe('Standard release process');
    expect(get('deployment-task').name).toBe('Deployment task');
    for (const loaded of builtIns.values()) {
      expect(loaded.format).toBe('yaml');
      expect(loaded.source).toMatch(/data[\\/]templates[\\/].+\.yml$/);
    }
  });

  describe('standard-release carries the deployment process template', () => {
    const t = get('standard-release');

    it('overview, one pre-deployment group of 11 items, evidence and details', () => {
      expect(t.overview.map((o) => o.label)).toEqual([
        'Application/Service',
        'Version',
        'Target Environment',
        'Deployment Date/Time',
        'Deployer',
      ]);
      expect(t.preDeployment).toHaveLength(1);
      const [group] = t.preDeployment;
      expect(group).toMatchObject({ id: 'pre-deployment-checklist', title: 'Pre-deployment checklist' });
      expect(group!.items).toHaveLength(11);
      const byText = (start: string) => group!.items.find((i) => i.text.startsWith(start));
      expect(byText('Automated tests passed')?.evidence).toEqual({
        label: 'Link to test results',
        kind: 'url',
        hint: '[URL]',
      });
      expect(byText('Manual QA testing')?.evidence).toEqual({
        label: 'Link to QA sign-off',
        kind: 'url',
        hint: '[URL]',
      });
      expect(byText('Backup of the current')?.evidence).toMatchObject({ kind: 'text', hint: '[Details]' });
      expect(byText('Database migration scripts')?.details).toEqual([
        '*Details:* [List scripts or link to migration plan]',
      ]);
      expect(byText('Code Freeze')?.required).toBe(false);
    });

    it('deployment steps: one phase, ten steps with three nested smoke tests', () => {
      expect(t.phases).toHaveLength(1);
      const [phase] = t.phases;
      expect(phase).toMatchObject({ id: 'deployment-steps', title: 'Deployment steps' });
      expect(phase!.steps.filter((s) => s.level === 0)).toHaveLength(10);
      expect(phase!.steps[0]?.text).toBe('Notify Stakeholders: Announce the start of the deployment window.');
      expect(phase!.steps.slice(8, 11).map((s) => s.level)).toEqual([1, 1, 1]);
      expect(phase!.steps[7]?.text).toMatch(/^Initial Smoke Tests:/);
      const deploy = phase!.steps.find((s) => s.id === 'deploy-application-code');
      expect(deploy?.evidence).toEqual({ label: 'Link to deployment job/log', kind: 'url', hint: '[URL]' });
      expect(phase!.steps.find((s) => s.id === 'run-database-migrations')?.details).toHaveLength(2);
      expect(new Set(ids(phase!.steps)).size).toBe(13);
    });

    it('post-deployment verification, rollback, communication, approvals', () => {
      const [post] = t.postDeployment.groups;
      expect(post?.id).toBe('post-deployment-verification');
      expect(post?.items).toHaveLength(5);
      expect(post?.items[0]?.evidence).toMatchObject({ label: 'Monitoring dashboard', kind: 'url' });
      expect(t.rollback.triggers).toHaveLength(1);
      expect(t.rollback.steps).toHaveLength(9);
      expect(t.rollback.validation).toEqual([]);
      expect(t.rollback).toMatchObject({ estimatedTime: '[Estimate]', estimatedMinutes: null });
      expect(t.communication.notices.map((n) => n.kind)).toEqual(['announcement', 'start', 'completion', 'issue']);
      expect(t.communication.notices[0]).toMatchObject({
        audience: ['Stakeholders', 'Users'],
        channel: '[Channel]',
        hoursBefore: null,
      });
      expect(t.approvals).toEqual([
        { role: 'dev_lead', label: 'Development Lead', required: true },
        { role: 'qa_lead', label: 'QA Lead', required: true },
        { role: 'ops_lead', label: 'Operations Lead', required: true },
        { role: 'product_owner', label: 'Product Owner', required: false },
      ]);
    });
  });

  describe('deployment-task carries the deployment task', () => {
    const t = get('deployment-task');

    it('overview, summary, four checklist groups', () => {
      expect(t.overview).toHaveLength(5);
      expect(t.overview[0]).toEqual({
        label: 'Deployment Type',
        placeholder: '[Release | Hotfix | Rollback | Configuration Update]',
      });
      expect(t.summary.changes).toHaveLength(3);
      expect(t.summary.tickets).toEqual([
        { key: '[#TICKET-1]', description: '[Brief description]' },
        { key: '[#TICKET-2]', description: '[Brief description]' },
      ]);
      expect(t.preDeployment.map((g) => [g.id, g.items.length])).toEqual([
        ['code-preparation', 6],
        ['environment-preparation', 6],
        ['database-changes', 4],
        ['dependencies', 4],
      ]);
      expect(t.preDeployment[3]?.items[1]).toMatchObject({
        text: 'Third-party services notified (if needed)',
        required: false,
      });
    });

    it('five phases with blank windows and their steps', () => {
      expect(t.phases.map((p) => [p.title, p.steps.length])).toEqual([
        ['Preparation', 2],
        ['Application Deployment', 5],
        ['Database Migration', 4],
        ['Verification', 5],
        ['Finalization', 4],
      ]);
      for (const p of t.phases) expect(p.window).toEqual({ start: null, end: null });
      expect(t.phases[0]?.steps.map((s) => s.text)).toEqual(['[Step 1]', '[Step 2]']);
    });

    it('verification, rollback, monitoring, communication, post-deployment', () => {
      expect(t.verification.groups[0]?.items).toHaveLength(3);
      expect(t.verification.validationQueries).toEqual([
        { language: 'sql', code: '-- Verify data integrity\nSELECT COUNT(*) FROM [table] WHERE [condition];' },
      ]);
      expect(t.verification.healthChecks).toEqual([{ endpoint: '[URL]', expected: '[Response]' }]);
      expect(t.rollback.triggers).toHaveLength(2);
      expect(t.rollback.steps).toHaveLength(7);
      expect(ids(t.rollback.validation)).toEqual([
        'application-accessible',
        'database-state-correct',
        'no-data-loss',
        'services-operational',
      ]);
      expect(t.monitoring.metrics).toHaveLength(5);
      expect(t.monitoring.thresholds).toEqual([
        'Error rate > [X]%',
        'Response time > [X]ms',
        '[Other critical thresholds]',
      ]);
      expect(t.monitoring.duration).toBe('[How long to actively monitor post-deployment]');
      expect(t.communication.notices.map((n) => n.kind)).toEqual([
        'announcement',
        'reminder',
        'start',
        'progress',
        'issue',
        'completion',
        'summary',
      ]);
      expect(t.communication.notices[3]).toMatchObject({ everyMinutes: null });
      expect(t.postDeployment.groups[0]?.items).toHaveLength(5);
      expect(t.postDeployment.followUps).toContain('Monitor for [X] hours');
      expect(t.approvals.map((a) => a.role)).toEqual(['dev_lead', 'qa_lead', 'ops_lead', 'product_owner']);
    });
  });

  it('every item key is unique within each built-in plan', () => {
    for (const { template } of builtIns.values()) {
      const keys = planItems(template).map((p) => p.key);
      expect(new Set(keys).size).toBe(keys.length);
    }
  });
});

describe('loadTemplates refuses broken templates', () => {
  let dir = '';
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  const folder = (files: Record<string, string>) => {
    dir = mkdtempSync(join(tmpdir(), 'liftoff-templates-'));
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    return dir;
  };
  const minimal = (over: Record<string, unknown> = {}) =>
    stringify({
      id: 'mini',
      name: 'Minimal',
      preDeployment: [{ id: 'checks', title: 'Checks', items: [{ id: 'tests', text: 'Tests pass' }] }],
      phases: [{ id: 'deploy', title: 'Deploy', steps: [{ id: 'ship', text: 'Ship it' }] }],
      rollback: { steps: [{ id: 'revert', text: 'Revert' }] },
      approvals: [{ role: 'dev_lead', label: 'Development Lead' }],
      ...over,
    });
  const refusal = (d: string): string => {
    try {
      loadTemplates(d);
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      return (e as Error).message;
    }
    throw new Error('expected a ConfigError');
  };

  it('accepts a minimal template and ignores other files', () => {
    const loaded = loadTemplates(folder({ 'mini.yaml': minimal(), 'README.txt': 'not a template' }));
    expect([...loaded.keys()]).toEqual(['mini']);
  });

  it('names the file and the field that is missing', () => {
    const d = folder({ 'broken.yml': minimal({ rollback: undefined }) });
    const message = refusal(d);
    expect(message).toContain(join(d, 'broken.yml'));
    expect(message).toMatch(/rollback: /);
  });

  it('names a bad id', () => {
    const message = refusal(folder({ 'bad-id.yml': minimal({ id: 'Not A Slug' }) }));
    expect(message).toContain('bad-id.yml');
    expect(message).toMatch(/- id: use 1–48 lowercase/);
  });

  it('names a phase window that ends before it starts', () => {
    const phases = [
      {
        id: 'deploy',
        title: 'Deploy',
        window: { start: '10:00', end: '09:30' },
        steps: [{ id: 'ship', text: 'Ship' }],
      },
    ];
    const message = refusal(folder({ 'window.yml': minimal({ phases }) }));
    expect(message).toContain('window.yml');
    expect(message).toMatch(/phases\.0\.window: ends \(09:30\) before it starts \(10:00\)/);
  });

  it('names a duplicate item id', () => {
    const preDeployment = [
      {
        id: 'checks',
        title: 'Checks',
        items: [
          { id: 'tests', text: 'A' },
          { id: 'tests', text: 'B' },
        ],
      },
    ];
    const message = refusal(folder({ 'dupe-item.yml': minimal({ preDeployment }) }));
    expect(message).toContain('dupe-item.yml');
    expect(message).toMatch(/(preDeployment\.0\.items\.1\.id|pre\.checks\.tests): .*twice/);
  });

  it('reports YAML syntax errors with their line', () => {
    const message = refusal(folder({ 'syntax.yml': 'id: x\nname: [unclosed\nphases: {\n' }));
    expect(message).toContain('syntax.yml');
    expect(message).toMatch(/line \d+: YAML syntax/);
  });

  it('refuses the same id in two files, naming both', () => {
    const d = folder({ 'a.yml': minimal(), 'b.yml': minimal({ name: 'Another' }) });
    const message = refusal(d);
    expect(message).toContain(join(d, 'a.yml'));
    expect(message).toContain(join(d, 'b.yml'));
    expect(message).toContain('"mini"');
  });
});
