import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BUILT_IN_TEMPLATES_DIR, loadTemplates } from '../src/config/templates.js';
import { ConfigError } from '../src/config/errors.js';
import { parseRunbook } from '../src/core/template/markdown.js';
import type { Template } from '../src/core/template/schema.js';

const FIXTURES = new URL('./fixtures/runbooks/', import.meta.url);
const fixture = (name: string) => readFileSync(new URL(name, FIXTURES), 'utf8');
const builtIns = loadTemplates(BUILT_IN_TEMPLATES_DIR);

function parsed(markdown: string, id = 'runbook'): Template {
  const { template, problems } = parseRunbook(markdown, { id });
  expect(problems).toEqual([]);
  if (!template) throw new Error('no template');
  return template;
}

describe('the seed runbooks parse to the built-in templates', () => {
  it.each([
    ['deployment-process-template.md', 'standard-release'],
    ['deployment-task.md', 'deployment-task'],
  ])('%s → %s (only the name differs: the runbook title)', (file, id) => {
    const builtIn = builtIns.get(id)?.template;
    const template = parsed(fixture(file), id);
    expect({ ...template, name: builtIn?.name }).toEqual(builtIn);
    expect(template.name).toBe(file.startsWith('deployment-task') ? 'Deployment Task' : 'Deployment Process Template');
  });
});

describe('runbooks', () => {
  it('minimal: a checklist, steps and a rollback; the standard approval roles by default', () => {
    const t = parsed(fixture('minimal.md'), 'hotfix');
    expect(t).toMatchObject({ id: 'hotfix', name: 'Hotfix', description: '', notes: [] });
    expect(t.preDeployment).toEqual([
      {
        id: 'checklist',
        title: 'Checklist',
        items: [
          { id: 'fix-reviewed', text: 'Fix reviewed', required: true, details: [], level: 0 },
          { id: 'tests-green', text: 'Tests green', required: true, details: [], level: 0 },
        ],
      },
    ]);
    expect(t.phases).toMatchObject([
      { id: 'steps', title: 'Steps', steps: [{ text: 'Deploy the fix' }, { text: 'Check the error rate' }] },
    ]);
    expect(t.rollback.steps.map((s) => s.text)).toEqual(['Redeploy the previous version']);
    expect(t.approvals.map((a) => [a.role, a.required])).toEqual([
      ['dev_lead', true],
      ['qa_lead', true],
      ['ops_lead', true],
      ['product_owner', false],
    ]);
  });

  describe('checkout-release: front matter, nested lists, windows, extra sections', () => {
    const t = parsed(fixture('checkout-release.md'), 'checkout-release');

    it('front matter names it and fills [X], [Estimate], [table]; other placeholders stay', () => {
      expect(t.name).toBe('Checkout API release');
      expect(t.description).toBe('Weekly release of the checkout service.');
      expect(t.overview).toEqual([
        { label: 'Service', placeholder: 'checkout-api' },
        { label: 'Version', placeholder: '[Version]' },
      ]);
      expect(t.verification.validationQueries).toEqual([
        { language: 'sql', code: 'SELECT COUNT(*) FROM orders WHERE total < 0;' },
      ]);
      expect(t.rollback).toMatchObject({ estimatedTime: '30 minutes', estimatedMinutes: 30 });
      expect(t.monitoring).toMatchObject({ metrics: ['p95 latency'], duration: '24 hours', durationMinutes: 1440 });
    });

    it('nested entries: sub-lines become evidence and details, nested checkboxes and numbers become level-1 items', () => {
      const [code] = t.preDeployment;
      expect(code?.items).toEqual([
        {
          id: 'tests-green',
          text: 'Tests green',
          required: true,
          evidence: { label: 'Link to CI run', kind: 'url', hint: '[URL]' },
          details: ['Unit', 'Integration'],
          level: 0,
        },
        { id: 'feature-flags-set', text: 'Feature flags set (if needed)', required: false, details: [], level: 0 },
        { id: 'checkout-v2-off', text: '`checkout_v2` off', required: true, details: [], level: 1 },
        { id: 'fast-refunds', text: '`fast_refunds` on', required: true, details: [], level: 1 },
      ]);
      const ship = t.phases[1];
      expect(ship?.steps.map((s) => [s.text, s.level])).toEqual([
        ['Deploy: Sync the release.', 0],
        ['Verify', 0],
        ['Check `/healthz`', 1],
        ['Check the logs', 1],
      ]);
      expect(ship?.steps[0]).toMatchObject({
        evidence: { label: 'Link to deployment job', kind: 'url' },
        details: ['*Method:* Argo CD sync'],
      });
      expect(t.phases[0]?.steps[1]?.details).toEqual(['wait until the lag is under 100']);
    });

    it('phase headings give windows or durations; paragraphs in a phase are its notes', () => {
      expect(t.phases.map((p) => [p.id, p.title])).toEqual([
        ['warm-up', 'Warm-up'],
        ['ship', 'Ship'],
      ]);
      expect(t.phases[0]?.window).toEqual({ start: '09:00', end: '09:15' });
      expect(t.phases[1]?.durationMinutes).toBe(30);
      expect(t.phases[1]?.notes).toEqual(['Talk on #deploys while shipping.']);
    });

    it('verification, rollback, communication and approvals', () => {
      expect(t.verification.groups).toMatchObject([{ id: 'smoke-tests', items: [{ text: 'Place an order' }] }]);
      expect(t.verification.healthChecks).toEqual([
        { endpoint: 'https://checkout.example.com/healthz', expected: '200' },
      ]);
      expect(t.rollback.triggers).toEqual(['Error rate above 2% for 5 minutes']);
      expect(t.rollback.steps[1]).toMatchObject({ text: 'Verify the rollback (if time allows)', required: false });
      expect(t.communication.notices).toEqual([
        {
          kind: 'announcement',
          text: 'Pre-Deployment: Notify product, support via #releases 24 hours before.',
          hoursBefore: 24,
          audience: ['product', 'support'],
          channel: '#releases',
        },
        { kind: 'progress', text: 'Progress updates every 15 minutes', everyMinutes: 15, audience: [], channel: null },
        {
          kind: 'completion',
          text: 'Deployment Completion: Notify everyone via #general.',
          audience: ['everyone'],
          channel: '#general',
        },
      ]);
      expect(t.approvals).toEqual([
        { role: 'dev_lead', label: 'Dev Lead', required: true },
        { role: 'security_reviewer', label: 'Security Reviewer', required: true },
        { role: 'product_owner', label: 'Product Owner', required: false },
      ]);
    });

    it('keeps what it does not recognise as notes, with their section', () => {
      expect(parseRunbook(fixture('checkout-release.md'), { id: 'checkout-release' }).notes).toEqual(t.notes);
      expect(t.notes).toEqual([
        { section: 'Introduction', text: 'Owned by the payments team.' },
        { section: 'Pre-Deployment Checklist › Code', text: 'Remember to check the on-call rota.' },
        { section: 'Pre-Deployment Checklist › Code', text: 'Check | Owner\nFlags | Dev' },
        { section: 'Known Issues', text: 'Refunds lag by a minute after deploys.' },
      ]);
    });
  });

  it('mistakes: refused with every problem, each with its line', () => {
    const { template, problems, notes } = parseRunbook(fixture('mistakes.md'), { id: 'broken' });
    expect(template).toBeUndefined();
    expect(problems).toEqual([
      { line: 7, message: expect.stringMatching(/^no pre-deployment checklist/) },
      { line: 15, message: 'phase "Deploy" ends (09:00) before it starts (10:00)' },
      { line: 18, message: 'phases.0.steps.1.text: must not be empty' },
      { line: 20, message: expect.stringMatching(/^no rollback steps/) },
    ]);
    // The paragraphs that stood in for a checklist and for rollback steps are kept, not dropped.
    expect(notes).toEqual([
      { section: 'Pre-Deployment Checklist', text: 'Make sure everything is ready.' },
      { section: 'Rollback Plan', text: 'Just redeploy.' },
    ]);
  });

  it('refuses a runbook without deployment steps', () => {
    const { problems } = parseRunbook('# X\n\n## Checklist\n\n- [ ] a\n\n## Rollback\n\n1. b\n', { id: 'x' });
    expect(problems).toEqual([{ line: 1, message: expect.stringMatching(/^no deployment steps/) }]);
  });

  it.each([
    ['unknown keys', '---\nowner: me\n---\n# X\n', 2, /front matter: unknown key "owner"/],
    ['a placeholder value outside values:', '---\nname: x\nX: 24\n---\n# X\n', 3, /unknown key "X".*under values:/],
    ['a value that is not text or a number', '---\nvalues:\n  X: [1, 2]\n---\n# X\n', 2, /front matter values\.X/],
    ['YAML syntax', '---\nname: x\nvalues: {X: 1\n---\n# X\n', 3, /front matter is not valid YAML/],
  ])('refuses invalid front matter: %s', (_, markdown, line, message) => {
    const { template, problems } = parseRunbook(markdown, { id: 'x' });
    expect(template).toBeUndefined();
    expect(problems[0]).toEqual({ line, message: expect.stringMatching(message) });
  });
});

