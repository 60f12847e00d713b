import { readFileSync, readdirSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LineCounter, parseDocument, type Document } from 'yaml';
import { parseRunbook } from '../core/template/markdown.js';
import { RUNBOOK_LIMITS } from '../core/template/markdown/limits.js';
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

/** A template file that could not be used, with why (the file and the lines of its mistakes). */
export interface RefusedTemplate {
  source: string;
  message: string;
}

/**
 * Reads every template in `dir`, sorted by name: YAML files, and Markdown runbooks
 * (whose id is the file name: "checkout-release.md" → "checkout-release").
 * A README.md is not a template. A file that cannot be read or used (or repeats
 * an earlier file's id) is refused on its own, with a message naming it; the
 * others still load. Only a folder that cannot be read is a ConfigError.
 */
export function readTemplateFolder(dir: string): {
  templates: Map<string, LoadedTemplate>;
  refused: RefusedTemplate[];
} {
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch (e) {
    throw new ConfigError(`Cannot read the templates folder ${dir}: ${(e as Error).message}`);
  }
  const templates = new Map<string, LoadedTemplate>();
  const refused: RefusedTemplate[] = [];
  for (const name of names) {
    const format = FORMATS[extname(name).toLowerCase()];
    if (!format || name.toLowerCase() === 'readme.md') continue;
    const source = join(dir, name);
    const read = readTemplateFile(source, format);
    if ('message' in read) {
      refused.push({ source, message: read.message });
      continue;
    }
    const { template } = read;
    const earlier = templates.get(template.id);
    if (earlier) {
      refused.push({
        source,
        message: `Template id "${template.id}" is used by two files: ${earlier.source} and ${source}. Give each template its own id.`,
      });
      continue;
    }
    templates.set(template.id, { template, source, format });
  }
  return { templates, refused };
}

/** Like `readTemplateFolder`, for the built-in templates and tests: any refused file is a ConfigError. */
export function loadTemplates(dir: string): Map<string, LoadedTemplate> {
  const { templates, refused } = readTemplateFolder(dir);
  if (refused.length) throw new ConfigError(refused.map((r) => r.message).join('\n'));
  return templates;
}

function readTemplateFile(
  source: string,
  format: LoadedTemplate['format'],
): { template: Template } | { message: string } {
  let text: string;
  try {
    text = readFileSync(source, 'utf8');
  } catch (e) {
    return { message: `${source} cannot be read: ${(e as Error).message}` };
  }
  try {
    if (format === 'markdown') {
      const { template, problems } = parseRunbook(text, { id: basename(source, extname(source)).toLowerCase() });
      if (template) return { template };
      return {
        message: [
          `${source} is not a usable runbook:`,
          ...problems.map((p) => `  - line ${p.line}: ${p.message}`),
        ].join('\n'),
      };
    }
    const yaml = readYamlTemplate(text);
    return yaml.template ? { template: yaml.template } : { message: formatProblems(source, yaml.problems) };
  } catch (e) {
    // Whatever else goes wrong reading one file (a parser's own limit) refuses that file, not the start.
    return { message: `${source} could not be read as a template: ${(e as Error).message}` };
  }
}

/** A YAML template's text, checked; every problem carries its line in the file. */
export function readYamlTemplate(text: string): { template?: Template; problems: Problem[] } {
  if (text.length > RUNBOOK_LIMITS.MAX_CHARS) {
    return {
      problems: [
        {
          path: '(file)',
          message: `the template is ${text.length} characters long; at most ${RUNBOOK_LIMITS.MAX_CHARS} are read`,
        },
      ],
    };
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: false, lineCounter });
  if (doc.errors.length) {
    return {
      problems: doc.errors.map((e) => ({
        path: `line ${lineCounter.linePos(e.pos[0]).line}`,
        message: `YAML syntax: ${e.message.split('\n')[0]}`,
      })),
    };
  }
  const result = validateTemplate(doc.toJS());
  if (result.ok) return { template: result.value, problems: [] };
  return {
    problems: result.problems.map((p) => {
      const line = yamlLine(doc, lineCounter, p.path);
      return line ? { ...p, line } : p;
    }),
  };
}

/** The line of the nearest node on a dotted path ("phases.0.window") that the file has. */
export function yamlLine(doc: Document, lineCounter: LineCounter, path: string): number | undefined {
  const parts = path.split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p));
  for (let n = parts.length; n > 0; n--) {
    const node = doc.getIn(parts.slice(0, n), true) as { range?: [number, number, number] } | undefined;
    if (node && typeof node === 'object' && node.range) return lineCounter.linePos(node.range[0]).line;
  }
  return undefined;
}

/** Where a loaded template comes from, for people: "built-in" (data/templates) or its file name in the team's folder. */
export function sourceLabel(t: LoadedTemplate): string {
  return t.source.startsWith(BUILT_IN_TEMPLATES_DIR) ? 'built-in' : basename(t.source);
}
