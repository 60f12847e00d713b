/**
 * The two servers under test as processes of their own: Liftoff as `npm start` runs it
 * (`node --min-semi-space-size=8 --max-semi-space-size=8 dist/main.js`, the flags read from its
 * start script) and the baseline Bolt app (`node dist/bench/baseline.js`, Node's defaults), each
 * on a free port, with what /proc says about them (CPU time, resident memory).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ensureBuilt, ROOT } from '../test/support/build.js';
import { freePort } from '../test/support/child.js';
import type { FakeSlack } from '../test/support/fake-slack.js';
import { SIGNING_SECRET, TOKEN } from '../test/support/harness.js';
import { slackClient } from '../test/support/slack-requests.js';
import { commandFields } from '../test/support/slack-requests/payloads.js';

export type Client = ReturnType<typeof slackClient>;

export interface Server {
  name: 'liftoff' | 'baseline';
  pid: number;
  baseUrl: string;
  client: Client;
  /** Milliseconds from spawn to the first answered request (a signed `/deploy help`). */
  startupMs: number;
  /** CPU time used so far (user + system), in ms. */
  cpuMs(): number;
  /** Resident memory now and its peak so far, in MB. */
  rss(): { now: number; peak: number };
  /** The last lines it printed (for a failed run). */
  tail(): string;
  /** With BENCH_HEAP_SNAPSHOT=<folder>: writes a heap snapshot there and resolves with its file name (else null). */
  heapSnapshot(): Promise<string | null>;
  stop(): Promise<void>;
}

const TICK_MS = 1000 / Number(execFileSync('getconf', ['CLK_TCK']).toString().trim() || 100);

/**
 * CPU time a process has used (user + system, all its threads), in ms: the sum of its threads'
 * `se.sum_exec_runtime` (/proc/<pid>/task/<tid>/sched, to the microsecond), else utime + stime
 * from /proc/<pid>/stat (fields 14 and 15), which count in clock ticks (10 ms): a hundred clicks
 * of the baseline take about 100 ms, so a tick was a tenth of the figure. (Node's threads live as
 * long as the process: a thread that ended would take its time with it.)
 */
export function cpuMsOf(pid: number): number {
  return schedCpuMs(pid) ?? statCpuMs(pid);
}

function statCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
}

/** Undefined where the kernel does not give it (no /proc/<pid>/sched, or a zero total: schedstats off). */
function schedCpuMs(pid: number): number | undefined {
  let total = 0;
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const sched = readFileSync(`/proc/${pid}/task/${tid}/sched`, 'utf8');
      const ms = /^se\.sum_exec_runtime\s*:\s*([\d.]+)/m.exec(sched)?.[1];
      if (ms === undefined) return undefined;
      total += Number(ms);
    }
  } catch {
    return undefined;
  }
  return total > 0 ? total : undefined;
}

