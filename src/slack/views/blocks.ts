import type {
  ActionsBlock,
  ActionsBlockElement,
  Button,
  ConfirmationDialog,
  ContextBlock,
  DividerBlock,
  HeaderBlock,
  MrkdwnElement,
  PlainTextElement,
  SectionBlock,
} from '@slack/types';
import { truncate } from '../../core/text.js';

/** Small constructors for the blocks Liftoff uses; each one keeps its text within Slack's limits. */

export const plain = (text: string, max = 3000): PlainTextElement => ({
  type: 'plain_text',
  text: truncate(text.trim() || '–', max),
  emoji: true,
});

/** `text` must already be escaped mrkdwn. */
export const md = (text: string, max = 3000): MrkdwnElement => ({ type: 'mrkdwn', text: truncate(text || ' ', max) });

export const header = (text: string): HeaderBlock => ({ type: 'header', text: plain(text, 150) });

export const divider = (): DividerBlock => ({ type: 'divider' });

export function section(text: string, accessory?: Button): SectionBlock {
  return { type: 'section', text: md(text), ...(accessory ? { accessory } : {}) };
}

export function context(...texts: string[]): ContextBlock {
  return {
    type: 'context',
    elements: texts
      .filter(Boolean)
      .slice(0, 10)
      .map((t) => md(t)),
  };
}

export function actions(elements: ActionsBlockElement[]): ActionsBlock {
  return { type: 'actions', elements: elements.slice(0, 25) };
}

export interface ButtonSpec {
  text: string;
  actionId: string;
  value?: string;
  style?: 'primary' | 'danger';
  confirm?: ConfirmationDialog;
}

export function button({ text, actionId, value, style, confirm }: ButtonSpec): Button {
  return {
    type: 'button',
    text: plain(text, 75),
    action_id: actionId,
    ...(value !== undefined ? { value } : {}),
    ...(style ? { style } : {}),
    ...(confirm ? { confirm } : {}),
  };
}

export function confirmDialog(o: {
  title: string;
  text: string;
  confirm: string;
  deny?: string;
  style?: 'primary' | 'danger';
}): ConfirmationDialog {
  return {
    title: plain(o.title, 100),
    text: plain(o.text, 300),
    confirm: plain(o.confirm, 30),
    deny: plain(o.deny ?? 'Go back', 30),
    ...(o.style ? { style: o.style } : {}),
  };
}
