import { describe, expect, it } from 'vitest';
import { createCatalog } from '../../src/core/template/catalog.js';
import { findItem, itemsOfStage, planItems } from '../../src/core/template/items.js';
import { formatProblems, validateTemplate } from '../../src/core/template/validate.js';
import { rawTemplate, template } from './fixtures.js';

const problemsOf = (raw: unknown) => {
  const v = validateTemplate(raw);
  if (v.ok) throw new Error('expected the template to be refused');
  return v.problems;
};

describe('validateTemplate', () => {
  it('refuses a template without pre-deployment checklist, phases, rollback steps or approval roles', () => {
    const problems = problemsOf({
      ...rawTemplate,
      preDeployment: [],
      phases: [],
      approvals: [],
      rollback: { steps: [] },
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        { path: 'preDeployment', message: 'a template needs a pre-deployment checklist' },
        { path: 'phases', message: 'a template needs at least one deployment phase' },
        { path: 'rollback.steps', message: 'a rollback plan needs at least one step' },
        { path: 'approvals', message: 'a template needs at least one approval role' },
      ]),
    );
  });

  it('refuses ids that are not slugs and unknown fields, naming the path', () => {
    expect(problemsOf({ ...rawTemplate, id: 'Web Release' })).toEqual([
      { path: 'id', message: 'use 1–48 lowercase letters, digits, "-" or "_"' },
    ]);
    expect(problemsOf({ ...rawTemplate, colour: 'red' })[0]?.path).toBe('(top level)');
  });

  it('refuses an id used twice in the same kind of section', () => {
    const twice = { ...rawTemplate, phases: [rawTemplate.phases[0]!, { ...rawTemplate.phases[1]!, id: 'prepare' }] };
    expect(problemsOf(twice)).toEqual([
      { path: 'phases.1.id', message: 'phase id "prepare" is used twice (first at phases.0.id)' },
    ]);
  });

  it('refuses an item id used twice within a group', () => {
    const group = {
      id: 'g',
      title: 'G',
      items: [
        { id: 'a', text: 'A' },
        { id: 'a', text: 'A again' },
      ],
    };
    expect(problemsOf({ ...rawTemplate, preDeployment: [group] })).toEqual([
      { path: 'preDeployment.0.items.1.id', message: 'item "pre.g.a" appears twice in its section' },
    ]);
  });

  it('allows the same id in different stages', () => {
    expect(findItem(template, 'verify.checks.health')?.stage).toBe('verify');
    expect(findItem(template, 'rollback_validation.validation.health')?.stage).toBe('rollback_validation');
  });

  it('refuses a phase clock window whose end is not after its start', () => {
    const phases = [{ id: 'a', title: 'A', window: { start: '10:00', end: '10:00' } }];
    expect(problemsOf({ ...rawTemplate, phases })).toEqual([
      { path: 'phases.0.window', message: 'ends (10:00) before it starts (10:00)' },
    ]);
    expect(
      problemsOf({ ...rawTemplate, phases: [{ id: 'a', title: 'A', window: { start: '24:00', end: null } }] }),
    ).toEqual([{ path: 'phases.0.window.start', message: 'use HH:MM on the 24-hour clock' }]);
  });

  it('formats problems one per line under the source', () => {
    expect(
      formatProblems('data/templates/x.yml', [
        { path: 'id', message: 'bad' },
        { path: 'phases', message: 'empty' },
      ]),
    ).toBe('data/templates/x.yml is not a valid template:\n  - id: bad\n  - phases: empty');
  });
});

describe('plan items', () => {
  it('lists every item in the order the process runs them, with stable keys', () => {
    expect(planItems(template).map((p) => p.key)).toEqual([
      'pre.code.tests',
      'pre.code.reviewed',
      'pre.environment.backup',
      'pre.environment.maintenance-page',
      'phase.prepare.drain',
      'phase.prepare.snapshot',
      'phase.deploy.migrate',
      'phase.deploy.rollout',
      'phase.deploy.flags',
      'phase.smoke.login',
      'verify.checks.health',
      'verify.checks.errors',
      'post.wrap-up.announce',
      'post.wrap-up.docs',
      'rollback.steps.revert',
      'rollback.steps.restore',
      'rollback_validation.validation.health',
    ]);
  });

  it('knows each item’s section', () => {
    expect(findItem(template, 'phase.deploy.flags')).toMatchObject({
      stage: 'phase',
      sectionId: 'deploy',
      sectionTitle: 'Deployment',
    });
    expect(findItem(template, 'rollback.steps.revert')).toMatchObject({ sectionTitle: 'Rollback steps' });
    expect(findItem(template, 'nope')).toBeUndefined();
    expect(itemsOfStage(template, 'post').map((p) => p.item.id)).toEqual(['announce', 'docs']);
  });
});

describe('createCatalog', () => {
  const other = { ...template, id: 'hotfix', name: 'Hotfix' };

  it('finds templates by id and preselects the configured default when it exists', () => {
    const catalog = createCatalog([template, other], 'hotfix');
    expect(catalog.get('hotfix')?.name).toBe('Hotfix');
    expect(catalog.get('nope')).toBeUndefined();
    expect(catalog.all().map((t) => t.id)).toEqual(['web-release', 'hotfix']);
    expect(catalog.defaultId).toBe('hotfix');
  });

  it('falls back to the first template for an unknown or missing default', () => {
    expect(createCatalog([template, other], 'nope').defaultId).toBe('web-release');
    expect(createCatalog([template, other]).defaultId).toBe('web-release');
  });

  it('refuses an empty list', () => {
    expect(() => createCatalog([])).toThrow('at least one template is needed');
  });
});
