import type { List, Paragraph, RootContent, Table } from 'mdast';
import type { Phase } from '../schema.js';
import type { Context } from './draft.js';
import { blockText, keywords, leadingLabel, minutesIn, phrasing, sentenceCase } from './inline.js';
import { listLines, splitLists } from './items.js';
import { lineOf, partKind, type Part, type Section } from './sections.js';
import { idAllocator } from './slug.js';
import { headingTiming, isTimingLabel, timingIn, windowIn, type Timing } from './timing.js';

const where = (section: Section, part: Part) => (part.title ? `${section.title} › ${part.title}` : section.title);

/** Title of the group made from a section's lists before its first "###": "Pre-deployment checklist". */
const introTitle = (section: Section) => sentenceCase(section.title);

/** Pre-deployment: each "###" is a group; lists before the first "###" form a group named after the section. */
export function readPre(section: Section, ctx: Context): void {
  for (const part of [section.intro, ...section.parts]) {
    const lists = splitLists(part.blocks, (b) => ctx.note(where(section, part), b));
    const title = part.title || introTitle(section);
    ctx.addGroup(ctx.draft.preDeployment, 'preDeployment', 'pre', title, part.line, lists);
  }
}

/** Post-deployment: checklist groups as for pre-deployment; a "Follow-up" part gives follow-ups. */
export function readPost(section: Section, ctx: Context): void {
  const post = ctx.draft.postDeployment;
  for (const part of [section.intro, ...section.parts]) {
    const lists = splitLists(part.blocks, (b) => ctx.note(where(section, part), b));
    if (partKind(part.title, [['follow', ['follow*', 'actions', 'todo', 'afterwards']]])) {
      for (const { value, line } of lists.flatMap((l) => listLines(l, ctx.fill))) {
        ctx.mark(`postDeployment.followUps.${post.followUps.length}`, line);
        post.followUps.push(value);
      }
    } else {
      ctx.addGroup(post.groups, 'postDeployment.groups', 'post', part.title || introTitle(section), part.line, lists);
    }
  }
}

/** Verification: code blocks are validation queries, a "Health" part gives endpoints, other lists are groups. */
export function readVerification(section: Section, ctx: Context): void {
  const v = ctx.draft.verification;
  for (const part of [section.intro, ...section.parts]) {
    const other = (block: RootContent) => {
      if (block.type !== 'code') return ctx.note(where(section, part), block);
      ctx.mark(`verification.validationQueries.${v.validationQueries.length}`, lineOf(block));
      v.validationQueries.push({ language: block.lang ?? 'sql', code: ctx.fill(block.value) });
    };
    const lists = splitLists(part.blocks, other);
    if (partKind(part.title, [['health', ['health', 'endpoint*', 'api']]])) readHealthChecks(lists, ctx);
    else ctx.addGroup(v.groups, 'verification.groups', 'verify', part.title || introTitle(section), part.line, lists);
  }
}

function readHealthChecks(lists: List[], ctx: Context): void {
  const checks = ctx.draft.verification.healthChecks;
  for (const li of lists.flatMap((l) => l.children)) {
    const first = li.children[0];
    if (first?.type !== 'paragraph') continue;
    const labelled = leadingLabel(first, ctx.fill);
    const isExpected = labelled && partKind(labelled.label, [['x', ['expected', 'response', 'returns', 'status']]]);
    const last = checks[checks.length - 1];
    if (isExpected && last && !last.expected) last.expected = labelled.rest;
    else {
      ctx.mark(`verification.healthChecks.${checks.length}`, lineOf(li));
      checks.push({ endpoint: labelled ? labelled.rest : phrasing(first.children, ctx.fill), expected: '' });
    }
  }
}

/**
 * Deployment steps: each "###" is a phase ("Phase 2: Deploy", "Phase 2 – Deploy", "2. Deploy" → "Deploy");
 * without any, one phase named after the section. A phase's timing is a line before its steps
 * ("**[09:10] - [09:40]**", "*Window:* 9:10 am - 9:40 am", "(30 minutes)"), its heading's
 * parentheses ("Deploy (09:10 - 09:40)"), or a table of phases with their times.
 */
export function readPhases(section: Section, ctx: Context): void {
  const tables: Array<{ table: Table; part: Part; phase: Phase | null }> = [];
  const first = ctx.draft.phases.length;
  for (const part of [section.intro, ...section.parts]) {
    const fromHeading = part.title ? headingTiming(phaseTitle(part.title)) : null;
    const title = fromHeading?.title ?? (part.title ? phaseTitle(part.title) : introTitle(section));
    const phase: Phase = { id: '', title, steps: [], notes: [] };
    const index = ctx.draft.phases.length;
    const notes: RootContent[] = [];
    const partTables: Table[] = [];
    let sawList = false;
    const setTiming = (timing: Timing, line: number) => applyTiming(phase, index, timing, line, ctx);
    if (fromHeading) setTiming(fromHeading.timing, part.line);
    for (const block of part.blocks) {
      if (block.type === 'list') {
        sawList = true;
        continue;
      }
      if (block.type === 'table') {
        partTables.push(block);
        continue;
      }
      const timing =
        !sawList && !phase.window && !phase.durationMinutes && block.type === 'paragraph'
          ? readTiming(block, ctx)
          : null;
      if (timing) setTiming(timing, lineOf(block));
      else notes.push(block);
    }
    const lists = part.blocks.filter((b): b is List => b.type === 'list');
    ctx.addItems(phase.steps, `phases.${index}.steps`, lists, idAllocator());
    if (!part.title && !phase.steps.length) {
      for (const block of notes) ctx.note(section.title, block);
      tables.push(...partTables.map((table) => ({ table, part, phase: null })));
      continue;
    }
    // A phase keeps its own notes; blocks too long for one go to the template's notes.
    for (const block of notes) keepPhaseNote(phase, block, where(section, part), ctx);
    tables.push(...partTables.map((table) => ({ table, part, phase })));
    phase.id = ctx.groupId('phase', title);
    ctx.mark(`phases.${index}`, part.line);
    ctx.draft.phases.push(phase);
  }
  for (const { table, part, phase } of tables) {
    if (timesFromTable(table, ctx, first)) continue;
    if (phase) keepPhaseNote(phase, table, where(section, part), ctx);
    else ctx.note(part.title ? where(section, part) : section.title, table);
  }
}

