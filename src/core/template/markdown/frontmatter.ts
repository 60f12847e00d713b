import type { Yaml } from 'mdast';
import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import type { Fill } from './inline.js';
import { lineOf } from './sections.js';

/**
 * Optional YAML front matter:
 *   name: Checkout release          # instead of the "# Title"
 *   description: What this runbook is for
 *   values: { X: 24, URL: https://ci.example.com }
 * Every "[KEY]" in the runbook whose KEY is exactly a key of `values` is replaced by
 * its value (case-sensitive, whole placeholder only); other placeholders stay visible.
 */
const FrontMatterSchema = z.strictObject({
  name: z.string().trim().min(1).max(75).optional(),
  description: z.string().max(500).optional(),
  values: z
    .record(
      z
        .string()
        .min(1)
        .refine((k) => !k.includes('[') && !k.includes(']'), 'a key cannot contain "[" or "]"'),
      z.union([z.string(), z.number(), z.boolean()]),
    )
    .optional(),
});

export type FrontMatter = z.infer<typeof FrontMatterSchema>;

export type FrontMatterResult =
  | { ok: true; value: FrontMatter }
  | { ok: false; problems: Array<{ line: number; message: string }> };

export function readFrontMatter(node: Yaml | undefined): FrontMatterResult {
  if (!node) return { ok: true, value: {} };
  // The YAML starts on the line after the opening "---".
  const first = lineOf(node) + 1;
  const lineCounter = new LineCounter();
  const doc = parseDocument(node.value, { prettyErrors: false, lineCounter });
  if (doc.errors.length) {
    return {
      ok: false,
      problems: doc.errors.map((e) => ({
        line: first + lineCounter.linePos(e.pos[0]).line - 1,
        message: `front matter is not valid YAML: ${e.message.split('\n')[0]}`,
      })),
    };
  }
  const parsed = FrontMatterSchema.safeParse(doc.toJS() ?? {});
  if (parsed.success) return { ok: true, value: parsed.data };
  return {
    ok: false,
    problems: parsed.error.issues.flatMap((issue) => {
      const path = issue.path.map(String);
      // A top-level "X: 24" is the likeliest unknown key: say where placeholder values go.
      if (issue.code === 'unrecognized_keys' && !path.length) {
        return issue.keys.map((key) => ({
          line: keyLine(node.value, key, first),
          message: `front matter: unknown key "${key}" (allowed: name, description, values); to fill "[${key}]" write it under values:`,
        }));
      }
      return [
        {
          line: keyLine(node.value, path[0], first),
          message: `front matter ${path.join('.') || '(top level)'}: ${issue.message}`,
        },
      ];
    }),
  };
}

function keyLine(text: string, key: string | undefined, first: number): number {
  if (!key) return first;
  const index = text.split('\n').findIndex((l) => l.startsWith(`${key}:`));
  return index < 0 ? first : first + index;
}

/** Replaces "[KEY]" placeholders named in `values`. */
export function placeholderFill(values: FrontMatter['values']): Fill {
  if (!values || !Object.keys(values).length) return (text) => text;
  return (text) => {
    let out = '';
    let i = 0;
    while (i < text.length) {
      const close = text.indexOf(']', i);
      const open = close < 0 ? -1 : text.lastIndexOf('[', close);
      if (close < 0) break;
      if (open < i) {
        out += text.slice(i, close + 1);
      } else {
        const key = text.slice(open + 1, close);
        out += text.slice(i, open) + (Object.hasOwn(values, key) ? String(values[key]) : `[${key}]`);
      }
      i = close + 1;
    }
    return out + text.slice(i);
  };
}
