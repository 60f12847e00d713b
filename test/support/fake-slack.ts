/**
 * A fake Slack Web API on 127.0.0.1, for end-to-end tests. Point @slack/web-api at it with
 * `slackApiUrl: fake.url`. It keeps the state a test asserts on (messages, threads, ephemerals, views)
 * and refuses what Slack refuses (Block Kit limits, expired trigger_ids, channels the bot cannot use).
 *
 * How a call travels: HTTP request → parseArgs (form or JSON, `blocks`/`view` decoded) → injected fault?
 * → auth (Bearer token) → the method's handler (chat.ts, views.ts, directory.ts, history.ts, files.ts) → `{ ok, ... }` recorded in `calls`.
 * File bytes go to the upload URL files.getUploadURLExternal hands out (`/upload/<id>` here), recorded as `upload_url`.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chatMethods } from './fake-slack/chat.js';
import { directoryMethods } from './fake-slack/directory.js';
import { createFileStore } from './fake-slack/files.js';
import { historyMethods } from './fake-slack/history.js';
import { applyFault, parseArgs, readBody, send } from './fake-slack/http.js';
import { createRateLimiter } from './fake-slack/limits.js';
import { commandAnswered, responseUrlPosted } from './fake-slack/replies.js';
import type { FakeSlack, FakeSlackOptions, FakeViews, RecordedCall, SlackJson } from './fake-slack/types.js';
import { viewAnswered, viewMethods } from './fake-slack/views.js';
import { createWorkspace, SlackError, type Workspace } from './fake-slack/workspace.js';

export type * from './fake-slack/types.js';

export async function startFakeSlack(opts: FakeSlackOptions = {}): Promise<FakeSlack> {
  const token = opts.token ?? 'xoxb-test-token';
  const ws = createWorkspace({
    botUserId: opts.botUserId ?? 'UBOTLIFTOFF',
    botId: opts.botId ?? 'BBOTLIFTOFF',
    teamId: opts.teamId ?? 'TFAKETEAM',
    now: opts.now ?? (() => Date.now()),
  });
  let base = ''; // http://127.0.0.1:PORT, known once listening
  const fileStore = createFileStore(() => base);
  const methods = {
    ...chatMethods(ws),
    ...viewMethods(ws),
    ...directoryMethods(ws),
    ...historyMethods(ws),
    ...fileStore.methods(ws),
  };

  /** Records the call, then lets `answer` produce the reply unless a fault was injected or a rate limit reached. */
  async function recorded(
    method: string,
    args: SlackJson,
    res: ServerResponse,
    answer: () => { status: number; body: SlackJson },
  ) {
    const call: RecordedCall = { method, args, at: ws.now(), response: {}, status: 200 };
    ws.calls.push(call);
    const limited = ws.limiter?.check(method, args);
    if (limited) {
      Object.assign(call, { status: 429, response: limited.body });
      return send(res, 429, limited.body, { 'retry-after': String(limited.retryAfter) });
    }
    const fault = await applyFault(ws, method, res);
    const given = fault && 'lateMs' in fault ? answer() : (fault ?? answer());
    call.status = given.status;
    call.response = given.body;
    // A late answer: done now, told after the client may have given up.
    if (fault && 'lateMs' in fault) await new Promise((r) => setTimeout(r, fault.lateMs));
    if (!res.headersSent && !res.destroyed) send(res, given.status, given.body);
  }

  const apiCall = (method: string, args: SlackJson, authorization: string | undefined): SlackJson => {
    const handler = methods[method];
    if (!handler) return { ok: false, error: 'unknown_method', req_method: method };
    const bearer = authorization?.match(/^Bearer\s+(.+)$/i)?.[1]?.trim();
    const given = bearer ?? (typeof args.token === 'string' ? args.token : undefined);
    if (!given) return { ok: false, error: 'not_authed' };
    if (given !== token) return { ok: false, error: 'invalid_auth' };
    if (args.__invalid_json) return { ok: false, error: 'invalid_json' };
    if (args.__invalid_blocks) return { ok: false, error: 'invalid_blocks_format' };
    if (args.__invalid_view)
      return {
        ok: false,
        error: 'invalid_arguments',
        response_metadata: { messages: ['[ERROR] view is not valid JSON [json-pointer:/view]'] },
      };
    try {
      return { ok: true, ...handler(args) };
    } catch (e) {
      if (e instanceof SlackError) return { ok: false, error: e.error, ...e.extra };
      return { ok: false, error: 'fatal_error', detail: String(e) };
    }
  };

  const server = createServer((req, res) => {
    void (async () => {
      try {
        const url = new URL(req.url ?? '/', 'http://127.0.0.1');
        const upload = url.pathname.match(/^\/upload\/(F[A-Z0-9]+)$/);
        if (upload && req.method === 'POST') {
          const chunks: Buffer[] = [];
          for await (const c of req) chunks.push(c as Buffer);
          const answer = await fileStore.uploaded(
            upload[1]!,
            Buffer.concat(chunks),
            String(req.headers['content-type'] ?? ''),
          );
          ws.calls.push({
            method: 'upload_url',
            args: { file_id: upload[1] },
            at: ws.now(),
            response: { ok: answer.status === 200 },
            status: answer.status,
          });
          res.writeHead(answer.status, { 'content-type': 'text/plain' }).end(answer.body);
          return;
        }
        const raw = await readBody(req);
        const contentType = String(req.headers['content-type'] ?? '');
        const api = url.pathname.match(/^\/api\/([A-Za-z0-9_.]+)\/?$/);
        if (api) {
          const method = api[1]!;
          const args = parseArgs(raw, contentType, url.searchParams);
          return await recorded(method, args, res, () => ({
            status: 200,
            body: apiCall(method, args, req.headers.authorization),
          }));
        }
        const reply = url.pathname.match(/^\/response\/([A-Za-z0-9_-]+)\/?$/);
        if (reply && req.method === 'POST') {
          // response_url bodies are JSON whatever the content type says.
          const body = parseArgs(raw, 'application/json', new URLSearchParams());
          ws.responses.push({ url: `${base}${url.pathname}`, body: body.__invalid_json ? { raw } : body });
          return await recorded('response_url', { ...body, response_url_id: reply[1] }, res, () =>
            responseUrlPosted(ws, reply[1]!, body),
          );
        }
        send(res, 404, { ok: false, error: 'not_found' });
      } catch (e) {
        if (!res.headersSent) send(res, 500, { ok: false, error: 'fake_slack_crashed', detail: String(e) });
      }
    })();
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const stop = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return fakeSlackApi(ws, base, stop, fileStore.all);
}

/** What tests hold: queries over the workspace, and the knobs (channels, users, faults). */
function fakeSlackApi(ws: Workspace, base: string, stop: () => Promise<void>, files: FakeSlack['files']): FakeSlack {
  return {
    files,
    url: `${base}/api/`,
    botUserId: ws.botUserId,
    botId: ws.botId,
    teamId: ws.teamId,
    get calls() {
      return ws.calls;
    },
    callsTo: (method) => ws.calls.filter((c) => c.method === method),
    messages: (channel) => ws.messages.filter((m) => channel === undefined || m.channel === channel),
    message: (channel, ts) => ws.findMessage(channel, ts),
    thread: (channel, threadTs) => {
      const parent = ws.findMessage(channel, threadTs);
      const replies = ws.messages.filter((m) => m.channel === channel && m.thread_ts === threadTs && m.ts !== threadTs);
      return parent ? [parent, ...replies] : replies;
    },
    ephemerals: (filter = {}) =>
      ws.ephemerals.filter(
        (e) =>
          (filter.channel === undefined || e.channel === filter.channel) &&
          (filter.user === undefined || e.user === filter.user),
      ),
    get views(): FakeViews {
      return Object.assign([...ws.views], { open: ws.views.filter((v) => v.kind === 'modal' && !v.closed) });
    },
    lastView: () => ws.views.find((v) => v.id === ws.lastViewId),
    scheduled: (channel) => ws.scheduled.filter((s) => channel === undefined || s.channel === channel),
    get responses() {
      return ws.responses;
    },
    get warnings() {
      return ws.warnings;
    },
    issueTriggerId(user) {
      const id = `${Math.floor(ws.now() / 1000)}.${ws.seq()}.${randomBytes(8).toString('hex')}`;
      ws.triggers.set(id, { issued: ws.now(), ...(user ? { user } : {}), used: false });
      return id;
    },
    responseUrl(ctx = {}) {
      const id = `R${ws.seq()}${randomBytes(6).toString('hex')}`;
      ws.responseUrls.set(id, { id, ...ctx, issued: ws.now(), uses: 0 });
      return `${base}/response/${id}`;
    },
    commandAnswered: (ctx, body) => commandAnswered(ws, ctx, body),
    viewAnswered: (ctx, body) => viewAnswered(ws, ctx, body),
    async waitFor(probe, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const v = probe();
        if (v) return v;
        if (Date.now() > deadline) {
          const last = ws.calls
            .slice(-5)
            .map((c) => `${c.method}→${c.response.ok === false ? c.response.error : c.status}`);
          throw new Error(`fake Slack: waitFor timed out after ${timeoutMs} ms; last calls: ${last.join(', ')}`);
        }
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    addChannel(id, o = {}) {
      const isIm = id.startsWith('D');
      const botIsMember = o.botIsMember ?? true;
      ws.channels.set(id, {
        id,
        name: o.name ?? id.toLowerCase(),
        isPrivate: isIm || (o.isPrivate ?? false),
        isArchived: o.isArchived ?? false,
        botIsMember,
        isIm,
        members: new Set([...(botIsMember ? [ws.botUserId] : []), ...(o.members ?? [])]),
        membersKnown: o.members !== undefined,
        created: Math.floor(ws.now() / 1000),
        creator: o.creator ?? (isIm ? id : 'UCREATOR'),
      });
    },
    setMember(channel, user, member) {
      const ch = ws.channelOf(channel);
      if (member) ch.members.add(user);
      else ch.members.delete(user);
    },
    addUser(id, o = {}) {
      ws.users.set(id, {
        id,
        name: o.name ?? id.toLowerCase(),
        tz: o.tz ?? 'UTC',
        isBot: o.isBot ?? false,
        deleted: o.deleted ?? false,
        ...(o.email ? { email: o.email } : {}),
      });
    },
    addUserGroup(id, handle, users) {
      ws.groups.set(id, { id, handle, users: [...users] });
    },
    addMessage(m) {
      const message = {
        channel: ws.channelOf(m.channel).id,
        ts: ws.nextTs(),
        ...(m.thread_ts ? { thread_ts: m.thread_ts } : {}),
        text: m.text,
        blocks: m.blocks ?? [],
        user: m.user,
        updates: 0,
      };
      ws.messages.push(message);
      return message;
    },
    fail(method, fault, times = 1) {
      ws.faults.set(method, [...(ws.faults.get(method) ?? []), { fault, left: times }]);
    },
    limitRates(limits) {
      ws.limiter = createRateLimiter(limits, () => Date.now());
    },
    rateLimited: () => ws.calls.filter((c) => c.status === 429),
    clearFaults(method) {
      if (method === undefined) ws.faults.clear();
      else ws.faults.delete(method);
    },
    reset: () => ws.reset(),
    stop,
  };
}
