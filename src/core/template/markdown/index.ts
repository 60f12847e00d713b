import { createRequire } from 'node:module';
import type { Root } from 'mdast';
import type { Template } from '../schema.js';
import { validateTemplate } from '../validate.js';
import { readPhases, readPost, readPre, readVerification } from './checklists.js';
import { readCommunication } from './communication.js';
import { Context } from './draft.js';
import { placeholderFill, readFrontMatter } from './frontmatter.js';
import { blockText } from './inline.js';
import { overLimits, tooDeep } from './limits.js';
import { DEFAULT_APPROVALS, readApprovals, readMonitoring, readOverview, readRollback, readSummary } from './plans.js';
import { phaseTimeWarnings } from './timing.js';
import { lineOf, outline, type Section, type SectionKind } from './sections.js';

export interface RunbookProblem {
  line: number;
  message: string;
}

export interface RunbookResult {
  template?: Template;
  problems: RunbookProblem[];
  /** What may be a mistake but does not stop the runbook: a phase outside the runbook's deployment window. */
  warnings?: RunbookProblem[];
  /** What was understood but not recognised, with its section (the template's `notes`, also when refused). */
  notes: Template['notes'];
}

const READERS: Record<SectionKind, (section: Section, ctx: Context) => void> = {
  overview: readOverview,
  summary: readSummary,
  pre: readPre,
  steps: readPhases,
  verification: readVerification,
  rollback: readRollback,
  monitoring: readMonitoring,
  communication: readCommunication,
  post: readPost,
  approvals: readApprovals,
  other: keepAsNotes,
};

interface Parser {
  fromMarkdown: typeof import('mdast-util-from-markdown').fromMarkdown;
  gfm: typeof import('micromark-extension-gfm').gfm;
  gfmFromMarkdown: typeof import('mdast-util-gfm').gfmFromMarkdown;
  frontmatter: typeof import('micromark-extension-frontmatter').frontmatter;
  frontmatterFromMarkdown: typeof import('mdast-util-frontmatter').frontmatterFromMarkdown;
}
let parser: Parser | undefined;

/**
 * The Markdown parser is loaded the first time a runbook is read: it is about 10 MB of memory, and
 * most teams have no Markdown template. Its packages are ES modules; Node 20.19+ `require`s them
 * synchronously, so reading templates stays synchronous.
 */
function markdownParser(): Parser {
  if (parser) return parser;
  const load = createRequire(import.meta.url);
  parser = {
    ...(load('mdast-util-from-markdown') as Pick<Parser, 'fromMarkdown'>),
    ...(load('micromark-extension-gfm') as Pick<Parser, 'gfm'>),
    ...(load('mdast-util-gfm') as Pick<Parser, 'gfmFromMarkdown'>),
    ...(load('micromark-extension-frontmatter') as Pick<Parser, 'frontmatter'>),
    ...(load('mdast-util-frontmatter') as Pick<Parser, 'frontmatterFromMarkdown'>),
  };
  return parser;
}

export function parseMarkdown(markdown: string): Root {
  const { fromMarkdown, gfm, gfmFromMarkdown, frontmatter, frontmatterFromMarkdown } = markdownParser();
  return fromMarkdown(markdown, {
    extensions: [gfm(), frontmatter(['yaml'])],
    mdastExtensions: [gfmFromMarkdown(), frontmatterFromMarkdown(['yaml'])],
  });
}

/**
 * A Markdown runbook as a template. Headings name the sections ("## Rollback Plan"),
 * lists give the items; anything understood but not recognised is kept in `notes`.
 */
