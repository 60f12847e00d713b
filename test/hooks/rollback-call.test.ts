import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { callHook, refusedHost, type HookConfig } from '../../src/hooks/call.js';
import type { RollbackHookRequest } from '../../src/hooks/rollback.js';
import { startHookServer, type HookServer } from '../rollback/helpers.js';

const request: RollbackHookRequest = {
  deployment: 'DEP-12',
  service: 'checkout',
  environment: 'production',
  fromVersion: '2.4.0',
  toVersion: '2.3.1',
  rollbackId: 'DEP-12-rollback-1795400000',
};

let hook: HookServer;
beforeEach(async () => {
  hook = await startHookServer();
});
afterEach(async () => {
  await hook.stop();
});

const config = (over: Partial<HookConfig> = {}) => ({
  url: hook.url,
  allowedHosts: ['127.0.0.1'],
  timeoutMs: 500,
  ...over,
});

/** A rollback POSTed to its hook, as the runner does. */
const callRollbackHook = (c: HookConfig, body: RollbackHookRequest) => callHook(c, body, 'Liftoff rollback hook');

describe('calling the rollback hook', () => {
  it('POSTs the rollback as JSON with the configured headers and returns the status (the body only when the hook shows it)', async () => {
    const result = await callRollbackHook(config({ headers: { authorization: 'Bearer t0k3n' } }), request);
    expect(result).toMatchObject({ kind: 'answered', ok: true, status: 202, body: '' });
    const shown = await callRollbackHook(
      config({ headers: { authorization: 'Bearer t0k3n' }, showResponseBody: true }),
      request,
    );
    expect(shown).toMatchObject({
      kind: 'answered',
      ok: true,
      status: 202,
      body: '{"pipeline":"rollback-77","state":"queued"}',
    });
    expect(hook.calls[0]).toEqual({
      headers: expect.objectContaining({ 'content-type': 'application/json', authorization: 'Bearer t0k3n' }),
      body: request,
    });
  });

  it('reports an error status as answered but not ok, with a body cut to a readable size', async () => {
    hook.respond = (_req, res) => {
      res.writeHead(503);
      res.end('x'.repeat(50_000));
    };
    const result = await callRollbackHook(config({ showResponseBody: true }), request);
    expect(result).toMatchObject({ kind: 'answered', ok: false, status: 503 });
    expect(result.kind === 'answered' && result.body).toBe(`${'x'.repeat(300)}…`);
  });

  it('gives up after the timeout', async () => {
    hook.respond = () => undefined;
    const started = Date.now();
    expect(await callRollbackHook(config({ timeoutMs: 150 }), request)).toEqual({
      kind: 'timeout',
      timeoutMs: 150,
      host: new URL(hook.url).host,
    });
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('gives up after the timeout also when the body trickles', async () => {
    hook.respond = (_req, res) => {
      res.writeHead(200);
      res.write('partial');
    };
    expect(await callRollbackHook(config({ timeoutMs: 150 }), request)).toEqual({
      kind: 'timeout',
      timeoutMs: 150,
      host: new URL(hook.url).host,
    });
  });

  it('refuses a host that is not allowed without calling it', async () => {
    const result = await callRollbackHook(config({ allowedHosts: ['deploy.example.com'] }), request);
    expect(result).toEqual({ kind: 'refused_host', host: '127.0.0.1' });
    expect(hook.calls).toEqual([]);
  });

  it('does not follow a redirect to another host', async () => {
    hook.respond = (_req, res) => {
      res.writeHead(307, { location: 'http://evil.example.com/steal' });
      res.end();
    };
    expect(await callRollbackHook(config(), request)).toMatchObject({ kind: 'answered', ok: false, status: 307 });
    expect(hook.calls).toHaveLength(1);
  });

  it('reports a host that cannot be reached', async () => {
    const url = hook.url;
    await hook.stop();
    expect(await callRollbackHook(config({ url }), request)).toEqual({
      kind: 'failed',
      failure: 'connection_refused',
      host: new URL(url).host,
    });
  });

  it("a name that does not resolve, a TLS failure, a request fetch cannot build: plain categories with the host, never the library's message", async () => {
    const failing = (error: unknown) => (async () => Promise.reject(error)) as unknown as typeof fetch;
    const c = config({ url: 'https://deploy.example.com/rollback', allowedHosts: ['deploy.example.com'] });
    const call = (error: unknown) => callHook(c, request, 'ua', failing(error));
    const net = (code: string) =>
      Object.assign(new TypeError('fetch failed'), {
        cause: Object.assign(new Error(`${code} https://user:pw@deploy.example.com`), { code }),
      });
    expect(await call(net('ENOTFOUND'))).toEqual({
      kind: 'failed',
      failure: 'name_not_resolved',
      host: 'deploy.example.com',
    });
    expect(await call(net('UNABLE_TO_VERIFY_LEAF_SIGNATURE'))).toEqual({
      kind: 'failed',
      failure: 'tls_error',
      host: 'deploy.example.com',
    });
    expect(await call(net('ECONNRESET'))).toEqual({
      kind: 'failed',
      failure: 'unreachable',
      host: 'deploy.example.com',
    });
    expect(await call(new TypeError('Headers.append: "Bearer s3cret\nX-Evil: 1" is an invalid header value.'))).toEqual(
      { kind: 'failed', failure: 'bad_request', host: 'deploy.example.com' },
    );
  });

  it('an answer that echoes the request: shown only with showResponseBody, every header value and URL credential redacted', async () => {
    hook.respond = (req, res) => {
      res.writeHead(500);
      res.end(`upstream error; you sent ${JSON.stringify(req.headers)} to ${req.url}`);
    };
    const secret = { authorization: 'Bearer sk_live_0123456789abcdef', 'x-api-key': 'key-ABCDEFGHIJ' };
    const url = `${hook.url}?token=qtoken0123456789`;
    const hidden = await callRollbackHook(config({ url, headers: secret }), request);
    expect(hidden).toMatchObject({ kind: 'answered', status: 500, body: '' });
    const shown = await callRollbackHook(config({ url, headers: secret, showResponseBody: true }), request);
    expect(shown.kind === 'answered' && shown.body).toContain('[redacted]');
    for (const s of ['sk_live_0123456789abcdef', 'key-ABCDEFGHIJ', 'qtoken0123456789'])
      expect(JSON.stringify(shown)).not.toContain(s);
  });
});

describe('refusedHost', () => {
  it.each([
    [{ url: 'https://deploy.example.com/x', allowedHosts: ['Deploy.Example.com'] }, null],
    [
      { url: 'https://deploy.example.com.evil.io/x', allowedHosts: ['deploy.example.com'] },
      'deploy.example.com.evil.io',
    ],
    [{ url: 'https://user@evil.io/x', allowedHosts: ['user'] }, 'evil.io'],
    [{ url: 'file:///etc/passwd', allowedHosts: [''] }, 'file: (only http and https)'],
    [{ url: 'not a url', allowedHosts: ['x'] }, '(not a URL)'],
  ])('%j → %s', (c, expected) => {
    expect(refusedHost({ ...c, timeoutMs: 100 })).toBe(expected);
  });
});
