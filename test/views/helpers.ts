import type { KnownBlock } from '@slack/types';
import type { SlackMessage } from '../../src/slack/views/deployment/index.js';

type Json = Record<string, any>;

/** Every text object ({ type: 'mrkdwn' | 'plain_text', text }) anywhere in a structure. */
export function textObjects(node: unknown, out: Array<{ type: string; text: string }> = []) {
  if (Array.isArray(node)) node.forEach((n) => textObjects(n, out));
  else if (node && typeof node === 'object') {
    const o = node as Json;
    if ((o.type === 'mrkdwn' || o.type === 'plain_text') && typeof o.text === 'string')
      out.push({ type: o.type, text: o.text });
    Object.values(o).forEach((v) => textObjects(v, out));
  }
  return out;
}

/** What a reader sees in mrkdwn, joined: enough to search in. */
export const mrkdwnOf = (blocks: unknown) =>
  textObjects(blocks)
    .filter((t) => t.type === 'mrkdwn')
    .map((t) => t.text)
    .join('\n');
export const allTextOf = (blocks: unknown) =>
  textObjects(blocks)
    .map((t) => t.text)
    .join('\n');

export interface FoundButton {
  action_id: string;
  value?: string;
  text: string;
  style?: string;
  confirm?: Json;
}

export function buttons(blocks: KnownBlock[] | unknown): FoundButton[] {
  const out: FoundButton[] = [];
  const walk = (n: unknown) => {
    if (Array.isArray(n)) n.forEach(walk);
    else if (n && typeof n === 'object') {
      const o = n as Json;
      if (o.type === 'button')
        out.push({ action_id: o.action_id, value: o.value, text: o.text.text, style: o.style, confirm: o.confirm });
      else Object.values(o).forEach(walk);
    }
  };
  walk(blocks);
  return out;
}

export function message(all: SlackMessage[], key: string): SlackMessage {
  const m = all.find((x) => x.key === key);
  if (!m) throw new Error(`no message ${key}; have ${all.map((x) => x.key).join(', ')}`);
  return m;
}

/** The Block Kit limits this code relies on, checked without the fake Slack. */
export function ownLimitProblems(blocks: KnownBlock[], text: string): string[] {
  const problems: string[] = [];
  if (!text.trim()) problems.push('empty fallback text');
  if (text.length > 40_000) problems.push('text over 40,000');
  if (blocks.length > 50) problems.push(`${blocks.length} blocks`);
  const json = JSON.stringify(blocks).length;
  if (json > 11_000) problems.push(`${json} characters of blocks`);
  for (const b of blocks as Json[]) {
    if (b.type === 'header' && b.text.text.length > 150) problems.push('header over 150');
    if (b.type === 'section' && b.text && (b.text.text.length > 3000 || b.text.text.length < 1))
      problems.push('section text length');
    if (b.type === 'section' && b.fields && (b.fields.length > 10 || b.fields.some((f: Json) => f.text.length > 2000)))
      problems.push('fields');
    if (b.type === 'context' && b.elements.length > 10) problems.push('context elements');
    if (b.type === 'actions' && b.elements.length > 25) problems.push('actions elements');
  }
  // md() cuts at 3000 as a last resort; reaching it means a cap upstream is missing.
  if (textObjects(blocks).some((t) => t.text.length >= 3000)) problems.push('a text reached 3000 characters');
  for (const btn of buttons(blocks)) {
    if (btn.text.length > 75) problems.push('button text');
    if ((btn.value ?? '').length > 2000) problems.push('button value');
    if (btn.confirm) {
      const c = btn.confirm;
      if (
        c.title.text.length > 100 ||
        c.text.text.length > 300 ||
        c.confirm.text.length > 30 ||
        c.deny.text.length > 30
      )
        problems.push('confirm');
    }
  }
  return problems;
}