export function parseRunbook(markdown: string, opts: { id: string }): RunbookResult {
  // Refused before parsing, so one runbook cannot hold up or crash the start (see limits.ts).
  const over = overLimits(markdown);
  if (over) return { problems: [over], notes: [] };
  const root = parseMarkdown(markdown);
  const deep = tooDeep(root);
  if (deep) return { problems: [deep], notes: [] };
  const first = root.children[0];
  const front = readFrontMatter(first?.type === 'yaml' ? first : undefined);
  if (!front.ok) return { problems: front.problems, notes: [] };
  const fill = placeholderFill(front.value.values);
  const ctx = new Context(fill);
  const doc = outline(root, fill);

  let description = front.value.description ?? '';
  for (const block of doc.preamble) {
    const text = blockText(block, fill);
    if (!description && block.type === 'paragraph' && text.length <= 500) description = text;
    else ctx.noteText('Introduction', text, lineOf(block));
  }
  for (const section of doc.sections) {
    ctx.mark(TOP_LEVEL[section.kind], section.line);
    READERS[section.kind](section, ctx);
  }

  const problems = [...ctx.problems, ...missingParts(doc.sections, ctx)];
  const approvalsSection = doc.sections.find((s) => s.kind === 'approvals');
  if (!ctx.draft.approvals.length) {
    if (approvalsSection)
      problems.push({
        line: approvalsSection.line,
        message: 'the approvals section names no roles ("- **QA Lead:** …")',
      });
    else ctx.draft.approvals.push(...DEFAULT_APPROVALS.map((a) => ({ ...a })));
  }
  if (doc.title) ctx.mark('name', doc.title.line);
  const raw = { id: opts.id, name: front.value.name ?? doc.title?.text ?? opts.id, description, ...ctx.draft };
  const result = validateTemplate(raw);
  if (result.ok && !problems.length) {
    const warnings = phaseTimeWarnings(result.value, (path) => lineFor(path, ctx.lines));
    return {
      template: result.value,
      problems: [],
      notes: result.value.notes,
      ...(warnings.length ? { warnings } : {}),
    };
  }
  // Missing parts are already explained above; report every other problem alongside them.
  const covered = new Set(['preDeployment', 'phases', 'rollback.steps', 'approvals']);
  for (const p of result.ok ? [] : result.problems) {
    const line = lineFor(p.path, ctx.lines);
    if (!covered.has(p.path) && !problems.some((q) => q.line === line))
      problems.push({ line, message: `${p.path}: ${p.message}` });
  }
  return { problems: problems.sort((a, b) => a.line - b.line), notes: ctx.draft.notes };
}

const TOP_LEVEL: Record<SectionKind, string> = {
  overview: 'overview',
  summary: 'summary',
  pre: 'preDeployment',
  steps: 'phases',
  verification: 'verification',
  rollback: 'rollback',
  monitoring: 'monitoring',
  communication: 'communication',
  post: 'postDeployment',
  approvals: 'approvals',
  other: 'notes',
};

function missingParts(sections: Section[], ctx: Context): RunbookProblem[] {
  const lineOfKind = (kind: SectionKind) => sections.find((s) => s.kind === kind)?.line ?? 1;
  const problems: RunbookProblem[] = [];
  if (!ctx.draft.preDeployment.length) {
    problems.push({
      line: lineOfKind('pre'),
      message: 'no pre-deployment checklist: add a "## Pre-Deployment Checklist" section with "- [ ] …" items',
    });
  }
  if (!ctx.draft.phases.some((p) => p.steps.length)) {
    problems.push({
      line: lineOfKind('steps'),
      message: 'no deployment steps: add a "## Deployment Steps" section with numbered steps',
    });
  }
  if (!ctx.draft.rollback.steps.length) {
    problems.push({
      line: lineOfKind('rollback'),
      message: 'no rollback steps: add a "## Rollback Plan" section with "### Rollback Steps"',
    });
  }
  return problems;
}

function keepAsNotes(section: Section, ctx: Context): void {
  for (const part of [section.intro, ...section.parts]) {
    const where = part.title ? `${section.title} › ${part.title}` : section.title;
    for (const block of part.blocks) ctx.note(where, block);
  }
}

/** The runbook line of the nearest enclosing path that was marked: "phases.1.steps.2.text" → that step's line. */
function lineFor(path: string, lines: Map<string, number>): number {
  const parts = path.split('.');
  for (let n = parts.length; n > 0; n--) {
    const line = lines.get(parts.slice(0, n).join('.'));
    if (line !== undefined) return line;
  }
  return 1;
}
