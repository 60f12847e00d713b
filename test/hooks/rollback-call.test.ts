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

const config = (over: Partial<HookConfig> = {}) => ({ url: hook.url, allowedHosts: ['127.0.0.1'], timeoutMs: 500, ...over });

/** A rollback POSTed to its hook, as the runner does. */
const callRollbackHook = (c: HookConfig, body: RollbackHookRequest) => callHook(c, body, 'Liftoff rollback hook');

describe('calling the rollback hook', () => {
  it('POSTs the rollback as JSON with the configured headers and returns the status and the start of the body', async () => {
    const result = await callRollbackHook(config({ headers: { authorization: 'Bearer t0k3n' } }), request);
    expect(result).toMatchObject({ kind: 'answered', ok: true, status: 202, body: '{"pipeline":"rollback-77","state":"queued"}' });
    expect(hook.calls).toEqual([{ headers: expect.objectContaining({ 'content-type': 'application/json', authorization: 'Bearer t0k3n' }), body: request }]);
  });

  it('reports an error status as answered but not ok, with a body cut to a readable size', async () => {
    hook.respond = (_req, res) => {
      res.writeHead(503);
      res.end('x'.repeat(50_000));
    };
    const result = await callRollbackHook(config(), request);
    expect(result).toMatchObject({ kind: 'answered', ok: false, status: 503 });
    expect(result.kind === 'answered' && result.body.length).toBeLessThanOrEqual(1001);
  });

  it('gives up after the timeout', async () => {
    hook.respond = () => undefined;
    const started = Date.now();
    expect(await callRollbackHook(config({ timeoutMs: 150 }), request)).toEqual({ kind: 'timeout', timeoutMs: 150 });
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('gives up after the timeout also when the body trickles', async () => {
    hook.respond = (_req, res) => {
      res.writeHead(200);
      res.write('partial');
    };
    expect(await callRollbackHook(config({ timeoutMs: 150 }), request)).toEqual({ kind: 'timeout', timeoutMs: 150 });
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
    expect(await callRollbackHook(config({ url }), request)).toMatchObject({ kind: 'failed', message: 'ECONNREFUSED' });
  });
});

describe('refusedHost', () => {
  it.each([
    [{ url: 'https://deploy.example.com/x', allowedHosts: ['Deploy.Example.com'] }, null],
    [{ url: 'https://deploy.example.com.evil.io/x', allowedHosts: ['deploy.example.com'] }, 'deploy.example.com.evil.io'],
    [{ url: 'https://user@evil.io/x', allowedHosts: ['user'] }, 'evil.io'],
    [{ url: 'file:///etc/passwd', allowedHosts: [''] }, 'file: (only http and https)'],
    [{ url: 'not a url', allowedHosts: ['x'] }, '(not a URL)'],
  ])('%j → %s', (c, expected) => {
    expect(refusedHost({ ...c, timeoutMs: 100 })).toBe(expected);
  });
});
