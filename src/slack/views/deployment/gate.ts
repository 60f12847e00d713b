import type { Button } from '@slack/types';
import type { GateReport } from '../../../core/deployment/gates.js';
import type { Deployment } from '../../../core/deployment/types.js';
import { ActionId, encodeRef } from '../../ids.js';
import { button, confirmDialog } from '../blocks.js';
import { clip, firstFew, hinted, mention, slackDate } from '../format.js';

const NAMES = { start: 'Start gate', complete: 'Completion gate', calendar: 'Calendar gate' } as const;

/** A gate in running text: "start gate", "completion gate" (never the raw id `complete`). */
export const gateName = (gate: keyof typeof NAMES) => NAMES[gate].toLowerCase();

const bullets = (lines: string[], max: number) => firstFew(lines, max, (m) => `• ${hinted(clip(m, 120))}`).join('\n');

/** What a gate says: open, overridden (who, when, why, what it lacked) or what it still lacks. */
export function gateText(r: GateReport): string {
  const name = NAMES[r.gate];
  if (r.overridden) {
    // The reason and what it lacked are in the override note in the thread: said once.
    const o = r.overridden;
    const how = o.emergency ? ' as an emergency (admin)' : o.requestedBy ? `, asked by ${mention(o.requestedBy)}` : '';
    return `🔓 *${name} overridden* by ${mention(o.by)}${how} · ${slackDate(o.at)} (why, and what it lacked: the override note below)`;
  }
  if (r.gate === 'calendar' && r.requested)
    return `🚨 *Emergency outside the calendar* (${clip(r.requested.missing[0] ?? '', 300)}), asked by ${mention(r.requested.by)}: “${clip(r.requested.reason, 200)}”.\n⏳ It waits for a second person: an approver other than its deployer, or an admin, grants it.`;
  if (r.open) {
    return r.gate === 'start'
      ? `✅ *${name} open*: every required approval and pre-deployment item is done.`
      : `✅ *${name} open*: every phase and required check is done.`;
  }
  const asked = r.requested
    ? `\n⏳ ${mention(r.requested.by)} asks to override it · ${slackDate(r.requested.at)}: “${clip(r.requested.reason, 200)}”. An approver or an admin grants it.`
    : '';
  return `🔒 *${name} closed*. Still missing:\n${bullets(r.missing, 6)}${asked}`;
}

/**
 * Gate reports as long as they can be rendered, whatever the state: the
 * layout measures gates with these, since the real missing lines depend on
 * which items are still open.
 */
export function worstReports(gate: GateReport['gate']): GateReport[] {
  const missing = Array<string>(40).fill('"'.repeat(600));
  const overridden = {
    gate,
    by: `U${'Z'.repeat(20)}`,
    at: 4_102_444_800_000,
    reason: '"'.repeat(2000),
    missing,
    requestedBy: `U${'Z'.repeat(20)}`,
  };
  return [
    { gate, open: false, missing },
    { gate, open: false, missing, requested: overridden },
    { gate, open: true, missing, overridden },
    { gate, open: true, missing: [] },
  ];
}

/** Override gate… (the deployer, or an admin at once); Grant override once the deployer asked for one. */
export const overrideButton = (d: Deployment, r: GateReport): Button =>
  r.requested
    ? button({
        text: 'Grant override',
        actionId: ActionId.grantOverride,
        value: encodeRef({ d: d.id, g: r.gate }),
        confirm: confirmDialog({
          title: r.gate === 'calendar' ? 'Grant the emergency?' : 'Grant the override?',
          text:
            r.gate === 'calendar'
              ? `${d.ref} may then start outside the deploy calendar, as an emergency. Only an approver of ${d.ref} other than its deployer, or an admin, can grant it; your name is recorded.`
              : `${d.ref} goes ahead without what its ${gateName(r.gate)} is missing. Only an approver of ${d.ref} other than its deployer, or an admin, can grant it; your name is recorded.`,
          confirm: 'Grant',
          style: 'danger',
        }),
      })
    : button({ text: 'Override gate…', actionId: ActionId.overrideGate, value: encodeRef({ d: d.id, g: r.gate }) });
