import type { List, RootContent } from 'mdast';
import type { Notice, NoticeKind } from '../schema.js';
import type { Context } from './draft.js';
import { hasWord, keywords, leadingLabel } from './inline.js';
import { entries } from './plans.js';
import type { Section } from './sections.js';

/** First matching wins: "Summary report" is a summary before it is a completion. */
const KINDS: Array<[NoticeKind, string[]]> = [
  ['reminder', ['reminder', 'remind']],
  ['announcement', ['announcement', 'announce']],
  ['progress', ['progress', 'updates', 'update', 'status']],
  ['issue', ['issue', 'issues', 'incident', 'rollback', 'problem', 'problems', 'failure']],
  ['summary', ['summary', 'report', 'retrospective']],
  ['completion', ['completion', 'complete', 'completed', 'success', 'done', 'finished']],
  ['start', ['start', 'started', 'starting', 'begin', 'during']],
  ['announcement', ['pre', 'before', 'upcoming']],
  ['completion', ['post', 'after']],
];

export function noticeKind(text: string): NoticeKind | null {
  const w = keywords(text);
  return KINDS.find(([, words]) => hasWord(w, ...words))?.[0] ?? null;
}

/**
 * Every list entry is a notice. A paragraph that is only a bold label ("**Pre-Deployment:**")
 * heads the entries below it and decides their kind when their own words do not.
 */
export function readCommunication(section: Section, ctx: Context): void {
  for (const part of [section.intro, ...section.parts]) {
    const where = part.title ? `${section.title} › ${part.title}` : section.title;
    let heading = '';
    for (const block of part.blocks) {
      if (block.type === 'paragraph') {
        const labelled = leadingLabel(block, ctx.fill);
        if (labelled && !labelled.rest) heading = labelled.label;
        else ctx.note(where, block);
      } else if (block.type === 'list') readNotices(block, heading, where, ctx);
      else ctx.note(where, block as RootContent);
    }
  }
}

function readNotices(list: List, heading: string, where: string, ctx: Context): void {
  const notices = ctx.draft.communication.notices;
  for (const e of entries([list], ctx)) {
    const kind = noticeKind(e.labelled?.label ?? '') ?? noticeKind(e.text) ?? noticeKind(heading);
    if (!kind || !e.text) {
      ctx.note(where, { type: 'list', ordered: false, children: [e.li] } as List);
      continue;
    }
    for (const block of [...e.lists, ...e.rest]) ctx.note(where, block);
    ctx.mark(`communication.notices.${notices.length}`, e.line);
    notices.push(notice(kind, e.text));
  }
}

function notice(kind: NoticeKind, text: string): Notice {
  const lower = text.toLowerCase();
  const n: Notice = { kind, text, audience: audienceIn(text), channel: channelIn(text) };
  if (kind === 'announcement' || kind === 'reminder') n.hoursBefore = hoursBefore(lower);
  if (kind === 'progress') n.everyMinutes = everyMinutes(lower);
  return n;
}

/** "Notify [Stakeholders, Users] via …" → ["Stakeholders", "Users"]. */
function audienceIn(text: string): string[] {
  const at = text.toLowerCase().indexOf('notify ');
  if (at < 0) return [];
  let rest = text.slice(at + 'notify '.length).trim();
  if (rest.startsWith('[')) rest = rest.slice(1, Math.max(rest.indexOf(']'), 1));
  else rest = rest.split(/ via | at | immediately|[.;]/)[0] ?? '';
  return rest
    .split(/,| and /)
    .map((s) => s.trim())
    .filter(Boolean);
}

/** "… via [Channel]" or "… via #deploys" → the channel as written. */
function channelIn(text: string): string | null {
  const at = text.toLowerCase().indexOf(' via ');
  if (at < 0) return null;
  const rest = text.slice(at + ' via '.length).trim();
  if (rest.startsWith('[')) return rest.slice(0, rest.indexOf(']') + 1) || null;
  const word = rest.split(' ')[0] ?? '';
  let end = word.length;
  while (end > 0 && '.,;:'.includes(word[end - 1]!)) end--;
  return word.slice(0, end) || null;
}

/** "Sent 24 hours before" → 24; "[X] hours before" → null (a blank). */
function hoursBefore(lower: string): number | null {
  const match = /(\S+)\s+(hours?|days?)\s+(before|prior|ahead)/.exec(lower);
  const n = match ? Number(match[1]) : NaN;
  if (!match || !(n > 0)) return null;
  return match[2]!.startsWith('day') ? n * 24 : n;
}

/** "every 15 minutes" → 15; "every [X] minutes" → null. */
function everyMinutes(lower: string): number | null {
  const match = /every\s+(\S+)\s+(minutes?|mins?|hours?)/.exec(lower);
  const n = match ? Number(match[1]) : NaN;
  if (!match || !(n > 0)) return null;
  return Math.round(match[2]!.startsWith('hour') ? n * 60 : n);
}
