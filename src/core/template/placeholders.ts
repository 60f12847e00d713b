import { planItems } from './items.js';
import type { Template } from './schema.js';

/**
 * Template placeholders: the `[…]` blanks a process document leaves for whoever
 * runs it (`[branch_name]`, `[e.g., CI/CD pipeline, manual script]`, `[Step 1]`).
 * Liftoff fills the ones it knows from the deployment (the branch), shows the
 * others as hints, and never treats one as something a person said.
 */

/** `[…]` on one line (in backticks or not), not a Markdown link's text (`[text](url)`). */
const BRACKETS = /`?\[([^[\]\n]{1,300})\](?!\()`?/g;

/**
 * Whether a bracketed `inner` at `at` (the `[`) in `text` is a blank, not a task box: `[ ]`, or an
 * `[x]` opening its line (`- [x] done`). An `[X]` inside a sentence ("Monitor for [X] hours") is one.
 */
function isBlank(text: string, at: number, inner: string): boolean {
  if (!inner.trim()) return false;
  if (!/^[xX]$/.test(inner)) return true;
  const before = text.slice(text.lastIndexOf('\n', at - 1) + 1, at);
  return !/^\s*(?:[-*+]\s+)?$/.test(before);
}

/** Each blank of `text` replaced by `by(inner)`; the rest as it was. */
function eachBlank(text: string, by: (inner: string) => string): string {
  return text.replace(BRACKETS, (all: string, inner: string, offset: number) =>
    isBlank(text, offset + (all.startsWith('`') ? 1 : 0), inner) ? by(inner) : all,
  );
}

/** `[branch_name]`, `[branch]`, `[Branch name]`, `[branch-name]`. */
const BRANCH = /\[\s*branch(?:[ _-]?name)?\s*\]/gi;

/** Whether `text` holds a placeholder. */
export const hasPlaceholder = (text: string): boolean => eachBlank(text, () => '\u0000') !== text;

/**
 * Whether `text` says nothing but placeholders: what is left without them, markup
 * (`*`, `_`, backticks), punctuation and a leading label (`*Method:*`) is empty.
 */
export function isOnlyPlaceholder(text: string): boolean {
  if (!hasPlaceholder(text)) return false;
  const rest = eachBlank(text, () => '')
    .replace(/^\s*\*[^*\n]{1,60}:\*/, '')
    .replace(/[\s*_`~.,:;()\-–—]/g, '');
  return rest.length === 0;
}

/**
 * A copy of the plan (shared with nothing: `frozenPlan` freezes it and gives it to every deployment
 * of that plan and branch), with the placeholders the deployment answers filled in: `[branch_name]`
 * from its Branch field. The copy is what the plan's JSON would give back (a key whose value is
 * undefined is left out), made by walking the plan once: a start's round trip through
 * `JSON.stringify` and `JSON.parse` took about a seventh of its CPU.
 */
export function fillPlaceholders(plan: Template, values: { branch: string | null }): Template {
  const branch = values.branch?.trim();
  const fill = branch
    ? (text: string) => (text.includes('[') ? text.replace(BRANCH, () => branch) : text)
    : (text: string) => text;
  return copyFilling(plan, fill) as Template;
}

/** A deep copy of plain data (what a template is: parsed from YAML or Markdown), each string through `fill`. */
function copyFilling(value: unknown, fill: (text: string) => string): unknown {
  if (typeof value === 'string') return fill(value);
  if (Array.isArray(value)) return value.map((v) => (v === undefined ? null : copyFilling(v, fill)));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) if (v !== undefined) out[key] = copyFilling(v, fill);
  return out;
}

/** Replaces each placeholder left in `text` (escaped mrkdwn) by `hint(inner)`, a backticked one with its backticks. */
export function replacePlaceholders(text: string, hint: (inner: string) => string): string {
  return eachBlank(text, hint);
}

/**
 * What `liftoff template check` warns about: required items that are only a placeholder (nobody can
 * tell what confirming them means), and rollback triggers that are (they are not offered in the
 * rollback form). The template still runs.
 */
export function placeholderWarnings(plan: Template): string[] {
  const items = planItems(plan)
    .filter((p) => p.item.required && isOnlyPlaceholder(p.item.text))
    .map(
      (p) =>
        `${p.sectionTitle}: “${p.item.text}” is required but only a placeholder; write what is to be done, or mark it optional`,
    );
  const triggers = plan.rollback.triggers
    .filter(isOnlyPlaceholder)
    .map(
      (t) =>
        `rollback trigger “${t}” is only a placeholder; it is not offered in the rollback form (write the condition)`,
    );
  return [...items, ...triggers];
}
