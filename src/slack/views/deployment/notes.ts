import type { Deployment } from '../../../core/deployment/types.js';
import { section } from '../blocks.js';
import { clip, firstFew, hinted, mention } from '../format.js';
import type { SlackMessage } from './message.js';
import { gateName } from './gate.js';
import { roomFailedNote } from './room.js';

/**
 * Short thread replies for moments worth a notification that no notice of the
 * communication plan already tells the thread: an override (who, why, what it
 * lacked), and a dedicated channel that could not be created. A rejection, a
 * failed step, a cancellation and the completion each get their notice in the
 * thread (src/core/schedule/plan.ts), and nothing is said twice. Derived from
 * state with keys that identify the moment, so each is posted exactly once
 * (and a later undo does not take it back: it stays in the record).
 */
export function renderNotes(d: Deployment): SlackMessage[] {
  const notes: Array<{ at: number; key: string; text: string }> = [];
  for (const o of d.overrides) {
    const lacked = o.missing.length
      ? `\nIt was missing:\n${firstFew(o.missing, 5, (m) => `• ${hinted(clip(m, 150))}`).join('\n')}`
      : '';
    notes.push({
      at: o.at,
      key: `note:override:${o.gate}`,
      text:
        o.gate === 'calendar'
          ? `🚨 ${mention(o.by)} granted ${d.ref} as an emergency outside the calendar${o.requestedBy ? `, asked by ${mention(o.requestedBy)}` : ''}: “${clip(o.reason, 1000)}”${lacked}`
          : o.emergency
            ? `🚨 ${mention(o.by)} (admin) overrode the ${gateName(o.gate)} of ${d.ref} as an emergency: “${clip(o.reason, 1000)}”${lacked}`
            : o.requestedBy
              ? `🔓 ${mention(o.by)} granted the override of the ${gateName(o.gate)} of ${d.ref} that ${mention(o.requestedBy)} asked for: “${clip(o.reason, 1000)}”${lacked}`
              : `🔓 ${mention(o.by)} overrode the ${gateName(o.gate)} of ${d.ref}: “${clip(o.reason, 1000)}”${lacked}`,
    });
  }
  for (const o of Object.values(d.overrideRequests ?? {})) {
    notes.push({
      at: o.at,
      key: `note:override-asked:${o.gate}:${o.at}`,
      text:
        o.gate === 'calendar'
          ? `🚨 ${mention(o.by)} asks to deploy ${d.ref} as an emergency outside the calendar: “${clip(o.reason, 1000)}”. ${clip(o.missing[0] ?? '', 300)} It needs a second person: an approver of ${d.ref} other than its deployer, or an admin, grants it with *Grant override*.`
          : `🙋 ${mention(o.by)} asks to override the ${gateName(o.gate)} of ${d.ref}: “${clip(o.reason, 1000)}”. It needs a second person: an approver of ${d.ref} or an admin grants it with *Grant override*.`,
    });
  }
  const roomFailed = roomFailedNote(d);
  if (roomFailed) notes.push(roomFailed);
  return notes
    .sort((a, b) => a.at - b.at)
    .map((n) => ({ key: n.key, placement: 'thread' as const, text: n.text, blocks: [section(n.text)], once: true }));
}