describe('loadTemplates reads Markdown runbooks too', () => {
  let dir = '';
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  const folder = (files: Record<string, string>) => {
    dir = mkdtempSync(join(tmpdir(), 'liftoff-runbooks-'));
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    return dir;
  };

  it('loads .md files with the file name as id, next to YAML, and skips a README', () => {
    const loaded = loadTemplates(folder({ 'hotfix.md': fixture('minimal.md'), 'README.md': '# Our templates\n' }));
    expect([...loaded.keys()]).toEqual(['hotfix']);
    expect(loaded.get('hotfix')).toMatchObject({ format: 'markdown', template: { name: 'Hotfix' } });
  });

  it('the fixtures folder loads as a whole except the broken runbook', () => {
    const d = folder({
      'deployment-task.md': fixture('deployment-task.md'),
      'checkout-release.md': fixture('checkout-release.md'),
    });
    expect([...loadTemplates(d).keys()]).toEqual(['checkout-release', 'deployment-task']);
  });

  it('refuses a broken runbook with a ConfigError naming the file and the lines', () => {
    const d = folder({ 'broken.md': fixture('mistakes.md') });
    expect(() => loadTemplates(d)).toThrow(ConfigError);
    expect(() => loadTemplates(d)).toThrow(
      `${join(d, 'broken.md')} is not a usable runbook:\n  - line 7: no pre-deployment checklist`,
    );
  });

  it('refuses a runbook whose id clashes with a YAML template, naming both files', () => {
    const d = folder({
      'hotfix.md': fixture('minimal.md'),
      'hotfix.yml': readFileSync(join(BUILT_IN_TEMPLATES_DIR, 'deployment-task.yml'), 'utf8').replace(
        'id: deployment-task',
        'id: hotfix',
      ),
    });
    expect(() => loadTemplates(d)).toThrow(/"hotfix" is used by two files: .*hotfix\.md and .*hotfix\.yml/);
  });
});
