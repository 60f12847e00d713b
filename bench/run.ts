/**
 * `npm run bench`: confirmations per second and their latency through the real app (signed HTTP
 * into Bolt, SQLite on disk) against the fake Slack; memory before and after; render time of the
 * biggest template. Prints a small table. Figures depend on the machine: nothing here asserts.
 */
import { performance } from 'node:perf_hooks';
import { renderDeployment } from '../src/slack/views/deployment/index.js';
import { ActionId, encodeRef } from '../src/slack/ids.js';
import { plainPreItems, stateOf } from '../test/reliability/helpers.js';
import { startDeployment } from '../test/support/flows.js';
import { CHANNELS, PEOPLE, startHarness } from '../test/support/harness.js';
import { allTemplates, hugeTemplate, worstDone } from '../test/views/fixtures.js';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 2000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const DEPLOYMENTS = 4;

const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const gc = () => (globalThis as { gc?: () => void }).gc?.();

const h = await startHarness({ env: { LOG_LEVEL: 'error' } });
try {
  const targets: Array<{ id: number; keys: string[] }> = [];
  for (let i = 0; i < DEPLOYMENTS; i++) {
    const { id } = await startDeployment(h);
    targets.push({ id, keys: plainPreItems(stateOf(h, id)).map((p) => p.key) });
  }
  gc();
  const memBefore = process.memoryUsage();

  // Each request confirms or undoes one item (alternating per item), so every one is a real change.
  const plan: Array<{ id: number; key: string; action: string }> = [];
  const toggles = new Map<string, number>();
  for (let i = 0; i < REQUESTS; i++) {
    const t = targets[i % targets.length]!;
    const key = t.keys[Math.floor(i / targets.length) % t.keys.length]!;
    const n = toggles.get(`${t.id}:${key}`) ?? 0;
    toggles.set(`${t.id}:${key}`, n + 1);
    plan.push({ id: t.id, key, action: n % 2 === 0 ? ActionId.confirmItem : ActionId.undoItem });
  }
  const latencies: number[] = [];
  let next = 0;
  let failed = 0;
  const updatesBefore = h.fake.callsTo('chat.update').length;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < plan.length) {
        const p = plan[next++]!;
        const t0 = performance.now();
        const res = await h.slack.action({
          user: PEOPLE.deployer,
          actionId: p.action,
          value: encodeRef({ d: p.id, k: p.key }),
          channel: CHANNELS.deploys,
        });
        latencies.push(performance.now() - t0);
        if (res.status !== 200) failed++;
      }
    }),
  );
  const wall = performance.now() - started;
  await h.settled();
  const chatUpdates = h.fake.callsTo('chat.update').length - updatesBefore;
  gc();
  const memAfter = process.memoryUsage();

  // Render time of the biggest template, every item done (the heaviest message set).
  const biggest = [...allTemplates.map(([, t]) => t), hugeTemplate].sort(
    (a, b) => JSON.stringify(b).length - JSON.stringify(a).length,
  )[0]!;
  const d = worstDone(biggest);
  const renders: number[] = [];
  let messages = 0;
  for (let i = 0; i < 200; i++) {
    const t0 = performance.now();
    messages = renderDeployment(d, Date.now()).length;
    renders.push(performance.now() - t0);
  }

  latencies.sort((a, b) => a - b);
  renders.sort((a, b) => a - b);
  const rows: Array<[string, string]> = [
    ['confirmations sent', `${REQUESTS} (${CONCURRENCY} at a time, ${DEPLOYMENTS} deployments)`],
    ['answered 200', String(REQUESTS - failed)],
    ['requests / second', (REQUESTS / (wall / 1000)).toFixed(0)],
    ['latency p50', `${pct(latencies, 50).toFixed(1)} ms`],
    ['latency p95', `${pct(latencies, 95).toFixed(1)} ms`],
    ['latency max', `${latencies.at(-1)!.toFixed(1)} ms`],
    ['chat.update calls', `${chatUpdates} (coalesced from ${REQUESTS} changes)`],
    ['heap before / after', `${mb(memBefore.heapUsed)} / ${mb(memAfter.heapUsed)}`],
    ['rss before / after', `${mb(memBefore.rss)} / ${mb(memAfter.rss)}`],
    [
      `render "${biggest.name.slice(0, 30)}"`,
      `p50 ${pct(renders, 50).toFixed(2)} ms, p95 ${pct(renders, 95).toFixed(2)} ms (${messages} messages)`,
    ],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  process.stdout.write(
    `\nLiftoff bench (node ${process.version}${(globalThis as { gc?: unknown }).gc ? '' : ', run with --expose-gc for steadier memory figures'})\n`,
  );
  for (const [k, v] of rows) process.stdout.write(`  ${k.padEnd(width)}  ${v}\n`);
} finally {
  await h.stop();
}
