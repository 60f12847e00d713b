import { describe, expect, it } from 'vitest';
import { createdEvent, frozenPlan } from '../../src/core/deployment/create.js';
import { planItems } from '../../src/core/template/items.js';
import { fillPlaceholders, isOnlyPlaceholder, placeholderWarnings } from '../../src/core/template/placeholders.js';
import { hinted } from '../../src/slack/views/format.js';
import { realisticTemplate as plan, inputFor } from '../views/fixtures.js';

describe('template placeholders', () => {
  it('tell a blank from text that merely holds one', () => {
    expect(isOnlyPlaceholder('[Step 1]')).toBe(true);
    expect(isOnlyPlaceholder('*Method:* [e.g., CI/CD pipeline, manual script]')).toBe(true);
    expect(isOnlyPlaceholder('[Condition that requires rollback]')).toBe(true);
    expect(isOnlyPlaceholder('Merged to the deployment branch (`[branch_name]`)')).toBe(false);
    expect(isOnlyPlaceholder('Error rate above 5%')).toBe(false);
    expect(isOnlyPlaceholder('See [the runbook](https://example.com)')).toBe(false);
    // "[X]" in a sentence is a blank ("Monitor for [X] hours"); a task box opening a line is not.
    expect(hinted('Monitor for [X] hours')).toBe('Monitor for _✎ X_ hours');
    expect(hinted('- [x] done\n[ ] open')).toBe('- [x] done\n[ ] open');
  });

  it('fill [branch_name] from the Branch field in the frozen plan, and leave the others', () => {
    const filled = fillPlaceholders(plan, { branch: 'release/2.14' });
    const details = planItems(filled)
      .flatMap((p) => p.item.details)
      .join('\n');
    expect(details).toContain('*Branch:* `release/2.14`');
    expect(details).toContain('[List scripts or link to migration plan]');
    // Without a branch, the plan as it was, in a copy of its own: a deployment's plan shares nothing with the template.
    const copy = fillPlaceholders(plan, { branch: null });
    expect(copy).toEqual(plan);
    expect(copy.phases[0]!.steps).not.toBe(plan.phases[0]!.steps);
    const e = createdEvent(inputFor(plan, { branch: 'hotfix/"x"' }), plan);
    expect(JSON.stringify(e.plan)).toContain('hotfix/\\"x\\"');
    // The copy is what a read of the created event gives back: its JSON, a key left undefined absent.
    const sparse = { ...plan, phases: [{ ...plan.phases[0]!, window: undefined }, ...plan.phases.slice(1)] };
    const read = fillPlaceholders(sparse, { branch: 'release/2.14' });
    expect(read).toStrictEqual(JSON.parse(JSON.stringify(read)));
    expect('window' in read.phases[0]!).toBe(false);
  });

  it('a plan frozen for one branch is one object for every deployment of it, deeply frozen; another branch gets its own', () => {
    const a = createdEvent(inputFor(plan, { branch: 'release/3.1' }), plan).plan;
    const again = createdEvent(inputFor(plan, { service: 'other', branch: ' release/3.1 ' }), plan).plan;
    const other = createdEvent(inputFor(plan, { branch: 'release/3.2' }), plan).plan;
    expect(again).toBe(a);
    expect(other).not.toBe(a);
    expect(JSON.stringify(a)).toContain('release/3.1');
    expect(JSON.stringify(other)).toContain('release/3.2');
    expect(frozenPlan(plan, 'release/3.1')).toBe(a);
    expect(frozenPlan(plan, null)).toBe(frozenPlan(plan, '  '));
    // Nothing changes a plan once made: a write into any part of it throws (ES modules run in strict mode).
    expect(Object.isFrozen(a) && Object.isFrozen(a.phases[0]!.steps[0])).toBe(true);
    expect(() => {
      (a.phases[0] as { title: string }).title = 'changed';
    }).toThrow(TypeError);
    // The template it was made from is left as it was: not frozen, still changeable by whoever owns it.
    expect(Object.isFrozen(plan) || Object.isFrozen(plan.phases[0])).toBe(false);
  });

  it('show an unfilled one as a muted hint, never as raw brackets', () => {
    expect(hinted('*Method:* [e.g., CI/CD pipeline, manual script]')).toBe(
      '*Method:* _✎ e.g., CI/CD pipeline, manual script_',
    );
    expect(hinted('branch (`[branch_name]`)')).toBe('branch (_✎ branch name_)');
    expect(hinted('no blanks here')).toBe('no blanks here');
  });

  it('are warned about by template check when a required item or a trigger is only a placeholder', () => {
    const withBlanks = structuredClone(plan);
    withBlanks.phases[0]!.steps.push({
      ...withBlanks.phases[0]!.steps[0]!,
      id: 'blank',
      text: '[Step 3]',
      required: true,
    });
    withBlanks.rollback.triggers = ['[Condition that requires rollback]', 'Error rate above 5%'];
    expect(placeholderWarnings(withBlanks)).toEqual([
      'Preparation: “[Step 3]” is required but only a placeholder; write what is to be done, or mark it optional',
      'rollback trigger “[Condition that requires rollback]” is only a placeholder; it is not offered in the rollback form (write the condition)',
    ]);
  });
});
