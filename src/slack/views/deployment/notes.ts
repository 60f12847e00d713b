import { findItem } from '../../../core/template/items.js';
import type { Deployment } from '../../../core/deployment/types.js';
import { ENVIRONMENT_LABELS } from '../../../core/deployment/types.js';
import { section } from '../blocks.js';
import { clip, firstFew, mention } from '../format.js';
import type { SlackMessage } from './message.js';
import { gateName } from './gate.js';
import { roomFailedNote } from './room.js';

/**
 * Short thread replies for moments worth a notification. Derived from state
 * with keys that identify the moment, so each is posted exactly once (and a
 * later undo does not take it back: it stays in the record).
 */
export function renderNotes(d: Deployment): SlackMessage[] {
  const notes: Array<{ at: number; key: string; text: string }> = [];
  for (const o of d.overrides) {
    const lacked = o.missing.length ? `\nIt was missing:\n${firstFew(o.missing, 5, (m) => `• ${clip(m, 150)}`).join('\n')}` : '';
    notes.push({
      at: o.at,
      key: `note:override:${o.gate}`,
      text: o.emergency
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
      text: `🙋 ${mention(o.by)} asks to override the ${gateName(o.gate)} of ${d.ref}: “${clip(o.reason, 1000)}”. It needs a second person: an approver of ${d.ref} or an admin grants it with *Grant override*.`,
    });
  }
  for (const role of d.plan.approvals) {
    const a = d.approvals[role.role];
    if (a?.decision !== 'rejected') continue;
    notes.push({
      at: a.at,
      key: `note:rejected:${role.role}:${a.at}`,
      text: `⛔ ${mention(a.by)} (${clip(role.label, 75)}) rejected ${d.ref}: “${clip(a.reason ?? '', 1000)}”`,
    });
  }
  for (const [key, s] of Object.entries(d.items)) {
    const p = s.state === 'failed' ? findItem(d.plan, key) : undefined;
    if (!p) continue;
    notes.push({
      at: s.at,
      key: `note:failed:${key}:${s.at}`,
      text: `❌ ${mention(s.by)} reported a failed step in “${clip(p.sectionTitle, 150)}”: *${clip(p.item.text, 500)}* — “${clip(s.note ?? '', 1000)}”`,
    });
  }
  if (d.cancelled) {
    notes.push({ at: d.cancelled.at, key: 'note:cancelled', text: `🚫 ${mention(d.cancelled.by)} cancelled ${d.ref}: “${clip(d.cancelled.reason, 1000)}”` });
  }
  if (d.completed) {
    const what = `${clip(d.service, 80)} ${clip(d.version, 64)}`;
    notes.push({
      at: d.completed.at,
      key: 'note:completed',
      // After monitoring, this moment is the healthy verdict (the work itself was completed when monitoring began).
      text: d.monitoring?.verdict?.healthy
        ? `💚 ${mention(d.completed.by)} marked ${d.ref} healthy after monitoring: ${what} stays deployed to ${ENVIRONMENT_LABELS[d.environment]}.`
        : `✅ ${mention(d.completed.by)} completed ${d.ref}: ${what} is deployed to ${ENVIRONMENT_LABELS[d.environment]}.`,
    });
  }
  const roomFailed = roomFailedNote(d);
  if (roomFailed) notes.push(roomFailed);
  return notes
    .sort((a, b) => a.at - b.at)
    .map((n) => ({ key: n.key, placement: 'thread' as const, text: n.text, blocks: [section(n.text)], once: true }));
}
