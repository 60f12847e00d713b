import type { z } from 'zod';
import { TemplateSchema, type Template } from './schema.js';
import { planItems } from './items.js';

export interface Problem {
  /** Dotted path in the file, e.g. "phases.2.steps.0.text". */
  path: string;
  message: string;
  /** The line in the file, when it is known (YAML templates). */
  line?: number;
}

export type Validated<T> = { ok: true; value: T } | { ok: false; problems: Problem[] };

export function zodProblems(error: z.ZodError): Problem[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join('.') || '(top level)',
    message: issue.message,
  }));
}

/** Validates raw data (from YAML or a parsed runbook) as a template, including id uniqueness. */
export function validateTemplate(raw: unknown): Validated<Template> {
  const parsed = TemplateSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, problems: zodProblems(parsed.error) };
  const template = parsed.data;
  const problems: Problem[] = [];
  const seen = new Map<string, string>();
  const unique = (value: string, path: string, what: string) => {
    const first = seen.get(`${what}:${value}`);
    if (first) problems.push({ path, message: `${what} id "${value}" is used twice (first at ${first})` });
    else seen.set(`${what}:${value}`, path);
  };
  template.preDeployment.forEach((g, i) => unique(g.id, `preDeployment.${i}.id`, 'pre-deployment group'));
  template.verification.groups.forEach((g, i) => unique(g.id, `verification.groups.${i}.id`, 'verification group'));
  template.postDeployment.groups.forEach((g, i) =>
    unique(g.id, `postDeployment.groups.${i}.id`, 'post-deployment group'),
  );
  template.phases.forEach((p, i) => unique(p.id, `phases.${i}.id`, 'phase'));
  template.approvals.forEach((a, i) => unique(a.role, `approvals.${i}.role`, 'approval role'));
  // planItems gives the keys in file order; itemPaths gives where each one is in the file.
  const paths = itemPaths(template);
  const keys = new Set<string>();
  planItems(template).forEach(({ key }, i) => {
    if (keys.has(key)) problems.push({ path: paths[i] ?? key, message: `item "${key}" appears twice in its section` });
    keys.add(key);
  });
  template.phases.forEach((p, i) => {
    const { start, end } = p.window ?? {};
    if (start && end && end <= start) {
      problems.push({ path: `phases.${i}.window`, message: `ends (${end}) before it starts (${start})` });
    }
  });
  return problems.length ? { ok: false, problems } : { ok: true, value: template };
}

/** The file path of each item's id, in the same order as `planItems`. */
function itemPaths(t: Template): string[] {
  const ids = (items: unknown[], at: string) => items.map((_, i) => `${at}.${i}.id`);
  const groups = (gs: Template['preDeployment'], at: string) => gs.flatMap((g, i) => ids(g.items, `${at}.${i}.items`));
  return [
    ...groups(t.preDeployment, 'preDeployment'),
    ...t.phases.flatMap((p, i) => ids(p.steps, `phases.${i}.steps`)),
    ...groups(t.verification.groups, 'verification.groups'),
    ...groups(t.postDeployment.groups, 'postDeployment.groups'),
    ...ids(t.rollback.steps, 'rollback.steps'),
    ...ids(t.rollback.validation, 'rollback.validation'),
  ];
}

export function formatProblems(source: string, problems: Problem[]): string {
  return [
    `${source} is not a valid template:`,
    ...problems.map((p) => `  - ${p.path}: ${p.message}${p.line ? ` (line ${p.line})` : ''}`),
  ].join('\n');
}
