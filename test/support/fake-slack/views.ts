/** views.* methods, and what Slack does with the answer to a view_submission. */
import { judgeView } from '../block-kit-rules.js';
import type { Handler } from './chat.js';
import { viewJson } from './json.js';
import type { FakeView, SlackJson } from './types.js';
import {
  invalidArguments,
  required,
  SlackError,
  str,
  TRIGGER_TTL_MS,
  VIEW_STACK_MAX,
  type Workspace,
} from './workspace.js';

/** The views of `v`'s stack still on screen, root first. */
function liveStack(ws: Workspace, v: FakeView): FakeView[] {
  const root = v.stack[0] ?? v.id;
  return ws.views.filter((x) => x.kind === 'modal' && !x.closed && x.stack[0] === root);
}

function addView(ws: Workspace, v: Omit<FakeView, 'id' | 'hash' | 'updates' | 'stack'>, under?: FakeView): FakeView {
  const id = `V${ws.seq()}`;
  const view: FakeView = {
    id,
    hash: ws.newHash(),
    updates: 0,
    stack: [...(under?.stack ?? []), id],
    ...v,
    ...(under ? { root_view_id: under.stack[0] ?? under.id, previous_view_id: under.id } : {}),
  };
  ws.views.push(view);
  ws.lastViewId = id;
  return view;
}

function replaceView(ws: Workspace, v: FakeView, view: SlackJson, op: FakeView['op']) {
  v.view = view;
  v.hash = ws.newHash();
  v.op = op;
  v.updates++;
  delete v.errors;
  ws.lastViewId = v.id;
}

function useTrigger(ws: Workspace, id: string | undefined): { user?: string } {
  if (!id) throw invalidArguments('missing required field: trigger_id');
  const t = ws.triggers.get(id);
  if (!t || ws.now() - t.issued > TRIGGER_TTL_MS) throw new SlackError('expired_trigger_id');
  if (t.used) throw new SlackError('exchanged_trigger_id');
  t.used = true;
  return t.user ? { user: t.user } : {};
}

export function viewMethods(ws: Workspace): Record<string, Handler> {
  return {
    'views.open': (args) => {
      ws.checkView(args.view);
      const trigger = str(args.trigger_id);
      const by = useTrigger(ws, trigger);
      if (args.view.type !== 'modal') throw invalidArguments('views.open needs a modal [json-pointer:/view/type]');
      const v = addView(ws, {
        ...(trigger ? { trigger_id: trigger } : {}),
        ...by,
        view: args.view,
        kind: 'modal',
        op: 'open',
      });
      return { view: viewJson(ws, v) };
    },

    'views.push': (args) => {
      ws.checkView(args.view);
      const trigger = str(args.trigger_id);
      const by = useTrigger(ws, trigger);
      // The stack pushed onto: the user's most recent modal still open.
      const top = [...ws.views]
        .reverse()
        .find((x) => x.kind === 'modal' && !x.closed && (!by.user || x.user === by.user));
      if (top && liveStack(ws, top).length >= VIEW_STACK_MAX) throw new SlackError('push_limit_reached');
      const v = addView(
        ws,
        { ...(trigger ? { trigger_id: trigger } : {}), ...by, view: args.view, kind: 'modal', op: 'push' },
        top,
      );
      return { view: viewJson(ws, v) };
    },

    'views.update': (args) => {
      const id = str(args.view_id);
      const ext = str(args.external_id);
      if (!id && !ext) throw invalidArguments('view_id or external_id is required');
      const v = id ? ws.views.find((x) => x.id === id) : ws.views.find((x) => x.view.external_id === ext);
      if (!v || v.closed) throw new SlackError('not_found');
      ws.checkView(args.view);
      const hash = str(args.hash);
      if (hash && hash !== v.hash) throw new SlackError('hash_conflict');
      replaceView(ws, v, args.view, 'update');
      return { view: viewJson(ws, v) };
    },

    'views.publish': (args) => {
      const userId = required(args, 'user_id');
      ws.knownUser(userId);
      ws.checkView(args.view);
      if (args.view.type !== 'home')
        throw invalidArguments('views.publish needs a home view [json-pointer:/view/type]');
      const existing = ws.views.find((x) => x.kind === 'home' && x.user === userId);
      if (!existing)
        return { view: viewJson(ws, addView(ws, { user: userId, view: args.view, kind: 'home', op: 'publish' })) };
      const hash = str(args.hash);
      if (hash && hash !== existing.hash) throw new SlackError('hash_conflict');
      replaceView(ws, existing, args.view, 'publish');
      return { view: viewJson(ws, existing) };
    },
  };
}

