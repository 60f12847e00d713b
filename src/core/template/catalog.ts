import type { Template } from './schema.js';

/** The templates a team can start deployments from. */
export interface TemplateCatalog {
  all(): Template[];
  get(id: string): Template | undefined;
  /** The template preselected in the start form. */
  defaultId: string;
  /** Where a template comes from, for people: "built-in" or the team's file name. */
  sourceOf?(id: string): string | undefined;
}

/** `sources`: template id → where it comes from ("built-in", "checkout-release.md"). */
export function createCatalog(
  templates: Template[],
  defaultId?: string,
  sources: Readonly<Record<string, string>> = {},
): TemplateCatalog {
  const byId = new Map(templates.map((t) => [t.id, t]));
  const first = templates[0];
  if (!first) throw new Error('at least one template is needed');
  return {
    all: () => [...byId.values()],
    get: (id) => byId.get(id),
    defaultId: defaultId && byId.has(defaultId) ? defaultId : first.id,
    sourceOf: (id) => (Object.hasOwn(sources, id) ? sources[id] : undefined),
  };
}
