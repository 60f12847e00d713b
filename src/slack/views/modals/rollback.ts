import { isOnlyPlaceholder } from '../../../core/template/placeholders.js';
import type { InputBlockElement, KnownBlock, ModalView, PlainTextOption } from '@slack/types';
import { ENVIRONMENT_LABELS, type Deployment } from '../../../core/deployment/types.js';
import type { Template } from '../../../core/template/schema.js';
import { encodeRef, RollbackField, ViewId } from '../../ids.js';
import { context, plain, section } from '../blocks.js';
import { clip, plainHinted } from '../format.js';
import { RESTORE_LABELS } from '../deployment/rollback.js';
import { input, option, textInput } from './inputs.js';

/** The "another reason" choice among the trigger conditions. */
export const OTHER_TRIGGER = 'other';
/** Trigger options: "t<index into plan.rollback.triggers>", then "other". Radio buttons hold 10 at most. */
const MAX_RADIO = 10;

/** Which restore boxes start ticked: read from the template's rollback steps. */
export function restorePreset(plan: Template): string[] {
  const text = plan.rollback.steps.map((s) => `${s.text} ${s.details.join(' ')}`.toLowerCase()).join('\n');
  const out: string[] = [];
  if (/code|artifact|previous (stable )?version|redeploy|revert/.test(text)) out.push('code');
  if (/config/.test(text)) out.push('configuration');
  if (/migration/.test(text)) out.push('database');
  if (/backup/.test(text)) out.push('data');
  return out.length ? out : ['code'];
}

export interface RollbackModalInput {
  d: Deployment;
  /** The version it returns to, from history; null when no earlier deployment completed. */
  toVersion: string | null;
}

/**
 * The one confirmation before a rollback: the trigger, what to restore, a
 * note, and which versions. Submitting it starts the rollback.
 */
export function rollbackModal({ d, toVersion }: RollbackModalInput): ModalView {
  const triggers = d.plan.rollback.triggers;
  const options: PlainTextOption[] = [
    // A trigger the template left blank (`[Condition that requires rollback]`) is no reason anyone can pick.
    ...triggers.flatMap((t, i) => (isOnlyPlaceholder(t) ? [] : [option(plainHinted(t), `t${i}`)])),
    option('Other (say below)', OTHER_TRIGGER),
  ];
  const choice: InputBlockElement =
    options.length <= MAX_RADIO
      ? { type: 'radio_buttons', options }
      : { type: 'static_select', options: options.slice(0, 100), placeholder: plain('Choose the trigger') };
  const restore = Object.entries(RESTORE_LABELS).map(([value, label]) => option(label, value));
  const preset = restorePreset(d.plan);
  const env = ENVIRONMENT_LABELS[d.environment];
  const to = toVersion
    ? `*${clip(toVersion, 64)}*`
    : '_the previous version (no earlier completed deployment is on record)_';
  const estimate = d.plan.rollback.estimatedMinutes
    ? ` It is estimated to take ${d.plan.rollback.estimatedMinutes} min.`
    : '';
  const blocks: KnownBlock[] = [
    section(`Roll back *${clip(d.service, 80)}* in ${env} from *${clip(d.version, 64)}* to ${to}.`),
    input(RollbackField.trigger, 'What triggered the rollback?', choice),
    input(
      RollbackField.other,
      'Another reason, in words',
      textInput({ maxLength: 500, placeholder: 'Needed when you choose “Other”.' }),
      { optional: true },
    ),
    input(RollbackField.restore, 'What to restore', {
      type: 'checkboxes',
      options: restore,
      initial_options: restore.filter((o) => preset.includes(o.value ?? '')),
    }),
    input(
      RollbackField.note,
      'Note',
      textInput({ multiline: true, maxLength: 1000, placeholder: 'Anything the team should know.' }),
      { optional: true },
    ),
    context(
      `Submitting starts the rollback at once: ${d.ref} becomes “rolling back”, open phases close, the rollback plan is posted in the thread, everyone is told, and ${clip(d.service, 80)} in ${env} is locked against new deployments.${estimate}`,
    ),
  ];
  return {
    type: 'modal',
    callback_id: ViewId.rollback,
    title: plain(`Roll back ${d.ref}`, 24),
    submit: plain('Roll back', 24),
    close: plain('Cancel', 24),
    private_metadata: encodeRef({ d: d.id }),
    blocks,
  };
}
