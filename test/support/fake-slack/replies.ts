/** Replies that do not go through the Web API: POSTs to a response_url, and the answer (ack body) to a slash command. */
import { judgeMessage } from '../block-kit-rules.js';
import type { SlackJson } from './types.js';
import { blocksArg, bool, RESPONSE_URL_TTL_MS, RESPONSE_URL_USES, str, type Workspace } from './workspace.js';

export interface HttpAnswer {
  status: number;
  body: SlackJson;
}

/** A POST to response_url `id`: replaces or deletes the original message, posts in the channel, or shows an ephemeral. */
export function responseUrlPosted(ws: Workspace, id: string, args: SlackJson): HttpAnswer {
  const refuse = (status: number, error: string, extra: SlackJson = {}): HttpAnswer => ({
    status,
    body: { ok: false, error, ...extra },
  });
  const r = ws.responseUrls.get(id);
  if (!r || ws.now() - r.issued > RESPONSE_URL_TTL_MS) return refuse(404, 'expired_url');
  if (r.uses >= RESPONSE_URL_USES) return refuse(404, 'used_url');
  if (args.__invalid_json) return refuse(400, 'invalid_payload');
  r.uses++;

  const blocks = blocksArg(args);
  const text = typeof args.text === 'string' ? args.text : undefined;
  const replace = bool(args.replace_original);
  const del = bool(args.delete_original);
  if (!del) {
    const verdict = judgeMessage(blocks, text);
    if (verdict) return refuse(400, verdict.error, { response_metadata: { messages: verdict.messages } });
    if (blocks?.length && !text?.trim())
      ws.warnings.push(
        'response_url: blocks without top-level text (notifications and screen readers need a fallback text)',
      );
    if (text === undefined && !blocks?.length && !replace) return refuse(400, 'no_text');
  }

  const original = r.channel && r.messageTs ? ws.findMessage(r.channel, r.messageTs) : undefined;
  if (original && del) {
    ws.messages = ws.messages.filter((m) => m !== original);
    return { status: 200, body: { ok: true } };
  }
  if (original && replace) {
    ws.edit(original, { text, blocks });
    return { status: 200, body: { ok: true } };
  }
  const threadTs = str(args.thread_ts) || r.threadTs;
  if (args.response_type === 'in_channel' && !replace && !del && r.channel) {
    if (ws.channels.get(r.channel)?.isArchived) return { status: 200, body: { ok: false, error: 'is_archived' } };
    ws.post({ channel: r.channel, text: text ?? '', blocks, thread_ts: str(args.thread_ts) || undefined });
    return { status: 200, body: { ok: true } };
  }
  ws.ephemerals.push({
    ...(r.channel ? { channel: r.channel } : {}),
    ...(r.user ? { user: r.user } : {}),
    text: text ?? '',
    blocks: blocks ?? [],
    ...(threadTs ? { thread_ts: threadTs } : {}),
    via: 'response_url',
    ...(replace ? { replace_original: true } : {}),
    ...(del ? { delete_original: true } : {}),
    ...(typeof args.response_type === 'string' ? { response_type: args.response_type } : {}),
    at: ws.now(),
  });
  return { status: 200, body: { ok: true } };
}

/** The HTTP answer to a slash command: text, or JSON with `response_type` ephemeral (default) or in_channel. */
export function commandAnswered(ws: Workspace, ctx: { channel: string; user: string }, body: string) {
  if (!body.trim()) return;
  let answer: SlackJson;
  try {
    const parsed: unknown = JSON.parse(body);
    answer = parsed && typeof parsed === 'object' ? (parsed as SlackJson) : { text: body };
  } catch {
    answer = { text: body };
  }
  const blocks = Array.isArray(answer.blocks) ? (answer.blocks as unknown[]) : undefined;
  const text = typeof answer.text === 'string' ? answer.text : undefined;
  const verdict = judgeMessage(blocks, text);
  if (verdict)
    return void ws.warnings.push(
      `slash command answer refused by Slack (${verdict.error}): ${verdict.messages.join('; ')}`,
    );
  if (blocks?.length && !text?.trim()) ws.warnings.push('slash command answer: blocks without top-level text');
  if (answer.response_type === 'in_channel') ws.post({ channel: ctx.channel, text: text ?? '', blocks });
  else
    ws.ephemerals.push({
      channel: ctx.channel,
      user: ctx.user,
      text: text ?? '',
      blocks: blocks ?? [],
      via: 'command_ack',
      at: ws.now(),
    });
}
