import type { InputBlock, InputBlockElement, PlainTextOption } from '@slack/types';
import { INPUT_ACTION } from '../../ids.js';
import { plain } from '../blocks.js';

/** An input block; its element gets INPUT_ACTION unless it carries its own action id. */
export function input(
  blockId: string,
  label: string,
  element: InputBlockElement,
  o: { optional?: boolean; hint?: string; dispatch?: boolean } = {},
): InputBlock {
  return {
    type: 'input',
    block_id: blockId,
    label: plain(label, 2000),
    element: { action_id: INPUT_ACTION, ...element } as InputBlockElement,
    ...(o.optional ? { optional: true } : {}),
    ...(o.hint ? { hint: plain(o.hint, 2000) } : {}),
    ...(o.dispatch ? { dispatch_action: true } : {}),
  };
}

export const option = (text: string, value: string): PlainTextOption => ({ text: plain(text, 75), value });

export function textInput(o: {
  initial?: string | undefined;
  multiline?: boolean;
  maxLength: number;
  placeholder?: string;
}): InputBlockElement {
  return {
    type: 'plain_text_input',
    max_length: o.maxLength,
    ...(o.multiline ? { multiline: true } : {}),
    ...(o.initial ? { initial_value: o.initial.slice(0, o.maxLength) } : {}),
    ...(o.placeholder ? { placeholder: plain(o.placeholder, 150) } : {}),
  };
}
