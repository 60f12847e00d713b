import type { Group, Item, Template } from './schema.js';

/** Where an item belongs in the process. */
export type Stage = 'pre' | 'phase' | 'verify' | 'post' | 'rollback' | 'rollback_validation';

export interface PlanItem {
  /** Unique within a plan, stable for its lifetime: "pre.code-preparation.all-tests-passing". */
  key: string;
  stage: Stage;
  sectionId: string;
  sectionTitle: string;
  item: Item;
}

const fromGroups = (stage: Stage, groups: Group[]): PlanItem[] =>
  groups.flatMap((g) =>
    g.items.map((item) => ({
      key: `${stage}.${g.id}.${item.id}`,
      stage,
      sectionId: g.id,
      sectionTitle: g.title,
      item,
    })),
  );

const listed = new WeakMap<Template, PlanItem[]>();

/**
 * Every confirmable item of a plan, in the order the process runs them. Computed once per plan
 * (a frozen plan never changes): the list is shared, callers must not change it.
 */
export function planItems(plan: Template): PlanItem[] {
  let items = listed.get(plan);
  if (!items) {
    items = listPlanItems(plan);
    listed.set(plan, items);
  }
  return items;
}

function listPlanItems(plan: Template): PlanItem[] {
  return [
    ...fromGroups('pre', plan.preDeployment),
    ...plan.phases.flatMap((p) =>
      p.steps.map((item) => ({
        key: `phase.${p.id}.${item.id}`,
        stage: 'phase' as const,
        sectionId: p.id,
        sectionTitle: p.title,
        item,
      })),
    ),
    ...fromGroups('verify', plan.verification.groups),
    ...fromGroups('post', plan.postDeployment.groups),
    ...plan.rollback.steps.map((item) => ({
      key: `rollback.steps.${item.id}`,
      stage: 'rollback' as const,
      sectionId: 'steps',
      sectionTitle: 'Rollback steps',
      item,
    })),
    // A deployment's frozen plan holds the standard checks when its template listed none (see rollback.ts).
    ...plan.rollback.validation.map((item) => ({
      key: `rollback_validation.validation.${item.id}`,
      stage: 'rollback_validation' as const,
      sectionId: 'validation',
      sectionTitle: 'Rollback validation',
      item,
    })),
  ];
}

const cache = new WeakMap<Template, Map<string, PlanItem>>();

export function findItem(plan: Template, key: string): PlanItem | undefined {
  let index = cache.get(plan);
  if (!index) {
    index = new Map(planItems(plan).map((p) => [p.key, p]));
    cache.set(plan, index);
  }
  return index.get(key);
}

export function itemsOfStage(plan: Template, stage: Stage): PlanItem[] {
  return planItems(plan).filter((p) => p.stage === stage);
}
