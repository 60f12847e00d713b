import { describe, expect, it } from 'vitest';
import { derivedPlans } from '../../src/core/template/derived.js';
import type { Template } from '../../src/core/template/schema.js';

const planNamed = (name: string) => ({ id: name, name }) as unknown as Template;

describe('plans derived from a plan, kept by key (core/template/derived.ts)', () => {
  it('gives the same object for the same plan and key, makes a new one otherwise, and starts a plan afresh past its bound', () => {
    const derived = derivedPlans(2);
    const made: string[] = [];
    const make = (plan: Template, key: string) => () => {
      made.push(`${plan.id}:${key}`);
      return { ...plan, name: key } as Template;
    };
    const a = planNamed('a');
    const b = planNamed('b');
    const first = derived(a, 'x', make(a, 'x'));
    expect(derived(a, 'x', make(a, 'x'))).toBe(first);
    expect(derived(b, 'x', make(b, 'x'))).not.toBe(first);
    derived(a, 'y', make(a, 'y'));
    // A third key of `a` clears its two: `x` is made again; `b`'s are its own.
    derived(a, 'z', make(a, 'z'));
    expect(derived(a, 'x', make(a, 'x'))).not.toBe(first);
    expect(derived(b, 'x', make(b, 'x')).name).toBe('x');
    expect(made).toEqual(['a:x', 'b:x', 'a:y', 'a:z', 'a:x']);
  });
});