export function rssOf(pid: number): { now: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(status.match(new RegExp(`^${key}:\\s+(\\d+)`, 'm'))?.[1] ?? Number.NaN);
  return { now: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

/** `npm run build` when dist/ is older than the sources, then the baseline beside it. */
export async function buildBoth(): Promise<void> {
  await ensureBuilt();
  execFileSync(join(ROOT, 'node_modules', '.bin', 'tsc'), ['-p', join(ROOT, 'bench', 'tsconfig.baseline.json')], {
    cwd: ROOT,
    stdio: 'inherit',
  });
}

/** A setting's words (Node flags, NAME=value pairs), split on spaces. */
export const words = (text = '') => text.split(/\s+/).filter(Boolean);

/** The Node flags of package.json's start script (`exec node <flags> dist/main.js`): the bench runs what operators run. */
function startFlags(): string[] {
  const start = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts
    .start;
  const flags = /^exec node (.*?)\s*dist\/main\.js$/.exec(start)?.[1];
  if (flags === undefined) throw new Error(`package.json's start script is not "exec node … dist/main.js": ${start}`);
  return words(flags);
}

export interface StartOptions {
  name: Server['name'];
  fake: FakeSlack;
  /** Liftoff's working folder (its database lives there). */
  cwd: string;
  env?: Record<string, string>;
  /** Liftoff's Node flags beside its start script's (BENCH_NODE_ARGS when absent). */
  nodeArgs?: string[];
  /** How long a start may take before the run gives up (a ceiling, not a target). */
  timeoutMs?: number;
}

export async function startServer(o: StartOptions): Promise<Server> {
  const port = await freePort();
  const script = o.name === 'liftoff' ? join(ROOT, 'dist', 'main.js') : join(ROOT, 'dist', 'bench', 'baseline.js');
  const t0 = performance.now();
  // BENCH_CPU_PROF=<folder>: each server writes a CPU profile there when it stops (node --cpu-prof).
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  // BENCH_HEAP_SNAPSHOT=<folder>: Liftoff writes a heap snapshot there when told (SIGUSR2; see heapSnapshot).
  const heapDir = o.name === 'liftoff' ? process.env.BENCH_HEAP_SNAPSHOT : undefined;
  const heap = heapDir ? ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${heapDir}`] : [];
  // Liftoff gets the Node flags `npm start` gives it; BENCH_NODE_ARGS="--flag …" adds some (to try a V8 setting).
  const flags = o.name === 'liftoff' ? [...startFlags(), ...(o.nodeArgs ?? words(process.env.BENCH_NODE_ARGS))] : [];
  const child: ChildProcess = spawn(process.execPath, [...profile, ...heap, ...flags, script], {
    cwd: o.cwd,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      TZ: 'UTC',
      NODE_ENV: 'production',
      SLACK_BOT_TOKEN: TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: o.fake.url,
      LOG_LEVEL: 'warn',
      ...o.env,
      PORT: String(port),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  // BENCH_LIFTOFF_LOG=<file>: everything Liftoff writes (its warnings; a V8 flag's trace) is appended there.
  const logFile = o.name === 'liftoff' ? process.env.BENCH_LIFTOFF_LOG : undefined;
  const keep = (b: Buffer) => {
    if (logFile) appendFileSync(logFile, b);
    out = (out + b.toString()).slice(-8000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  let exited = false;
  const gone = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      resolve();
    }),
  );
  const baseUrl = `http://127.0.0.1:${port}`;
  const client = slackClient({ baseUrl, signingSecret: SIGNING_SECRET, fake: o.fake });
  const deadline = Date.now() + (o.timeoutMs ?? 180_000);
  let startupMs = Number.NaN;
  for (;;) {
    if (exited) throw new Error(`${o.name} exited during start:\n${out}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${o.name} answered no request within ${o.timeoutMs ?? 180_000} ms:\n${out}`);
    }
    const status = await client.raw(helpBody(o.fake)).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200) {
      startupMs = performance.now() - t0;
      break;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  const pid = child.pid!;
  return {
    name: o.name,
    pid,
    baseUrl,
    client,
    startupMs,
    cpuMs: () => cpuMsOf(pid),
    rss: () => rssOf(pid),
    tail: () => out,
    async heapSnapshot() {
      if (!heapDir || exited) return null;
      const before = new Set(readdirSync(heapDir));
      const sizes = new Map<string, number>();
      child.kill('SIGUSR2');
      // Written when its size stops changing (a snapshot of a few hundred MB takes seconds).
      for (let i = 0; i < 600; i++) {
        await new Promise((r) => setTimeout(r, 1000));
        const file = readdirSync(heapDir).find((f) => !before.has(f) && f.endsWith('.heapsnapshot'));
        if (!file) continue;
        const size = statSync(join(heapDir, file)).size;
        if (size > 0 && sizes.get(file) === size) return file;
        sizes.set(file, size);
      }
      return null;
    },
    async stop() {
      if (exited) return;
      child.kill('SIGTERM');
      // A CPU profile is written only on a clean exit: give it longer.
      const timer = setTimeout(() => child.kill('SIGKILL'), profile.length ? 120_000 : 15_000);
      await gone;
      clearTimeout(timer);
    },
  };
}

/** A signed `/deploy help` body (the request that proves a server answers). */
export function helpBody(fake: FakeSlack, user = 'UDEPLOYER', channel = 'CDEPLOYS'): string {
  return new URLSearchParams(commandFields(fake, fake.teamId, 'help', { user, channel })).toString();
}
