import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LineCounter, parseDocument } from 'yaml';
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

const YAML_EXTENSIONS = ['.yml', '.yaml'];

/** Loads every template file in `dir`, sorted by name; any mistake is a ConfigError naming the file. */
export function loadTemplates(dir: string): Map<string, LoadedTemplate> {
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch (e) {
    throw new ConfigError(`Cannot read the templates folder ${dir}: ${(e as Error).message}`);
  }
  const loaded = new Map<string, LoadedTemplate>();
  for (const name of names) {
    if (!YAML_EXTENSIONS.some((ext) => name.toLowerCase().endsWith(ext))) continue;
    const source = join(dir, name);
    const template = loadYamlTemplate(source, readFileSync(source, 'utf8'));
    const earlier = loaded.get(template.id);
    if (earlier) {
      throw new ConfigError(
        `Template id "${template.id}" is used by two files: ${earlier.source} and ${source}. Give each template its own id.`,
      );
    }
    loaded.set(template.id, { template, source, format: 'yaml' });
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
