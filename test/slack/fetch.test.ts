import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebClient } from '@slack/web-api';
import { afterEach, describe, expect, it } from 'vitest';
import { keptAliveFetch } from '../../src/slack/fetch.js';

let server: Server | undefined;
afterEach(async () => {
  const s = server;
  server = undefined;
  if (!s) return;
  s.closeAllConnections();
  await new Promise((resolve) => s.close(resolve));
});

/** A local server answering every request with `answer`; resolves with its base URL and what it received. */
async function serve(answer: (req: IncomingMessage, body: string, res: ServerResponse) => void) {
  const received: Array<{
    url: string;
    method: string;
    headers: IncomingMessage['headers'];
    body: string;
    socket: number;
  }> = [];
  const sockets = new Map<unknown, number>();
  server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      if (!sockets.has(req.socket)) sockets.set(req.socket, sockets.size + 1);
      received.push({
        url: req.url ?? '',
        method: req.method ?? '',
        headers: req.headers,
        body,
        socket: sockets.get(req.socket)!,
      });
      answer(req, body, res);
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { base: `http://127.0.0.1:${(server!.address() as AddressInfo).port}/api/`, received };
}

describe('keptAliveFetch (the Web API client’s HTTP requests)', () => {
  it('sends the client’s form, and the client reads the result, on one kept-alive connection', async () => {
    const s = await serve((_req, _body, res) => {
      res.setHeader('content-type', 'application/json; charset=utf-8');
      res.setHeader('x-oauth-scopes', 'chat:write,commands');
      res.end(JSON.stringify({ ok: true, channel: 'C1', ts: '1.5', text: 'é ✓' }));
    });
    const client = new WebClient('xoxb-test', { slackApiUrl: s.base, fetch: keptAliveFetch() });
    const first = await client.chat.postMessage({ channel: 'C1', text: 'é ✓', blocks: [{ type: 'divider' }] });
    const second = await client.chat.postMessage({ channel: 'C1', text: 'again' });
    expect(first).toMatchObject({
      ok: true,
      ts: '1.5',
      text: 'é ✓',
      response_metadata: { scopes: ['chat:write', 'commands'] },
    });
    expect(second.ok).toBe(true);
    expect(s.received[0]).toMatchObject({ url: '/api/chat.postMessage', method: 'POST' });
    expect(s.received[0]!.headers.authorization).toBe('Bearer xoxb-test');
    const form = new URLSearchParams(s.received[0]!.body);
    expect(form.get('text')).toBe('é ✓');
    expect(JSON.parse(form.get('blocks')!)).toEqual([{ type: 'divider' }]);
    expect(s.received.map((r) => r.socket)).toEqual([1, 1]);
  });

  it('gives the client Slack’s refusals as they are: an error code, a 429 with Retry-After, an HTTP error', async () => {
    const s = await serve((req, _body, res) => {
      if (req.url?.endsWith('chat.update')) {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ ok: false, error: 'message_not_found' }));
      } else if (req.url?.endsWith('chat.postMessage')) {
        res.writeHead(429, { 'retry-after': '7' });
        res.end();
      } else {
        res.writeHead(503, 'Service Unavailable');
        res.end('down');
      }
    });
    const client = new WebClient('xoxb-test', {
      slackApiUrl: s.base,
      fetch: keptAliveFetch(),
      rejectRateLimitedCalls: true,
      retryConfig: { retries: 0 },
    });
    await expect(client.chat.update({ channel: 'C1', ts: '1', text: 'x' })).rejects.toMatchObject({
      code: 'slack_webapi_platform_error',
      data: { error: 'message_not_found' },
    });
    await expect(client.chat.postMessage({ channel: 'C1', text: 'x' })).rejects.toMatchObject({
      code: 'slack_webapi_rate_limited_error',
      retryAfter: 7,
    });
    await expect(client.auth.test()).rejects.toMatchObject({ code: 'slack_webapi_http_error', statusCode: 503 });
  });

  it('gives up when the client’s timeout passes, and refuses a redirect as fetch would', async () => {
    const s = await serve((req, _body, res) => {
      if (req.url?.endsWith('auth.test')) return; // never answers
      res.writeHead(302, { location: 'http://example.invalid/' });
      res.end();
    });
    const fetchFn = keptAliveFetch();
    await expect(
      fetchFn(`${s.base}auth.test`, { method: 'POST', body: '', signal: AbortSignal.timeout(50) }),
    ).rejects.toMatchObject({ name: 'TimeoutError' });
    await expect(fetchFn(`${s.base}chat.postMessage`, { method: 'POST', body: '', redirect: 'error' })).rejects.toThrow(
      /redirect/,
    );
  });

  it('lets the answer be read twice (the metrics read its outcome, the client its result)', async () => {
    const s = await serve((_req, _body, res) => res.end('{"ok":true}'));
    const res = (await keptAliveFetch()(`${s.base}auth.test`, { method: 'POST', body: 'token=x' })) as Awaited<
      ReturnType<ReturnType<typeof keptAliveFetch>>
    > & { clone(): { json(): Promise<unknown> } };
    expect(await res.clone().json()).toEqual({ ok: true });
    expect(await res.text()).toBe('{"ok":true}');
    expect(s.received[0]!.headers['content-length']).toBe('7');
  });

  it('gives the client Slack’s answers without the blocks they echo back; a list of messages is kept whole', async () => {
    const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: 'the card' } }];
    const answers: Record<string, unknown> = {
      'chat.update': { ok: true, channel: 'C1', ts: '1.5', message: { ts: '1.5', text: 'x', blocks } },
      'views.publish': { ok: true, view: { id: 'V1', type: 'home', hash: 'h', blocks } },
      'conversations.history': { ok: true, messages: [{ ts: '1.5', blocks }] },
    };
    const s = await serve((req, _body, res) => {
      res.setHeader('content-type', 'application/json; charset=utf-8');
      res.end(JSON.stringify(answers[req.url!.split('/').at(-1)!]));
    });
    const outcomes: unknown[] = [];
    const fetch = keptAliveFetch();
    // As the metrics read an answer: its outcome, before the client reads its result.
    const measured: typeof fetch = async (url, init) => {
      const res = (await fetch(url, init)) as Awaited<ReturnType<typeof fetch>> & {
        clone(): { json(): Promise<unknown> };
      };
      outcomes.push(((await res.clone().json()) as { ok?: unknown }).ok);
      return res;
    };
    const client = new WebClient('xoxb-test', { slackApiUrl: s.base, fetch: measured });
    const updated = await client.chat.update({ channel: 'C1', ts: '1.5', text: 'x', blocks });
    expect(updated).toMatchObject({ ok: true, channel: 'C1', ts: '1.5', message: { ts: '1.5', text: 'x' } });
    expect(updated.message).not.toHaveProperty('blocks');
    const home = await client.views.publish({ user_id: 'U1', view: { type: 'home', blocks } });
    expect(home.view).toMatchObject({ id: 'V1', hash: 'h' });
    expect(home.view).not.toHaveProperty('blocks');
    const history = await client.conversations.history({ channel: 'C1' });
    expect(history.messages).toEqual([{ ts: '1.5', blocks }]);
    expect(outcomes).toEqual([true, true, true]);
  });

  it('sends a body that is neither text nor bytes (a form with a file) through the fallback', async () => {
    const seen: string[] = [];
    const fallback = (async (url: string | URL) => {
      seen.push(String(url));
      return new Response('{"ok":true}', { status: 200, headers: { 'content-type': 'application/json' } });
    }) as typeof fetch;
    const form = new FormData();
    form.append('file', new Blob(['# report']), 'report.md');
    const res = await keptAliveFetch(fallback)('https://files.example/upload/1', {
      method: 'POST',
      body: form,
    });
    expect(seen).toEqual(['https://files.example/upload/1']);
    expect(await res.json()).toEqual({ ok: true });
  });
});
