import type { KnownBlock, ModalView } from '@slack/types';
import type { Item, Phase } from '../../../core/template/schema.js';
import { encodeRef, ModalField, ViewId, type ActionRef } from '../../ids.js';
import { context, plain, section } from '../blocks.js';
import { clip, hinted, plainHinted } from '../format.js';
import { input, option, textInput } from './inputs.js';

function modal(o: {
  callbackId: string;
  title: string;
  submit: string;
  close?: string;
  metadata: string;
  blocks: KnownBlock[];
}): ModalView {
  return {
    type: 'modal',
    callback_id: o.callbackId,
    title: plain(o.title, 24),
    submit: plain(o.submit, 24),
    close: plain(o.close ?? 'Cancel', 24),
    private_metadata: o.metadata,
    blocks: o.blocks,
  };
}

export interface EvidenceModalInput {
  d: number;
  key: string;
  label: string;
  hint?: string | undefined;
  kind: 'url' | 'text';
  itemText: string;
}

/** Asks for what an item needs to be confirmed: a link or a short text. */
export function evidenceModal({ d, key, label, hint, kind, itemText }: EvidenceModalInput): ModalView {
  const element =
    kind === 'url'
      ? ({
          type: 'url_text_input',
          placeholder: plain(hint && /^https?:/.test(hint) ? hint : 'https://…', 150),
        } as const)
      : textInput({ maxLength: 1000, ...(hint ? { placeholder: plainHinted(hint) } : {}) });
  return modal({
    callbackId: ViewId.evidence,
    title: 'Confirm item',
    submit: 'Confirm',
    metadata: encodeRef({ d, k: key }),
    blocks: [
      section(`*${hinted(clip(itemText, 2000))}*`),
      input(ModalField.evidence, plainHinted(label), element, {
        hint:
          kind === 'url'
            ? 'Paste a link starting with https://. It is shown next to the item.'
            : 'It is shown next to the item in the thread.',
      }),
    ],
  });
}

export interface ReasonModalInput {
  callbackId: string;
  title: string;
  /** The question, shown as the field's label. */
  prompt: string;
  ref: ActionRef;
  /** A line above the field: what this is about and who will see the reason. */
  context?: string;
}

const SUBMIT: Record<string, string> = {
  [ViewId.reject]: 'Reject',
  [ViewId.overrideGate]: 'Override',
  [ViewId.cancel]: 'Cancel deployment',
};

/** Asks why: for a rejection, a gate override or a cancellation. */
export function reasonModal({ callbackId, title, prompt, ref, context: about }: ReasonModalInput): ModalView {
  return modal({
    callbackId,
    title,
    submit: SUBMIT[callbackId] ?? 'Submit',
    close: callbackId === ViewId.cancel ? 'Keep it' : 'Cancel',
    metadata: encodeRef(ref),
    blocks: [
      ...(about ? [context(clip(about, 2000))] : []),
      input(
        ModalField.reason,
        prompt,
        textInput({ multiline: true, maxLength: 1000, placeholder: 'The reason is recorded with your name.' }),
      ),
    ],
  });
}

export interface FailStepModalInput {
  d: number;
  phase: Phase;
  steps: Array<{ key: string; item: Item }>;
}

/** Option values hold at most this many characters (Slack documents 150, @slack/types says 75). */
export const MAX_OPTION_VALUE = 75;

/**
 * Asks which step of a running phase failed and what went wrong. An option's
 * value is the step's item key, or, when the key is too long for an option,
 * the step's index in the phase as a string (keys always contain a dot).
 */
export function failStepModal({ d, phase, steps }: FailStepModalInput): ModalView {
  const options = steps
    .slice(0, 100)
    .map((s, i) => option(plainHinted(s.item.text), s.key.length <= MAX_OPTION_VALUE ? s.key : String(i)));
  return modal({
    callbackId: ViewId.failStep,
    title: 'Report a failed step',
    submit: 'Report',
    metadata: encodeRef({ d, p: phase.id }),
    blocks: [
      section(`Phase “${clip(phase.title, 150)}”. Everyone following the deployment sees the report.`),
      input(ModalField.step, 'Which step failed?', {
        type: 'static_select',
        options,
        placeholder: plain('Choose a step'),
      }),
      input(ModalField.reason, 'What went wrong?', textInput({ multiline: true, maxLength: 1000 })),
    ],
  });
}

/** What a form Liftoff no longer knows (opened before an upgrade) turns into when submitted: nothing is saved. */
export function outdatedFormModal(): ModalView {
  return {
    type: 'modal',
    title: plain('Form out of date', 24),
    close: plain('Close', 24),
    blocks: [
      section(
        'This form is from an older version of Liftoff, so nothing was saved. Close it and start again from the latest message or with `/deploy`.',
      ),
    ],
  };
}
