/**
 * Units' worst costs are shared between plans (`sharedCost` in layout.ts):
 * every deployment's frozen plan is its own, but most of its items are its
 * template's. A plan laid out after others must be cut exactly as it is when
 * laid out first, whatever else those plans had (other approvals, phases,
 * items, the same items' ids with other text, a longer branch filled in).
 */
import { describe, expect, it, vi } from 'vitest';
import type { Deployment } from '../../src/core/deployment/types.js';
import type { Template } from '../../src/core/template/schema.js';
import { created, hugeTemplate, realisticTemplate, T0 } from './fixtures.js';

/** A fresh copy of the views (empty caches): the messages' keys and, per message, the items it shows. */
async function cut(ds: Deployment[]): Promise<string[][][]> {
  vi.resetModules();
  const { renderDeployment } = await import('../../src/slack/views/deployment/index.js');
  return ds.map((d) =>
    renderDeployment(d, T0).map((m) => [m.key, ...(JSON.stringify(m.blocks).match(/"value":"[^"]*"/g) ?? [])]),
  );
}

/** `plan` changed everywhere but in most of its items. */
function neighbour(plan: Template): Template {
  const p = structuredClone(plan);
  p.approvals = p.approvals.slice(1).map((a) => ({ ...a, label: `${a.label} (acting)`, required: !a.required }));
  p.phases = p.phases.map((ph, i) => ({ ...ph, title: `${ph.title} ${'x'.repeat(100)}`, durationMinutes: 5 + i }));
  p.preDeployment = p.preDeployment.map((g) => ({ ...g, title: `${g.title} ${'y'.repeat(80)}` }));
  return p;
}

/** `plan` with the same groups, phases and ids, every item's text longer. */
function grown(plan: Template): Template {
  const p = structuredClone(plan);
  const longer = <T extends { text: string }>(i: T): T => ({ ...i, text: `${i.text} ${'z'.repeat(400)}` });
  p.preDeployment = p.preDeployment.map((g) => ({ ...g, items: g.items.map(longer) }));
  p.phases = p.phases.map((ph) => ({ ...ph, steps: ph.steps.map(longer) }));
  p.postDeployment.groups = p.postDeployment.groups.map((g) => ({ ...g, items: g.items.map(longer) }));
  return p;
}

describe('units measured once for every plan that shares them', () => {
  for (const [name, plan] of [
    ['huge', hugeTemplate],
    ['realistic', realisticTemplate],
  ] as const) {
    it(`cuts a ${name} plan the same, laid out first or after its neighbours`, async () => {
      const target = created(plan, { branch: 'release/2.4' });
      const others = [
        created(plan, { branch: `release/${'9'.repeat(150)}` }),
        created(neighbour(plan), { branch: 'release/2.4' }),
        created(neighbour(plan), { branch: 'hotfix' }),
        created(grown(plan), { branch: 'release/2.4' }),
      ];
      const [alone] = await cut([target]);
      const after = await cut([...others, target]);
      expect(after.at(-1)).toEqual(alone);
      // The neighbours, too, are cut as they are alone.
      for (const [i, d] of others.entries()) expect(after[i]).toEqual((await cut([d]))[0]);
    });
  }
});
