import { describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../../src/core/deployment/events.js';
import {
  BY_HEALTH_CHECK,
  expectationOf,
  healthCheckRefusal,
  healthRunEvents,
  itemsDoneByHealthChecks,
  judge,
  resolveEndpoint,
  runnableChecks,
  shownEndpoint,
  writtenEndpoint,
  type CheckOutcome,
} from '../../src/core/deployment/health-checks.js';
import { healthCheckJobs, nextHealthCheck } from '../../src/core/schedule/health-checks.js';
import type { Template } from '../../src/core/template/schema.js';
import { KEYS, MIN, monitored, Scenario, USERS } from './fixtures.js';

const check = (endpoint: string, expected = '', status?: number) => ({
  endpoint,
  expected,
  ...(status ? { status } : {}),
});

/** The fixture's plan with health checks Liftoff may run. */
function withChecks(plan: Template, runByLiftoff = true): Template {
  return {
    ...plan,
    verification: {
      ...plan.verification,
      healthChecks: [check('/healthz', 'ok'), check('[URL]', '[Response]')],
      runByLiftoff,
    },
  };
}

const ok: CheckOutcome = { endpoint: 'shop.example/healthz', ok: true, status: 200, ms: 12, detail: 'answered 200' };
const down: CheckOutcome = { endpoint: 'shop.example/healthz', ok: false, status: 503, ms: 9, detail: 'answered 503' };

describe('what a health check requests', () => {
  it('resolves a relative endpoint against the base URL, and refuses one without', () => {
    expect(resolveEndpoint('/healthz', 'https://shop.example/api/')).toEqual({ url: 'https://shop.example/healthz' });
    expect(resolveEndpoint('status', 'https://shop.example/api/')).toEqual({ url: 'https://shop.example/api/status' });
    expect(resolveEndpoint('https://other.example/up', null)).toEqual({ url: 'https://other.example/up' });
    expect(resolveEndpoint('/healthz', null)).toEqual({ refused: expect.stringContaining('no base_url') });
    expect(resolveEndpoint('ftp://shop.example/x', null)).toEqual({ refused: expect.stringContaining('only http') });
    expect(resolveEndpoint('https://u:pw@shop.example/x', null)).toEqual({
      refused: expect.stringContaining('holds credentials'),
    });
  });

  it('shows host and path only: never userinfo nor query values', () => {
    expect(shownEndpoint('/x', 'https://shop.example/healthz?token=abc')).toBe('shop.example/healthz?…');
    expect(writtenEndpoint('https://user:pw@shop.example/healthz?token=abc')).toBe('https://shop.example/healthz?…');
    expect(writtenEndpoint('/healthz')).toBe('/healthz');
  });

  it('runs only what the configuration lets it, with filled-in endpoints', () => {
    const s = new Scenario();
    expect(runnableChecks(withChecks(s.d.plan, false))).toEqual([]);
    expect(runnableChecks(withChecks(s.d.plan)).map((h) => h.endpoint)).toEqual(['/healthz']);
    const d = { ...s.d, plan: withChecks(s.d.plan) };
    expect(healthCheckRefusal(d)).toContain('once the first deployment phase has started');
  });
});

describe('how an answer is judged', () => {
  it('expects the given status, a bare "200 OK", or any 2xx; and a body containing the text', () => {
    expect(expectationOf(check('/x', '200 OK'))).toEqual({ status: 200, body: '' });
    expect(expectationOf(check('/x', '{"status": "ok"}'))).toEqual({ status: null, body: '{"status": "ok"}' });
    const answered = (status: number, raw: string) => ({ kind: 'answered' as const, status, ms: 5, raw });
    expect(judge(check('/x', '{"status": "ok"}'), 'e', answered(204, '{"status":"ok"}')).ok).toBe(true);
    expect(judge(check('/x', '', 201), 'e', answered(200, '')).detail).toBe('answered 200 in 5 ms: expected 201');
    expect(judge(check('/x', 'ok'), 'e', answered(200, 'degraded')).detail).toContain('body does not contain');
    const redirect = {
      kind: 'answered' as const,
      status: 302,
      ms: 3,
      raw: '',
      redirectedTo: 'https://evil.example/?t=1',
    };
    expect(judge(check('/x'), 'e', redirect).detail).toContain('a redirect to evil.example, not followed');
    expect(judge(check('/x'), 'e', { kind: 'timeout', timeoutMs: 900 }).detail).toBe('no answer within 900 ms');
  });
});

describe('what a run records', () => {
  it('confirms the open items worded as health checks, by Liftoff, when every check passes', () => {
    const s = new Scenario().allPhases();
    expect(itemsDoneByHealthChecks(s.d)).toEqual([KEYS.health]);
    const events = healthRunEvents(s.d, [ok], USERS.qa, s.log);
    expect(events).toEqual([
      {
        type: 'health_checks_run',
        requestedBy: USERS.qa,
        results: [{ endpoint: ok.endpoint, ok: true, detail: ok.detail }],
      },
      { type: 'item_confirmed', key: KEYS.health, evidence: BY_HEALTH_CHECK },
    ]);
    expect(healthRunEvents(s.d, [ok, down], USERS.qa, s.log).map((e) => e.type)).toEqual(['health_checks_run']);
  });

  it('records a scheduled run only at its first failure', () => {
    const s = monitored();
    expect(healthRunEvents(s.d, [ok], null, s.log)).toEqual([]);
    const first = healthRunEvents(s.d, [down], null, s.log);
    expect(first).toHaveLength(1);
    const log = [...s.log, { ...first[0]!, actor: 'liftoff', at: s.at } as RecordedEvent];
    expect(healthRunEvents(s.d, [down], null, log)).toEqual([]);
  });

  it('schedules runs through the monitoring window only', () => {
    const s = monitored();
    const d = { ...s.d, plan: withChecks(s.d.plan) };
    const started = s.log.filter((e) => e.type === 'monitoring_started');
    const [first] = healthCheckJobs(d, started, s.at, 10);
    expect(first).toMatchObject({ kind: 'health_checks', dueAt: s.at, payload: { target: 'thread', n: 1 } });
    expect(healthCheckJobs(d, started, s.at, null)).toEqual([]);
    const second = nextHealthCheck(d, first!, s.at + 12 * MIN, 10);
    expect(second).toMatchObject({ dueAt: s.at + 20 * MIN, payload: { n: 2 } });
    // Monitored for 30 minutes: nothing due at or after its end.
    expect(nextHealthCheck(d, second!, s.at + 21 * MIN, 10)).toBeNull();
  });
});
