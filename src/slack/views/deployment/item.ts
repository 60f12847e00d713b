import type { Button, KnownBlock } from '@slack/types';
import { endNoticeToCome, isLiftoffsAtTheEnd, LIFTOFF_ACTOR } from '../../../core/schedule/liftoff-steps.js';
import { BY_HEALTH_CHECK } from '../../../core/deployment/health-checks.js';
import type { Deployment } from '../../../core/deployment/types.js';
import type { PlanItem } from '../../../core/template/items.js';
import { ActionId, encodeRef } from '../../ids.js';
import { button, context, section } from '../blocks.js';
import { clip, hinted, joinLines, mention, safeLink, slackDate } from '../format.js';

export type ItemButton = 'confirm' | 'undo' | null;

const ITEM_TEXT_MAX = 2000;
const EVIDENCE_MAX = 300;
/** The step line shows the start of a failure note; the whole note is posted in the thread (note:failed:…). */
const NOTE_MAX = 120;

/** The checklist line's first part: state mark, indentation for sub-items, the text. */
function line(p: PlanItem, mark: string, bold = false): string {
  const indent = p.item.level ? '\u2003↳ ' : '';
  const text = hinted(clip(p.item.text, ITEM_TEXT_MAX));
  const optional = p.item.required ? '' : ' _(optional)_';
  return `${indent}${mark} ${bold ? `*${text}*` : text}${optional}`;
}

function evidenceLine(p: PlanItem, value: string | undefined, done: boolean): string | null {
  const ev = p.item.evidence;
  if (!ev) return null;
  const label = clip(ev.label, 150);
  if (!done) return `📎 Needs: ${label}`;
  if (!value) return `📎 ${label}: _none given_`;
  const link = safeLink(value);
  return link ? `🔗 ${label}: ${link}` : `📎 ${label}: ${clip(value, EVIDENCE_MAX)}`;
}

function accessory(d: Deployment, p: PlanItem, kind: ItemButton): Button | undefined {
  if (kind === 'confirm') {
    return button({
      text: p.item.evidence ? 'Confirm…' : 'Confirm',
      actionId: ActionId.confirmItem,
      value: encodeRef({ d: d.id, k: p.key }),
    });
  }
  if (kind === 'undo')
    return button({ text: 'Undo', actionId: ActionId.undoItem, value: encodeRef({ d: d.id, k: p.key }) });
  return undefined;
}

/**
 * One checklist item: a section with its state and button, and a small
 * context line for its details and evidence. Only phase steps can fail, so
 * only they show a failure note.
 */
export function itemBlocks(d: Deployment, p: PlanItem, kind: ItemButton): KnownBlock[] {
  const state = d.items[p.key];
  let text: string;
  if (state?.state === 'done') {
    const liftoff =
      state.evidence === BY_HEALTH_CHECK ? '🤖 confirmed by health check' : '🤖 done by Liftoff (its notice)';
    const by = state.by === LIFTOFF_ACTOR ? liftoff : mention(state.by);
    text = `${line(p, '✅')} — ${by} · ${slackDate(state.at)}`;
  } else if (state?.state === 'failed' && p.stage === 'phase') {
    const note = state.note ? `: ${clip(state.note, NOTE_MAX)}` : '';
    text = `${line(p, '❌', true)} — failed, ${mention(state.by)}${note}`;
  } else if (isLiftoffsAtTheEnd(p)) {
    // Nobody confirms it: Liftoff's notice at the end does it (a Confirm would be refused); a deployment
    // rolled back or cancelled never completes, and its thread does not promise the notice any more.
    const end = p.stage === 'rollback' ? 'the rollback is complete' : 'the deployment is complete';
    const instead = d.status === 'cancelled' ? 'the deployment was cancelled' : 'a rollback took its place';
    text = endNoticeToCome(d, p)
      ? `${line(p, '⬜')} — 🤖 _Liftoff does this when ${end}_`
      : `${line(p, '⬜')} — 🤖 _no completion notice: ${instead}_`;
  } else {
    text = line(p, '⬜');
  }
  const small = [
    p.item.details.length
      ? joinLines(
          p.item.details.map((x) => hinted(clip(x, 600))),
          1500,
          '',
        )
      : '',
    evidenceLine(p, state?.state === 'done' ? state.evidence : undefined, state?.state === 'done') ?? '',
  ].filter(Boolean);
  // Nobody confirms Liftoff's steps done at the end, nor undoes a notice Liftoff sent.
  const liftoffs = kind === 'confirm' ? isLiftoffsAtTheEnd(p) : kind === 'undo' && state?.by === LIFTOFF_ACTOR;
  const shown = liftoffs ? undefined : accessory(d, p, kind);
  return [section(text, shown), ...(small.length ? [context(...small)] : [])];
}
