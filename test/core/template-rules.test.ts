import { describe, expect, it } from 'vitest';
import { findItem } from '../../src/core/template/items.js';
import type { TemplateInput } from '../../src/core/template/schema.js';
import { formatProblems, validateTemplate, type Problem } from '../../src/core/template/validate.js';
import { rawTemplate, template } from './fixtures.js';

// Complements template.test.ts: where a problem points in the file, defaults, and plan isolation.

function problemsOf(raw: unknown): Problem[] {
  const v = validateTemplate(raw);
  if (v.ok) throw new Error('expected the template to be refused');
  return v.problems;
}

const withChanges = (over: Partial<TemplateInput>): TemplateInput => ({ ...rawTemplate, ...over });

describe('validateTemplate points at the place in the file', () => {
  it('a repeated item id is reported at the second id, as a path the author can find', () => {
    const phases = [
      {
        id: 'a',
        title: 'A',
        steps: [
          { id: 's', text: 'one' },
          { id: 's', text: 'two' },
        ],
      },
    ];
    expect(problemsOf(withChanges({ phases }))).toEqual([
      { path: 'phases.0.steps.1.id', message: 'item "phase.a.s" appears twice in its section' },
    ]);
    const group = {
      id: 'g',
      title: 'G',
      items: [
        { id: 'i', text: 'one' },
        { id: 'j', text: 'two' },
        { id: 'i', text: 'three' },
      ],
    };
    expect(problemsOf(withChanges({ postDeployment: { groups: [group] } }))).toEqual([
      { path: 'postDeployment.groups.0.items.2.id', message: 'item "post.g.i" appears twice in its section' },
    ]);
  });

  it('the same holds in the second group of a section and in the rollback plan', () => {
    const preDeployment = [
      rawTemplate.preDeployment[0]!,
      {
        id: 'env',
        title: 'Env',
        items: [
          { id: 'x', text: 'x' },
          { id: 'x', text: 'y' },
        ],
      },
    ];
    expect(problemsOf(withChanges({ preDeployment }))).toEqual([
      { path: 'preDeployment.1.items.1.id', message: 'item "pre.env.x" appears twice in its section' },
    ]);
    const rollback = {
      steps: [{ id: 'r', text: 'one' }],
      validation: [
        { id: 'v', text: 'a' },
        { id: 'v', text: 'b' },
      ],
    };
    expect(problemsOf(withChanges({ rollback }))).toEqual([
      {
        path: 'rollback.validation.1.id',
        message: 'item "rollback_validation.validation.v" appears twice in its section',
      },
    ]);
  });

  it('so the formatted report names a field that exists in the file', () => {
    const phases = [
      {
        id: 'a',
        title: 'A',
        steps: [
          { id: 's', text: 'one' },
          { id: 's', text: 'two' },
        ],
      },
    ];
    expect(formatProblems('data/templates/web.yml', problemsOf(withChanges({ phases })))).toBe(
      'data/templates/web.yml is not a valid template:\n  - phases.0.steps.1.id: item "phase.a.s" appears twice in its section',
    );
  });

  it('names every shape problem at once, each at its own path', () => {
    const problems = problemsOf(
      withChanges({
        id: 'Web Release',
        preDeployment: [
          { id: 'g', title: '   ', items: [{ id: 'i', text: 'x', evidence: { label: 'L', kind: 'pdf' as 'url' } }] },
        ],
      }),
    );
    expect(problems.map((p) => p.path)).toEqual([
      'id',
      'preDeployment.0.title',
      'preDeployment.0.items.0.evidence.kind',
    ]);
    expect(problems[1]!.message).toBe('must not be empty');
  });

  it('refuses something that is not a template at all, at the top level', () => {
    expect(problemsOf(null)).toEqual([{ path: '(top level)', message: expect.any(String) }]);
    expect(problemsOf('web-release')[0]!.path).toBe('(top level)');
  });

  it('refuses a repeated approval role, pointing at both places', () => {
    expect(
      problemsOf(withChanges({ approvals: [...rawTemplate.approvals, { role: 'qa_lead', label: 'Again' }] })),
    ).toEqual([
      { path: 'approvals.4.role', message: 'approval role id "qa_lead" is used twice (first at approvals.1.role)' },
    ]);
  });

  it('lets different sections reuse a group id: their item keys never collide', () => {
    const v = validateTemplate(
      withChanges({
        verification: { groups: [{ id: 'code', title: 'Code checks', items: [{ id: 'tests', text: 'Tests again' }] }] },
      }),
    );
    expect(v.ok).toBe(true);
  });
});

describe('a validated template', () => {
  it('has every default filled in, so the rest of the program never meets undefined', () => {
    expect(template.preDeployment[0]!.items[0]).toEqual({
      id: 'tests',
      text: 'All tests passing',
      required: true,
      evidence: { label: 'Link to test results', kind: 'url', hint: '[URL]' },
      details: [],
      level: 0,
    });
    expect(template.phases[1]!.steps[2]).toMatchObject({ id: 'flags', required: false });
    expect(template.rollback).toMatchObject({ estimatedTime: null, estimatedMinutes: null });
    expect(template.summary).toEqual({ changes: [], tickets: [] });
    expect(template.communication).toEqual({ notices: [] });
    expect(template.notes).toEqual([]);
  });

  it('answers item look-ups for itself: a copy with other items does not share answers with the original', () => {
    expect(findItem(template, 'pre.code.extra')).toBeUndefined();
    const copy = structuredClone(template);
    copy.preDeployment[0]!.items.push({ id: 'extra', text: 'Extra', required: true, details: [], level: 0 });
    expect(findItem(copy, 'pre.code.extra')?.item.text).toBe('Extra');
    expect(findItem(template, 'pre.code.extra')).toBeUndefined();
  });
});
