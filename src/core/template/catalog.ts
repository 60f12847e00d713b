import type { Template } from './schema.js';

/** The templates a team can start deployments from. */
export interface TemplateCatalog {
  all(): Template[];
  get(id: string): Template | undefined;
  /** The template preselected in the start form. */
  defaultId: string;
}

export function createCatalog(templates: Template[], defaultId?: string): TemplateCatalog {
  const byId = new Map(templates.map((t) => [t.id, t]));
  const first = templates[0];
  if (!first) throw new Error('at least one template is needed');
  return {
    all: () => [...byId.values()],
    get: (id) => byId.get(id),
    defaultId: defaultId && byId.has(defaultId) ? defaultId : first.id,
  };
}
