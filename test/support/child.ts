/**
 * Liftoff as a real child process (`node --import tsx src/main.ts`, or a built install's
 * command), for tests that kill it, stop it with a signal or read what it prints. The fake
 * Slack runs in the test process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** A port that was free a moment ago: listen on 0, read it, close. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface LiftoffChild {
  port: number;
  baseUrl: string;
  process: ChildProcess;
  /** Everything printed so far on stdout and stderr. */
  output(): { stdout: string; stderr: string };
  /** Resolves with the exit code (or the signal's name) once the process has ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal: NodeJS.Signals): void;
}

export interface ChildOptions {
  /** The command and its arguments (default: the sources through tsx, from the repository). */
  command?: [string, ...string[]];
  cwd?: string;
  /** Run as this user and group (an unprivileged user; needs root). */
  uid?: number;
  gid?: number;
  /**
   * A ceiling, not a budget: how long a start may take before the test gives up. Generous,
   * because a loaded machine (other test files, other work) can slow a start many times over.
   */
  timeoutMs?: number;
}

/** Starts Liftoff and waits until GET /healthz answers 200 (rejects if it exits or takes over the ceiling). */
export async function startChild(env: Record<string, string>, opts: ChildOptions = {}): Promise<LiftoffChild> {
  const { command = [process.execPath, '--import', 'tsx', 'src/main.ts'], cwd = ROOT, timeoutMs = 120_000 } = opts;
  const port = await freePort();
  const { child, stdout, stderr } = spawnLiftoff(env, port, { command, cwd, ...opts });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  let ended = false;
  void exited.then(() => (ended = true));
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (ended) throw new Error(`Liftoff exited during start:\n${stderr()}\n${stdout()}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`Liftoff did not answer /healthz within ${timeoutMs} ms:\n${stderr()}\n${stdout()}`);
    }
    const ok = await fetch(`${baseUrl}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    port,
    baseUrl,
    process: child,
    output: () => ({ stdout: stdout(), stderr: stderr() }),
    exited,
    kill: (signal) => {
      if (!ended) child.kill(signal);
    },
  };
}

/** Starts Liftoff expecting it to stop by itself (a refused start): resolves with its exit code and what it printed. */
/** `node --import tsx src/main.ts` on `port`, with only the given environment; what it prints is collected. */
function spawnLiftoff(env: Record<string, string>, port: number, opts: ChildOptions = {}) {
  const { command = [process.execPath, '--import', 'tsx', 'src/main.ts'], cwd = ROOT } = opts;
  const child = spawn(command[0], command.slice(1), {
    cwd,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      TZ: 'UTC',
      LIFTOFF_SLACK_POST_INTERVAL_MS: '2',
      LIFTOFF_SLACK_TIER_MINUTE_MS: '100',
      ...env,
      PORT: String(port),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(opts.uid !== undefined ? { uid: opts.uid } : {}),
    ...(opts.gid !== undefined ? { gid: opts.gid } : {}),
  });
  const out = { stdout: '', stderr: '' };
  child.stdout!.on('data', (b: Buffer) => (out.stdout += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (out.stderr += b.toString()));
  return { child, stdout: () => out.stdout, stderr: () => out.stderr };
}

export async function runUntilExit(
  env: Record<string, string>,
  timeoutMs = 15_000,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const port = await freePort();
  const { child, stdout, stderr } = spawnLiftoff(env, port);
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  clearTimeout(timer);
  return { code, stdout: stdout(), stderr: stderr() };
}