function applyTiming(phase: Phase, index: number, timing: Timing, line: number, ctx: Context): void {
  ctx.mark(`phases.${index}.${timing.window ? 'window' : 'durationMinutes'}`, line);
  const { start, end } = timing.window ?? {};
  if (start && end && end <= start)
    ctx.problems.push({ line, message: `phase "${phase.title}" ends (${end}) before it starts (${start})` });
  if (timing.window) phase.window = timing.window;
  else phase.durationMinutes = timing.minutes!;
}

function keepPhaseNote(phase: Phase, block: RootContent, where: string, ctx: Context): void {
  const text = blockText(block, ctx.fill);
  if (!text) return;
  if (text.length <= 1000) phase.notes.push(text);
  else ctx.note(where, block);
}

const PHASE_WORDS = /^(?:phase|stage|step)\b/i;

function phaseTitle(title: string): string {
  if (!PHASE_WORDS.test(title)) return title;
  for (const sep of [':', ' - ', ' – ', ' — ', '. ']) {
    const at = title.indexOf(sep);
    if (at > 0 && title.slice(at + sep.length).trim()) return title.slice(at + sep.length).trim();
  }
  return title;
}

/**
 * A phase's timing line: a window or a duration, alone in bold or italics
 * ("**[09:10] - [09:40]**", "*30 minutes*"), alone in a paragraph ("9:10 am – 9:40 am",
 * "(30 min)") or after a timing label ("**Window:** 09h10 - 09h40"). A blank window
 * ("[HH:MM] - [HH:MM]") counts only in bold or italics, as the seed writes it.
 */
function readTiming(p: Paragraph, ctx: Context): Timing | null {
  const [only] = p.children;
  if (p.children.length === 1 && only && (only.type === 'strong' || only.type === 'emphasis')) {
    const text = phrasing(only.children, ctx.fill);
    const labelled = leadingLabel({ ...p, children: only.children as Paragraph['children'] }, ctx.fill);
    const timing = timingIn(labelled && isTimingLabel(labelled.label) ? labelled.rest : text);
    // A bold line is about the phase's time, as before: "**Takes 30 minutes**" is a duration too.
    const minutes = timing || text.includes(':') ? null : minutesIn(text);
    return timing ?? (minutes ? { minutes } : null);
  }
  const labelled = leadingLabel(p, ctx.fill);
  const text = labelled ? (isTimingLabel(labelled.label) ? labelled.rest : '') : phrasing(p.children, ctx.fill);
  const timing = text ? timingIn(text) : null;
  if (!timing || (!labelled && timing.window && (!timing.window.start || !timing.window.end))) return null;
  return timing;
}

type Column = 'phase' | 'window' | 'start' | 'end' | 'duration';
const COLUMNS: Array<[Column, string[]]> = [
  ['phase', ['phase', 'stage', 'step', 'name', 'title']],
  ['start', ['start*', 'from', 'begin*']],
  ['end', ['end*', 'to', 'until', 'finish*']],
  ['window', ['window', 'time', 'times', 'timing', 'when', 'schedule*', 'slot']],
  ['duration', ['duration', 'length', 'minutes', 'estimate*', 'takes']],
];

/**
 * A table of the section's phases with their times ("| Phase | Window |", "| Phase | Start | End |",
 * "| Phase | Duration |") gives each phase named in it (by title or number) its window or duration.
 * True when every row was used, so the table says nothing more and is not kept as a note.
 */
function timesFromTable(table: Table, ctx: Context, firstPhase: number): boolean {
  const [head, ...rows] = table.children;
  if (!head || !rows.length) return false;
  const columns = new Map<Column, number>();
  head.children.forEach((cell, i) => {
    const kind = partKind(phrasing(cell.children, ctx.fill), COLUMNS);
    if (kind && !columns.has(kind)) columns.set(kind, i);
  });
  const col = (kind: Column) => columns.get(kind);
  if (
    col('phase') === undefined ||
    (col('window') === undefined &&
      col('duration') === undefined &&
      (col('start') === undefined || col('end') === undefined))
  ) {
    return false;
  }
  const phases = ctx.draft.phases.slice(firstPhase);
  let used = 0;
  for (const row of rows) {
    const cell = (kind: Column) => {
      const i = col(kind);
      const c = i === undefined ? undefined : row.children[i];
      return c ? phrasing(c.children, ctx.fill) : '';
    };
    const name = cell('phase');
    const number = /^(?:phase|stage|step)?\s*(\d+)\.?$/i.exec(name.trim())?.[1];
    const at = number ? Number(number) - 1 : phases.findIndex((p) => keywords(p.title) === keywords(phaseTitle(name)));
    const phase = phases[at];
    const both = cell('start') && cell('end') ? windowIn(`${cell('start')} - ${cell('end')}`) : undefined;
    const timing = timingIn(cell('window')) ?? (both ? { window: both } : null) ?? timingIn(cell('duration'));
    if (!phase || !timing) continue;
    used++;
    if (phase.window || phase.durationMinutes) continue;
    applyTiming(phase, firstPhase + at, timing, lineOf(row), ctx);
  }
  return used === rows.length;
}