/**
 * What Slack does with the HTTP answer to a view_submission of view `viewId`: an empty answer closes
 * that view; `response_action` errors / update / push / clear. What Slack would refuse becomes a warning.
 */
export function viewAnswered(ws: Workspace, ctx: { viewId: string; user: string }, body: string) {
  const v = ws.views.find((x) => x.id === ctx.viewId);
  let answer: SlackJson = {};
  if (body.trim()) {
    try {
      answer = JSON.parse(body) as SlackJson;
    } catch {
      ws.warnings.push(`view_submission answer is not JSON: ${body.slice(0, 200)}`);
      return;
    }
  }
  const action: unknown = answer.response_action;
  switch (action) {
    case undefined:
      if (v) v.closed = true;
      return;
    case 'errors':
      return showErrors(ws, v, answer.errors);
    case 'update':
    case 'push': {
      const verdict = judgeView(answer.view);
      if (verdict)
        return void ws.warnings.push(
          `view_submission ${action} refused by Slack (${verdict.error}): ${verdict.messages.join('; ')}`,
        );
      if (action === 'update' && v) return replaceView(ws, v, answer.view, 'update');
      if (v && liveStack(ws, v).length >= VIEW_STACK_MAX)
        return void ws.warnings.push('view_submission push refused by Slack: push_limit_reached');
      addView(ws, { user: ctx.user, view: answer.view, kind: 'modal', op: 'push' }, v);
      return;
    }
    case 'clear':
      if (v) for (const x of liveStack(ws, v)) x.closed = true;
      return;
    default:
      ws.warnings.push(`view_submission answer with unknown response_action ${JSON.stringify(action)}`);
  }
}

/** Markup a plain-text field error would show raw: `<@U…>`, `<#C…>`, `<!here>`, `<https://…|…>`, `&lt;`, `*bold*`, `code`. */
const NOT_PLAIN = /<[@#!]|<https?:|&(?:lt|gt|amp);|(?:^|\s)\*[^*\s][^*]*\*(?:\s|$|[.,:;!?])|`/;

function showErrors(ws: Workspace, v: FakeView | undefined, errors: unknown) {
  const list = (errors && typeof errors === 'object' ? errors : {}) as Record<string, string>;
  const blocks: unknown = v?.view.blocks;
  const inputs = new Set(
    (Array.isArray(blocks) ? (blocks as SlackJson[]) : [])
      .filter((b) => b?.type === 'input' && typeof b.block_id === 'string')
      .map((b) => b.block_id as string),
  );
  for (const [k, msg] of Object.entries(list)) {
    if (v && !inputs.has(k))
      ws.warnings.push(
        `view_submission errors: ${JSON.stringify(k)} is not the block_id of an input block in view ${v.id} (Slack refuses the answer)`,
      );
    if (typeof msg !== 'string' || msg.length === 0)
      ws.warnings.push(`view_submission errors: empty message for ${JSON.stringify(k)}`);
    // Slack shows these as plain text: a mention, a link, mrkdwn or an entity appears raw.
    else if (NOT_PLAIN.test(msg))
      ws.warnings.push(
        `view_submission errors: ${JSON.stringify(k)} is shown as plain text, but holds markup: ${JSON.stringify(msg.slice(0, 120))}`,
      );
  }
  if (v) v.errors = list;
}
