import type { List, Paragraph, RootContent } from 'mdast';
import type { Phase } from '../schema.js';
import type { Context } from './draft.js';
import { blockText, leadingLabel, minutesIn, phrasing, sentenceCase } from './inline.js';
import { listLines, splitLists } from './items.js';
import { lineOf, partKind, type Part, type Section } from './sections.js';
import { idAllocator } from './slug.js';

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

/** Deployment steps: each "###" is a phase ("Phase 2: Deploy" → "Deploy"); without any, one phase named after the section. */
export function readPhases(section: Section, ctx: Context): void {
  for (const part of [section.intro, ...section.parts]) {
    const title = part.title ? phaseTitle(part.title) : introTitle(section);
    const phase: Phase = { id: '', title, steps: [], notes: [] };
    const index = ctx.draft.phases.length;
    const notes: RootContent[] = [];
    let sawList = false;
    for (const block of part.blocks) {
      if (block.type === 'list') {
        sawList = true;
        continue;
      }
      const timing = !sawList && !phase.window && !phase.durationMinutes && block.type === 'paragraph' ? readTiming(block, ctx) : null;
      if (timing) ctx.mark(`phases.${index}.${timing.window ? 'window' : 'durationMinutes'}`, lineOf(block));
      const { start, end } = timing?.window ?? {};
      if (start && end && end <= start) ctx.problems.push({ line: lineOf(block), message: `phase "${title}" ends (${end}) before it starts (${start})` });
      if (timing?.window) phase.window = timing.window;
      else if (timing?.minutes) phase.durationMinutes = timing.minutes;
      else notes.push(block);
    }
    const lists = part.blocks.filter((b): b is List => b.type === 'list');
    ctx.addItems(phase.steps, `phases.${index}.steps`, lists, idAllocator());
    if (!part.title && !phase.steps.length) {
      for (const block of notes) ctx.note(section.title, block);
      continue;
    }
    // A phase keeps its own notes; blocks too long for one go to the template's notes.
    for (const block of notes) {
      const text = blockText(block, ctx.fill);
      if (!text) continue;
      if (text.length <= 1000) phase.notes.push(text);
      else ctx.note(where(section, part), block);
    }
    phase.id = ctx.groupId('phase', title);
    ctx.mark(`phases.${index}`, part.line);
    ctx.draft.phases.push(phase);
  }
}

function phaseTitle(title: string): string {
  if (!title.toLowerCase().startsWith('phase')) return title;
  for (const sep of [':', ' - ', ' – ', ' — ']) {
    const at = title.indexOf(sep);
    if (at > 0 && title.slice(at + sep.length).trim()) return title.slice(at + sep.length).trim();
  }
  return title;
}

/** "**[HH:MM] - [HH:MM]**", "**09:00 - 09:30**" (a window) or "**30 minutes**" (a duration) under a phase heading. */
function readTiming(p: Paragraph, ctx: Context): { window?: Phase['window']; minutes?: number } | null {
  const [only] = p.children;
  if (p.children.length !== 1 || !only || (only.type !== 'strong' && only.type !== 'emphasis')) return null;
  const text = phrasing(only.children, ctx.fill);
  for (const sep of [' - ', ' – ', ' — ', ' to ', '-', '–']) {
    const at = text.indexOf(sep);
    if (at <= 0) continue;
    const start = clock(text.slice(0, at));
    const end = clock(text.slice(at + sep.length));
    if (start !== undefined && end !== undefined) return { window: { start, end } };
  }
  const minutes = text.includes(':') ? null : minutesIn(text);
  return minutes ? { minutes } : null;
}

/** "09:30" or "9:30" → "09:30"; a "[placeholder]" → null; anything else → undefined. */
function clock(raw: string): string | null | undefined {
  const text = raw.trim();
  if (text.startsWith('[') && text.endsWith(']')) return null;
  const [h, m, ...extra] = text.split(':');
  if (extra.length || !h || !m || m.length !== 2 || h.length > 2) return undefined;
  const hours = Number(h);
  const minutes = Number(m);
  if (!Number.isInteger(hours) || !Number.isInteger(minutes) || hours > 23 || minutes > 59) return undefined;
  return `${String(hours).padStart(2, '0')}:${m}`;
}
