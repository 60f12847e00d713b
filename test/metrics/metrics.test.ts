import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { afterEach, describe, expect, it } from 'vitest';
import { createMetrics } from '../../src/metrics/index.js';
import { measuredFetch } from '../../src/metrics/slack.js';
import { startDeployment } from '../support/flows.js';
import { startHarness, type Harness } from '../support/harness.js';

let h: Harness;
afterEach(async () => h?.stop());

async function scrape(url: string) {
  const res = await fetch(url);
  expect(res.status).toBe(200);
  const families = parsePrometheusTextFormat(await res.text());
  const samples = (name: string) => families.find((f) => f.name === name)?.metrics ?? [];
  /** The value of a counter or gauge with exactly these labels (0 when absent). */
  const value = (name: string, labels: Record<string, string> = {}) =>
    Number(samples(name).find((m) => JSON.stringify(m.labels ?? {}) === JSON.stringify(labels))?.value ?? 0);
  return { samples, value };
}

describe('GET /metrics', () => {
  it('counts a deployment start: the command and form acknowledged, Web API calls by method and outcome, redraws, jobs, deployments, ticks', async () => {
    h = await startHarness();
    // Slack rate-limits one post (the client waits and sends it again): both answers are counted.
    h.fake.fail('chat.postMessage', { status: 429, retryAfter: 0 });
    await startDeployment(h);
    await h.liftoff.scheduler.tick();
    await h.settled();
    const m = await scrape(`http://127.0.0.1:${h.liftoff.port}/metrics`);

    expect(m.value('liftoff_acks_total', { kind: 'command' })).toBe(1);
    expect(m.value('liftoff_acks_total', { kind: 'view_submission' })).toBe(1);
    expect(m.value('liftoff_slack_api_calls_total', { method: 'views.open', outcome: 'ok' })).toBe(1);
    expect(m.value('liftoff_slack_api_calls_total', { method: 'chat.postMessage', outcome: '429' })).toBe(1);
    expect(m.value('liftoff_slack_api_calls_total', { method: 'chat.postMessage', outcome: 'ok' })).toBeGreaterThan(0);
    expect(m.value('liftoff_redraws_queued_total')).toBeGreaterThan(0);
    expect(m.value('liftoff_redraws_pending')).toBe(0);
    expect(m.samples('liftoff_redraw_lag_seconds')[0]?.buckets?.['+Inf']).toBeDefined();
    expect(Number(m.samples('liftoff_scheduler_tick_seconds')[0]?.buckets?.['+Inf'])).toBeGreaterThanOrEqual(1);
    expect(m.value('liftoff_deployments', { status: 'scheduled' })).toBe(1);
    expect(m.value('liftoff_deployments', { status: 'completed' })).toBe(0);
    const pendingJobs = h.query<{ n: number }>(
      "SELECT COUNT(*) AS n FROM jobs WHERE kind = 'announcement' AND status = 'pending'",
    )[0]!.n;
    expect(m.value('liftoff_jobs', { kind: 'announcement', status: 'pending' })).toBe(pendingJobs);
    expect(m.value('liftoff_database_bytes')).toBeGreaterThan(0);
    expect(m.value('liftoff_process_resident_memory_bytes')).toBeGreaterThan(0);
    // The event loop's lag is still served. How often it is sampled (once a second: every 10 ms was most of an
    // idle Liftoff's CPU, every 100 ms half of it) is no outcome a test can see here: `npm run bench` measures
    // the idle CPU.
    expect(m.samples('liftoff_nodejs_eventloop_lag_p99_seconds')).toHaveLength(1);
  });

  it('with METRICS_PORT it is served there and not on the port Slack reaches', async () => {
    h = await startHarness({ env: { METRICS_PORT: '0' } });
    expect(h.liftoff.metricsPort).not.toBeNull();
    const m = await scrape(`http://127.0.0.1:${h.liftoff.metricsPort}/metrics`);
    expect(m.value('liftoff_database_bytes')).toBeGreaterThan(0);
    expect((await fetch(`http://127.0.0.1:${h.liftoff.port}/metrics`)).status).toBe(404);
    expect((await fetch(`http://127.0.0.1:${h.liftoff.port}/healthz`)).status).toBe(200);
  });
});

describe('Web API outcomes', () => {
  const noStats = { jobsByKindAndStatus: () => [], deploymentsByStatus: () => [], databaseBytes: () => 0 };
  const answer = (status: number, body: unknown) => async () => new Response(JSON.stringify(body), { status });

  it('ok, the Slack error code, 429, an HTTP error, a timeout and no answer; the client still reads the whole answer', async () => {
    const metrics = createMetrics({ stats: noStats });
    const url = 'https://slack.example/api/chat.postMessage';
    const res = await measuredFetch(metrics, answer(200, { ok: false, error: 'channel_not_found' }))(url, {});
    expect(await res.json()).toEqual({ ok: false, error: 'channel_not_found' });
    await measuredFetch(metrics, answer(200, { ok: true }))(url, {});
    await measuredFetch(metrics, answer(429, {}))(url, {});
    await measuredFetch(metrics, answer(503, {}))(url, {});
    // Anything that is not an error code's shape is not a label.
    await measuredFetch(metrics, answer(200, { ok: false, error: 'Bad <html> from U123' }))(
      'https://slack.example/api/U123/../',
      {},
    );
    const timeout = async () => {
      throw new DOMException('The operation was aborted due to timeout', 'TimeoutError');
    };
    await expect(measuredFetch(metrics, timeout)(url, {})).rejects.toThrow();
    await expect(
      measuredFetch(metrics, async () => Promise.reject(new TypeError('fetch failed')))(url, {}),
    ).rejects.toThrow();

    const text = await metrics.registry.getSingleMetricAsString('liftoff_slack_api_calls_total');
    for (const outcome of ['ok', 'channel_not_found', '429', 'http_503', 'timeout', 'network_error']) {
      expect(text).toContain(`liftoff_slack_api_calls_total{method="chat.postMessage",outcome="${outcome}"} 1`);
    }
    expect(text).toContain('liftoff_slack_api_calls_total{method="other",outcome="unknown_error"} 1');
  });
});
