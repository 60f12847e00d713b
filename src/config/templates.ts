import { readFileSync, readdirSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LineCounter, parseDocument } from 'yaml';
import { parseRunbook } from '../core/template/markdown.js';
import type { Template } from '../core/template/schema.js';
import { formatProblems, validateTemplate, type Problem } from '../core/template/validate.js';
import { ConfigError } from './errors.js';

export interface LoadedTemplate {
  template: Template;
  /** The file it came from. */
  source: string;
  format: 'yaml' | 'markdown';
}

/** data/templates at the repository root (this file is src/config/templates.ts). */
export const BUILT_IN_TEMPLATES_DIR = fileURLToPath(new URL('../../data/templates/', import.meta.url));

const FORMATS: Record<string, LoadedTemplate['format']> = { '.yml': 'yaml', '.yaml': 'yaml', '.md': 'markdown' };

/**
 * Loads every template in `dir`, sorted by name: YAML files, and Markdown runbooks
 * (whose id is the file name: "checkout-release.md" → "checkout-release").
 * A README.md is not a template. Any mistake is a ConfigError naming the file.
 */
export function loadTemplates(dir: string): Map<string, LoadedTemplate> {
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch (e) {
    throw new ConfigError(`Cannot read the templates folder ${dir}: ${(e as Error).message}`);
  }
  const loaded = new Map<string, LoadedTemplate>();
  for (const name of names) {
    const format = FORMATS[extname(name).toLowerCase()];
    if (!format || name.toLowerCase() === 'readme.md') continue;
    const source = join(dir, name);
    const text = readFileSync(source, 'utf8');
    const template = format === 'yaml' ? loadYamlTemplate(source, text) : loadRunbook(source, text);
    const earlier = loaded.get(template.id);
    if (earlier) {
      throw new ConfigError(
        `Template id "${template.id}" is used by two files: ${earlier.source} and ${source}. Give each template its own id.`,
      );
    }
    loaded.set(template.id, { template, source, format });
  }
  return loaded;
}

function loadYamlTemplate(source: string, text: string): Template {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: false, lineCounter });
  if (doc.errors.length) {
    const problems: Problem[] = doc.errors.map((e) => ({
      path: `line ${lineCounter.linePos(e.pos[0]).line}`,
      message: `YAML syntax: ${e.message.split('\n')[0]}`,
    }));
    throw new ConfigError(formatProblems(source, problems));
  }
  const result = validateTemplate(doc.toJS());
  if (!result.ok) throw new ConfigError(formatProblems(source, result.problems));
  return result.value;
}

function loadRunbook(source: string, text: string): Template {
  const id = basename(source, extname(source)).toLowerCase();
  const { template, problems } = parseRunbook(text, { id });
  if (template) return template;
  throw new ConfigError(
    [`${source} is not a usable runbook:`, ...problems.map((p) => `  - line ${p.line}: ${p.message}`)].join('\n'),
  );
}

/** Where a loaded template comes from, for people: "built-in" (data/templates) or its file name in the team's folder. */
export function sourceLabel(t: LoadedTemplate): string {
  return t.source.startsWith(BUILT_IN_TEMPLATES_DIR) ? 'built-in' : basename(t.source);
}
