import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { callHook } from '../../src/hooks/call.js';
import { maintenanceHookCall } from '../../src/hooks/maintenance.js';
import { hookOutcomeText } from '../../src/hooks/report.js';
import { Scenario } from '../core/fixtures.js';
import { startHookServer, type HookServer } from '../rollback/helpers.js';

const d = new Scenario({ service: 'checkout' }).d;
const start = { event: 'maintenance.start' } as const;
const end = { event: 'maintenance.end', reason: 'cancelled' } as const;
const maintenanceResultText = (
  dd: typeof d,
  moment: typeof start | typeof end,
  r: Parameters<typeof hookOutcomeText>[1],
) => hookOutcomeText(dd, r, maintenanceHookCall(dd, moment).wording);

describe('what the thread is told about a maintenance hook', () => {
  it('a refused host: not called, in plain words', () => {
    expect(maintenanceResultText(d, start, { kind: 'refused_host', host: 'status.example.com' })).toBe(
      '🚫 The maintenance start hook was not called: its host status.example.com is not among the allowed hosts for checkout in Production. The deployment goes on; tell whoever watches maintenance windows by hand.',
    );
  });

  it('an answer, a failure, a timeout', () => {
    expect(maintenanceResultText(d, end, { kind: 'answered', ok: true, status: 200, body: '', ms: 12 })).toBe(
      '🪝 The maintenance end hook answered *200* in 12 ms.',
    );
    expect(
      maintenanceResultText(d, end, { kind: 'failed', failure: 'connection_refused', host: 'status.example.com' }),
    ).toBe(
      '❌ The maintenance end hook could not be reached: the connection was refused by status.example.com. Tell whoever watches maintenance windows by hand that it is over.',
    );
    expect(maintenanceResultText(d, start, { kind: 'timeout', timeoutMs: 300, host: 'status.example.com' })).toMatch(
      /^⏱️ The maintenance start hook \(status\.example\.com\) did not answer within 300 ms/,
    );
  });

  it('a redirect names only the host it points to (never the URL, which may carry a token)', () => {
    const text = maintenanceResultText(d, start, {
      kind: 'answered',
      ok: false,
      status: 302,
      body: '',
      ms: 3,
      redirectedTo: 'https://elsewhere.example.com/x?token=s3cret',
    });
    expect(text).toContain('a redirect to elsewhere.example.com; redirects are not followed');
    expect(text).not.toContain('s3cret');
  });
});

describe('callHook', () => {
  let hook: HookServer;
  beforeEach(async () => {
    hook = await startHookServer();
  });
  afterEach(async () => {
    await hook.stop();
  });

  it('does not follow a redirect and says where it pointed', async () => {
    hook.respond = (_req, res) => {
      res.writeHead(301, { location: 'https://other.example.com/latest' });
      res.end();
    };
    const result = await callHook(
      { url: hook.url, allowedHosts: ['127.0.0.1'], timeoutMs: 500 },
      { event: 'maintenance.start' },
      'test',
    );
    expect(result).toMatchObject({
      kind: 'answered',
      ok: false,
      status: 301,
      redirectedTo: 'https://other.example.com/latest',
    });
    expect(hook.calls).toHaveLength(1);
  });

  it('refuses a host that is not allowed without calling it', async () => {
    expect(await callHook({ url: hook.url, allowedHosts: ['hooks.example.com'], timeoutMs: 500 }, {}, 'test')).toEqual({
      kind: 'refused_host',
      host: '127.0.0.1',
    });
    expect(hook.calls).toEqual([]);
  });
});
