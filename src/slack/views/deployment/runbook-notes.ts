import type { KnownBlock } from '@slack/types';
import type { Deployment } from '../../../core/deployment/types.js';
import type { Template } from '../../../core/template/schema.js';
import { context, header, section } from '../blocks.js';
import { clip, plural } from '../format.js';
import { budgetAfter, measure, memoByPlan, pack, partLabel } from './layout.js';
import type { SlackMessage } from './message.js';

/** Escaped text per section block: well under the 3000 characters of a section with its title. */
const PIECE = 2_400;
const INTRO = 'Parts of the runbook Liftoff keeps as written but does not track as items. Read them as you go.';

/**
 * `text` escaped for mrkdwn and cut into pieces of at most `max` escaped
 * characters: at line ends where it can, never inside an entity ("&amp;") or
 * a surrogate pair.
 */
export function escapedPieces(text: string, max: number = PIECE): string[] {
  const pieces: string[] = [];
  let current = '';
  const push = () => {
    if (current.trim()) pieces.push(current.replace(/\n+$/, ''));
    current = '';
  };
  for (const line of text.split('\n')) {
    const escaped = clip(line, Number.MAX_SAFE_INTEGER);
    if (current && current.length + escaped.length + 1 > max) push();
    if (escaped.length + 1 <= max) {
      current += `${escaped}\n`;
      continue;
    }
    for (const ch of line) {
      const e = clip(ch, 10);
      if (current.length + e.length > max) push();
      current += e;
    }
    current += '\n';
  }
  push();
  return pieces;
}

/** One section per piece of each note, under the note's section name ("continued" after the first). */
function noteBlocks(plan: Template): KnownBlock[] {
  return plan.notes.flatMap((n) =>
    escapedPieces(n.text).map((piece, i) =>
      section(`*${clip(n.section || 'Runbook', 150)}*${i ? ' _(continued)_' : ''}\n${piece}`),
    ),
  );
}

const frame = (label: string): KnownBlock[] => [header(`📝 Notes from the runbook${label}`), context(INTRO)];

/** The notes' blocks cut into messages: from the plan alone (the content never changes), so keys never move. */
function notesLayout(plan: Template): KnownBlock[][] {
  return memoByPlan(plan, 'runbook:notes', () => {
    const blocks = noteBlocks(plan);
    if (!blocks.length) return [];
    const parts = pack(
      [{ title: null, units: blocks }],
      (b) => measure([b]),
      () => measure([]),
      budgetAfter(measure(frame(' (99/99)'))),
    );
    return parts.map((chunk) => chunk.flatMap((s) => s.units));
  });
}

/**
 * "Notes from the runbook": what a Markdown runbook says that Liftoff
 * understood but did not recognise as a section (the template's `notes`),
 * shown in the thread as written, so nothing of the runbook is dropped.
 * None when the template has no notes.
 */
export function renderRunbookNotes(d: Deployment): SlackMessage[] {
  const parts = notesLayout(d.plan);
  return parts.map((blocks, i) => {
    const label = partLabel(i + 1, parts.length);
    return {
      key: i === 0 ? 'runbook:notes' : `runbook:notes:${i + 1}`,
      placement: 'thread' as const,
      text: `${d.ref} · Notes from the runbook${label}: ${plural(d.plan.notes.length, 'note')} kept as written`,
      blocks: [...frame(label), ...blocks],
    };
  });
}
