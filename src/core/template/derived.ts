import type { Template } from './schema.js';

/**
 * Plans made from a plan object, kept by a key that names everything else they are made of (the
 * settings a service's plan takes, the branch a deployment answers): the same plan and key give the
 * same object, so a start copies, serialises and hashes a plan only when it is new. A plan's keys
 * start afresh past `keptPerPlan` (each new release branch is a key); a plan no longer used takes
 * its keys with it (a weak map).
 */
export function derivedPlans(keptPerPlan: number) {
  const byPlan = new WeakMap<Template, Map<string, Template>>();
  return (plan: Template, key: string, make: () => Template): Template => {
    let made = byPlan.get(plan);
    if (!made) byPlan.set(plan, (made = new Map()));
    let derived = made.get(key);
    if (!derived) {
      if (made.size >= keptPerPlan) made.clear();
      derived = make();
      made.set(key, derived);
    }
    return derived;
  };
}
