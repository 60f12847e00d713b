import { existsSync, readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { readYamlTemplate } from '../config/templates.js';
import { parseRunbook } from '../core/template/markdown/index.js';
import type { Group, Item, Notice, Template } from '../core/template/schema.js';
import { placeholderWarnings } from '../core/template/placeholders.js';
import { ESTIMATE_HINT, rollbackValidation, STANDARD_VALIDATION_NOTE } from '../core/template/rollback.js';
import type { Io } from './main.js';

export interface TemplateCheck {
  template?: Template;
  /** "line 12: …" or "phases.0.steps.1.text: …". */
  problems: string[];
  /** What may be a mistake but does not stop it ("line 40: phase … is outside the deployment window …"). */
  warnings?: string[];
}

/** Reads one template file: a Markdown runbook (*.md) or a YAML template (*.yml, *.yaml). */
export function checkTemplateFile(file: string): TemplateCheck {
  if (!existsSync(file)) return { problems: [`${file} does not exist`] };
  const text = readFileSync(file, 'utf8');
  const ext = extname(file).toLowerCase();
  if (ext === '.md' || ext === '.markdown') {
    const {
      template,
      problems,
      warnings = [],
    } = parseRunbook(text, { id: basename(file, extname(file)).toLowerCase() });
    const lines = (list: typeof problems) => list.map((p) => `line ${p.line}: ${p.message}`);
    return {
      ...(template ? { template } : {}),
      problems: lines(problems),
      ...(warnings.length ? { warnings: lines(warnings) } : {}),
    };
  }
  if (ext !== '.yml' && ext !== '.yaml')
    return { problems: [`${file}: a template is a Markdown runbook (.md) or YAML (.yml)`] };
  const { template, problems } = readYamlTemplate(text);
  return {
    ...(template ? { template } : {}),
    problems: problems.map((p) => `${p.path}: ${p.message}${p.line ? ` (line ${p.line})` : ''}`),
  };
}

const BLANK = '[blank]';

/**
 * Items as lines, each marked required or optional. Numbered lists count per
 * section and per level, as a runbook numbers them: "8." then "8.1." for the
 * steps nested under step 8, then "9.".
 */
function itemLines(items: readonly Item[], indent: string, numbered = false): string[] {
  let top = 0;
  let nested = 0;
  return items.flatMap((item) => {
    const pad = indent + '  '.repeat(item.level);
    if (item.level === 0) {
      top += 1;
      nested = 0;
    } else nested += 1;
    const mark = !numbered ? '[ ]' : item.level === 0 ? `${top}.` : `${Math.max(top, 1)}.${nested}.`;
    const lines = [`${pad}${mark} ${item.text} ${item.required ? '(required)' : '(optional)'}`];
    const more = `${pad}${' '.repeat(mark.length + 1)}`;
    if (item.evidence)
      lines.push(
        `${more}evidence: ${item.evidence.label} (${item.evidence.kind}${item.evidence.hint ? `, ${item.evidence.hint}` : ''})`,
      );
    for (const d of item.details) lines.push(`${more}${d}`);
    return lines;
  });
}

const groupLines = (groups: Group[]) => groups.flatMap((g) => [`  ${g.title}`, ...itemLines(g.items, '    ')]);

function noticeLine(n: Notice): string {
  const when =
    n.kind === 'announcement' || n.kind === 'reminder'
      ? `${n.hoursBefore ?? BLANK} hours before`
      : n.kind === 'progress'
        ? `every ${n.everyMinutes ?? BLANK} minutes`
        : '';
  const to = n.audience.length ? ` → ${n.audience.join(', ')}` : '';
  return `  ${n.kind}${when ? ` (${when})` : ''}${to}: ${n.text}`;
}

/** The plan a template becomes, as plain text: what a deployment with it will ask for, in order. */
export function describeTemplate(t: Template): string {
  const out: string[] = [`Template "${t.name}" (id ${t.id})`];
  if (t.description) out.push(t.description);
  if (t.overview.length) out.push('', 'Overview', ...t.overview.map((o) => `  ${o.label}: ${o.placeholder || BLANK}`));
  out.push('', 'Approvals', ...t.approvals.map((a) => `  ${a.label} (${a.role})${a.required ? '' : ' (optional)'}`));
  out.push('', 'Pre-deployment checklist', ...groupLines(t.preDeployment));
  out.push('', 'Deployment phases');
  for (const p of t.phases) {
    const window = p.window
      ? ` (window ${p.window.start ?? '__:__'}–${p.window.end ?? '__:__'})`
      : p.durationMinutes
        ? ` (${p.durationMinutes} min)`
        : '';
    out.push(`  ${p.title}${window}`, ...itemLines(p.steps, '    ', true), ...p.notes.map((n) => `    note: ${n}`));
  }
  const v = t.verification;
  if (v.groups.length || v.healthChecks.length || v.validationQueries.length) {
    out.push('', 'Verification', ...groupLines(v.groups));
    out.push(...v.healthChecks.map((h) => `  health check: ${h.endpoint}${h.expected ? ` → ${h.expected}` : ''}`));
    out.push(...v.validationQueries.map((q) => `  ${q.language} query: ${q.code.split('\n')[0]}`));
  }
  if (t.postDeployment.groups.length || t.postDeployment.followUps.length) {
    out.push(
      '',
      'Post-deployment',
      ...groupLines(t.postDeployment.groups),
      ...t.postDeployment.followUps.map((f) => `  follow-up: ${f}`),
    );
  }
  const m = t.monitoring;
  if (m.metrics.length || m.thresholds.length || m.duration) {
    out.push(
      '',
      'Monitoring',
      `  duration: ${m.durationMinutes ? `${m.durationMinutes} minutes` : (m.duration ?? BLANK)}`,
    );
    out.push(...m.metrics.map((x) => `  metric: ${x}`), ...m.thresholds.map((x) => `  threshold: ${x}`));
  }
  if (t.communication.notices.length) out.push('', 'Communication', ...t.communication.notices.map(noticeLine));
  const r = t.rollback;
  out.push('', `Rollback plan${r.estimatedTime ? ` (estimated ${r.estimatedTime})` : ''}`);
  out.push(...r.triggers.map((x) => `  trigger: ${x}`), '  Steps', ...itemLines(r.steps, '    ', true));
  const validation = rollbackValidation(t);
  out.push(
    validation.standard ? `  Validation (standard checks) — ${STANDARD_VALIDATION_NOTE}` : '  Validation',
    ...itemLines(validation.items, '    '),
  );
  if (r.estimatedMinutes === null) {
    out.push(
      '  No estimated rollback time: the rollback timer runs without an overrun alert.',
      `  ${ESTIMATE_HINT.replace(/`/g, '')}`,
    );
  }
  // Every line of a note (a table keeps its rows), indented under its section.
  if (t.notes.length)
    out.push(
      '',
      'Notes (kept as written)',
      ...t.notes.flatMap((n) => [`  ${n.section}:`, ...n.text.split('\n').map((l) => `    ${l}`)]),
    );
  return out.join('\n');
}

/** `liftoff template check FILE`: the plan, then the problems. Exit 0 when it can run, 1 when not. */
export function templateCheckCommand(file: string | undefined, io: Io): number {
  if (!file) {
    io.err.write('Usage: liftoff template check FILE   (a Markdown runbook or a YAML template)\n');
    return 2;
  }
  const { template, problems, warnings = [] } = checkTemplateFile(file);
  if (template) io.out.write(`${describeTemplate(template)}\n\n`);
  warnings.push(...(template ? placeholderWarnings(template) : []));
  if (warnings.length) io.out.write(`Warnings (${warnings.length}):\n${warnings.map((w) => `  - ${w}`).join('\n')}\n`);
  if (problems.length) {
    io.out.write(`Problems (${problems.length}):\n${problems.map((p) => `  - ${p}`).join('\n')}\n`);
  } else {
    io.out.write('No problems.\n');
  }
  io.out.write(template ? `${file} can run as a template.\n` : `${file} cannot run as a template.\n`);
  return template ? 0 : 1;
}
