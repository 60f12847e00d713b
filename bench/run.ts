/**
 * `npm run bench`: Liftoff as `npm start` runs it, a separate process in HTTP mode, against the fake
 * Slack with Slack's rate tiers and per-channel pace enforced, side by side with a Bolt app that only
 * acknowledges (baseline.ts), both sent the same signed requests. Every latency is given as Liftoff's
 * figure and as a ratio to the baseline's in the same run. Writes bench/results/latest.json and
 * prints a Markdown table (the one README's "Performance" shows). Nothing here asserts.
 *
 *   BENCH_QUICK=1          smaller counts and a smaller database (a minute or two)
 *   BENCH_IDLE_SECONDS=N   the idle period (default 30; the figure is 120)
 *   BENCH_ONLY=a,b         only some parts: interactive, scale, idle, render
 *   BENCH_SCALE=A,F,J      active and finished deployments, pending jobs (default 2000,20000,10000)
 *   BENCH_OUT=file         where the JSON goes (default bench/results/latest.json)
 *   BENCH_NODE_ARGS="…"    Node flags for Liftoff beside its start script's (to try a V8 setting)
 *   BENCH_LIFTOFF_LOG=file everything Liftoff writes, appended there (its warnings, a flag's trace)
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ROOT } from '../test/support/build.js';
import { startFakeSlack } from '../test/support/fake-slack.js';
import { TOKEN } from '../test/support/harness.js';
import { runInteractive, type InteractiveResult } from './interactive.js';
import { buildBoth, startServer, type Server } from './procs.js';
import { runRender, type RenderRow } from './render.js';
import { report } from './report.js';
import { prepareScaleWorkspace, runIdle, runScale, type IdleResult, type ScaleResult } from './scale.js';
import { openReader, prepareWorkspace, SLACK_LIMITS } from './workspace.js';

const quick = /^(1|true|yes)$/i.test(process.env.BENCH_QUICK ?? '');
const idleSeconds = Number(process.env.BENCH_IDLE_SECONDS ?? 30);
const only = new Set((process.env.BENCH_ONLY ?? 'interactive,scale,idle,render').split(',').map((s) => s.trim()));
const out = process.env.BENCH_OUT ?? join(ROOT, 'bench', 'results', quick ? 'quick.json' : 'latest.json');
const log = (line: string) => process.stderr.write(`${line}\n`);

export interface BenchResult {
  when: string;
  machine: { nproc: number; node: string; cpu: string; load: number[] };
  quick: boolean;
  startup: { liftoffMs: number; baselineMs: number };
  rssAfterStartMb: { liftoff: number; baseline: number };
  interactive?: InteractiveResult;
  rssAfterInteractiveMb?: { liftoff: number; liftoffPeak: number; baseline: number };
  scale?: ScaleResult;
  idle?: IdleResult;
  render?: RenderRow[];
}

log('building dist/ and the baseline');
await buildBoth();
const { cpus, loadavg } = await import('node:os');
const dir = mkdtempSync(join(tmpdir(), 'liftoff-bench-'));
const fake = await startFakeSlack({ token: TOKEN });
prepareWorkspace(fake);
prepareScaleWorkspace(fake);
fake.limitRates(SLACK_LIMITS);
const servers: Server[] = [];
try {
  const baseline = await startServer({ name: 'baseline', fake, cwd: dir });
  servers.push(baseline);
  const dbFile = join(dir, 'liftoff.db');
  const liftoff = await startServer({ name: 'liftoff', fake, cwd: dir, env: { LIFTOFF_DB: dbFile } });
  servers.push(liftoff);
  const result: BenchResult = {
    when: new Date().toISOString(),
    machine: { nproc: cpus().length, node: process.version, cpu: cpus()[0]?.model ?? '?', load: loadavg() },
    quick,
    startup: { liftoffMs: liftoff.startupMs, baselineMs: baseline.startupMs },
    rssAfterStartMb: { liftoff: liftoff.rss().now, baseline: baseline.rss().now },
  };
  /** Written after each part, so an interrupted run still leaves what it measured. */
  const save = () => {
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  };
  log(`started: Liftoff ${liftoff.startupMs.toFixed(0)} ms, baseline ${baseline.startupMs.toFixed(0)} ms`);
  if (only.has('interactive')) {
    const reader = openReader(dbFile);
    try {
      result.interactive = await runInteractive({ fake, liftoff, baseline, reader, quick, log });
    } finally {
      reader.close();
    }
    const rss = liftoff.rss();
    result.rssAfterInteractiveMb = { liftoff: rss.now, liftoffPeak: rss.peak, baseline: baseline.rss().now };
    save();
  }
  await liftoff.stop();
  if (only.has('scale')) {
    log('scale');
    result.scale = await runScale({ fake, baseline, dir, quick, log });
    save();
  }
  if (only.has('idle')) {
    log('idle');
    result.idle = await runIdle({ fake, baseline, dir, quick, log, seconds: idleSeconds });
  }
  if (only.has('render')) {
    log('render');
    result.render = runRender(quick ? 50 : 200);
  }
  save();
  process.stdout.write(`${report(result)}\n`);
  log(`written to ${out}`);
} catch (e) {
  for (const s of servers) log(`--- ${s.name} said:\n${s.tail()}`);
  throw e;
} finally {
  for (const s of servers) await s.stop();
  await fake.stop();
  rmSync(dir, { recursive: true, force: true });
}
