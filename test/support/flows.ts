import { expect } from 'vitest';
import { hasPlaceholder } from '../../src/core/template/placeholders.js';
import { encodeRef } from '../../src/slack/ids.js';
import type { FakeMessage } from './fake-slack.js';
import { CHANNELS, PEOPLE, type Harness } from './harness.js';
import { input } from './slack-requests.js';

/** Every button in a message: its action id, value and text. */
export function buttonsOf(message: FakeMessage): Array<{ actionId: string; value: string; text: string }> {
  const out: Array<{ actionId: string; value: string; text: string }> = [];
  const visit = (node: unknown) => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== 'object') return;
    const n = node as Record<string, unknown>;
    if (n.type === 'button' && typeof n.action_id === 'string') {
      out.push({
        actionId: n.action_id,
        value: String(n.value ?? ''),
        text: String((n.text as { text?: string })?.text ?? ''),
      });
    }
    Object.values(n).forEach(visit);
  };
  visit(message.blocks);
  return out;
}

/**
 * Whether `text` shows a template blank (`[…]`) raw, outside its code blocks: a validation query is
 * code, shown as written (`[table]` may be SQL Server's own brackets).
 */
export const showsRawBlank = (text: string): boolean => hasPlaceholder(text.replace(/```[^]*?```/g, ''));

/** All the text a reader sees in a message (blocks and fallback). */
export function textOf(message: FakeMessage): string {
  const parts: string[] = [message.text ?? ''];
  const visit = (node: unknown) => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== 'object') return;
    const n = node as Record<string, unknown>;
    if (typeof n.text === 'string') parts.push(n.text);
    Object.values(n).forEach(visit);
  };
  visit(message.blocks);
  return parts.join('\n');
}

/** The text Slack parses for mentions and links: the fallback text and every mrkdwn text object. */
export function mrkdwnOf(message: FakeMessage): string {
  const parts: string[] = [message.text ?? ''];
  const visit = (node: unknown) => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== 'object') return;
    const n = node as Record<string, unknown>;
    if (n.type === 'mrkdwn' && typeof n.text === 'string') parts.push(n.text);
    Object.values(n).forEach(visit);
  };
  visit(message.blocks);
  return parts.join('\n');
}

export interface StartValues {
  service?: string;
  version?: string;
  environment?: string;
  type?: string;
  template?: string;
  windowStart?: number;
  windowEnd?: number;
  deployer?: string;
  approvers?: Record<string, string | undefined>;
  announce?: string;
  branch?: string;
  changes?: string;
  tickets?: string;
}

export function startValues(h: Harness, v: StartValues = {}) {
  const now = Math.floor(h.clock.now() / 1000);
  const approvers = v.approvers ?? { dev_lead: PEOPLE.dev, qa_lead: PEOPLE.qa, ops_lead: PEOPLE.ops };
  const values: Record<string, Record<string, unknown>> = {
    service: { value: input.text(v.service ?? 'checkout') },
    version: { value: input.text(v.version ?? '2.4.0') },
    environment: { value: input.select(v.environment ?? 'production') },
    type: { value: input.select(v.type ?? 'release') },
    template: { 'start.template': input.select(v.template ?? 'standard-release') },
    window_start: { value: input.dateTime(v.windowStart ?? now + 3600) },
    window_end: { value: input.dateTime(v.windowEnd ?? now + 7200) },
    deployer: { value: input.user(v.deployer ?? PEOPLE.deployer) },
    branch: { value: input.text(v.branch ?? 'release/2.4') },
    changes: { value: input.text(v.changes ?? '- Faster checkout\n- Fix coupon rounding') },
    tickets: { value: input.text(v.tickets ?? '#SHOP-101: Faster checkout\n#SHOP-102: Coupon rounding') },
  };
  if (v.announce) values.announce_channel = { value: input.conversation(v.announce) };
  for (const [role, user] of Object.entries(approvers)) {
    if (user) values[`approver:${role}`] = { value: input.user(user) };
  }
  return values;
}

/** Runs `/deploy start` and submits the form; returns the new deployment's id and parent ts. */
export async function startDeployment(h: Harness, v: StartValues = {}, channel: string = CHANNELS.deploys) {
  const res = await h.slack.command('start checkout 2.4.0 prod', { user: v.deployer ?? PEOPLE.deployer, channel });
  expect(res.status).toBe(200);
  await h.settled();
  const opened = h.fake.lastView();
  expect(opened?.view).toBeDefined();
  const meta = (opened!.view as { private_metadata?: string }).private_metadata;
  const submitted = await h.slack.submitView({
    user: v.deployer ?? PEOPLE.deployer,
    callbackId: 'deploy.start',
    privateMetadata: meta ?? '',
    values: startValues(h, v),
    viewId: opened!.id,
  });
  expect(submitted.status).toBe(200);
  await h.settled();
  const row = h.query<{ id: number }>('SELECT id FROM deployments ORDER BY id DESC LIMIT 1')[0];
  expect(row).toBeDefined();
  const parent = h.fake.messages(channel).find((m) => !m.thread_ts || m.thread_ts === m.ts);
  return { id: row!.id, parentTs: parent?.ts ?? '', submitted };
}

/** The thread's messages, parent excluded. */
export const threadOf = (h: Harness, parentTs: string, channel: string = CHANNELS.deploys) =>
  h.fake.thread(channel, parentTs).slice(1);

/** Finds the message holding a button, and presses it as `user`. */
export async function press(
  h: Harness,
  user: string,
  actionId: string,
  ref: Parameters<typeof encodeRef>[0],
  channel: string = CHANNELS.deploys,
) {
  const value = encodeRef(ref);
  const message = h.fake
    .messages(channel)
    .find((m) => buttonsOf(m).some((b) => b.actionId === actionId && b.value === value));
  const res = await h.slack.action({
    user,
    actionId,
    value,
    channel,
    ...(message ? { messageTs: message.ts, ...(message.thread_ts ? { threadTs: message.thread_ts } : {}) } : {}),
  });
  await h.settled();
  return { res, message };
}
