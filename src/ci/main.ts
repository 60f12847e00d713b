/**
 * `liftoff ci …`: the client a pipeline step runs against Liftoff's HTTP API.
 * Self-contained on purpose: nothing but Node (fetch, crypto), no import from
 * the rest of Liftoff, so its compiled file runs where Liftoff is not installed.
 *
 * Exit codes: 0 done (or the gate is open), 1 rejected or cancelled, 2 timed
 * out, 3 refused (bad token, out of scope, invalid), 4 Liftoff unreachable.
 */
import { createHash, randomUUID } from 'node:crypto';

export const EXIT = { ok: 0, stopped: 1, timedOut: 2, refused: 3, unreachable: 4 } as const;

export interface CiIo {
  env: Record<string, string | undefined>;
  out: { write(s: string): unknown };
  err: { write(s: string): unknown };
  fetch?: typeof fetch;
  /** For tests: how long to sleep between retries (ms). */
  sleep?: (ms: number) => Promise<void>;
}

const USAGE = `Usage: liftoff ci <command> …   (LIFTOFF_URL and LIFTOFF_TOKEN from the environment)
  start --service S --version V --environment E --deployer U123|name@example.com
        [--template T] [--type release] [--duration MINUTES] [--change TEXT]… [--ticket KEY:TEXT]… [--link URL]…
        [--approver ROLE=U123|name@example.com]…
                                   prints the deployment's reference (DEP-12)
  wait REF [start|completion] [--timeout SECONDS]
                                   0 open, 1 rejected or ended, 2 timed out
  confirm REF ITEM-KEY [--url URL] [--text TEXT]
  phase REF N start|complete
  fail REF STEP-KEY --note TEXT
  verdict REF healthy|faulty [--note TEXT]
  rollback REF --reason TEXT [--note TEXT]
  note REF TEXT
Every POST sends an Idempotency-Key (--key, else one derived from the run and the command), so a retried step changes nothing twice.
Exit codes: 0 done, 1 rejected/cancelled, 2 timed out, 3 refused, 4 Liftoff unreachable.`;

interface Parsed {
  positional: string[];
  flags: Map<string, string[]>;
}

function parseArgs(argv: readonly string[]): Parsed {
  const positional: string[] = [];
  const flags = new Map<string, string[]>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a.startsWith('--')) {
      const [name, inline] = a.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
      const value = inline ?? argv[++i] ?? '';
      flags.set(name, [...(flags.get(name) ?? []), value]);
    } else positional.push(a);
  }
  return { positional, flags };
}

/** The link to the running pipeline, from the CI's own variables (GitHub Actions, GitLab CI, Buildkite, Jenkins). */
export function runUrlOf(env: CiIo['env']): string | undefined {
  if (env.GITHUB_RUN_ID && env.GITHUB_REPOSITORY)
    return `${env.GITHUB_SERVER_URL ?? 'https://github.com'}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`;
  return env.CI_JOB_URL ?? env.BUILDKITE_BUILD_URL ?? env.BUILD_URL ?? undefined;
}

/** The same key for a re-run of the same step of the same run: GitHub's run id, GitLab's pipeline id, …; else a fresh one. */
function idempotencyKey(env: CiIo['env'], argv: readonly string[], given: string | undefined): string {
  if (given) return given;
  const run = env.GITHUB_RUN_ID ?? env.CI_PIPELINE_ID ?? env.BUILDKITE_BUILD_ID ?? env.BUILD_TAG;
  if (!run) return randomUUID();
  return createHash('sha256')
    .update(`${run}\n${env.GITHUB_JOB ?? env.CI_JOB_NAME ?? ''}\n${argv.join('\n')}`)
    .digest('hex')
    .slice(0, 40);
}

type Reply = { status: number; body: Record<string, unknown> };

export async function runCi(argv: readonly string[], io: CiIo): Promise<number> {
  const { env, out, err } = io;
  const doFetch = io.fetch ?? fetch;
  const sleep = io.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help') {
    (command ? out : err).write(`${USAGE}\n`);
    return command ? EXIT.ok : EXIT.refused;
  }
  const base = env.LIFTOFF_URL?.replace(/\/+$/, '');
  const token = env.LIFTOFF_TOKEN;
  if (!base || !token) {
    err.write(
      'liftoff ci: set LIFTOFF_URL (e.g. https://liftoff.example.com) and LIFTOFF_TOKEN (the pipeline token from the team configuration).\n',
    );
    return EXIT.refused;
  }
  const { positional, flags } = parseArgs(rest);
  const flag = (name: string) => flags.get(name)?.at(-1);
  const list = (name: string) => flags.get(name) ?? [];
  const runUrl = flag('run-url') ?? runUrlOf(env);
  const key = idempotencyKey(env, argv, flag('key'));
  const ref = positional[0] ?? '';

  /** One call, retried on network errors and 5xx/429 (with the same Idempotency-Key) for up to `patienceMs`. */
  async function call(
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
    patienceMs = 60_000,
  ): Promise<Reply | null> {
    const until = Date.now() + patienceMs;
    for (let attempt = 0; ; attempt++) {
      try {
        const res = await doFetch(`${base}/api/v1${path}`, {
          method,
          headers: {
            authorization: `Bearer ${token}`,
            accept: 'application/json',
            ...(method === 'POST' ? { 'content-type': 'application/json', 'idempotency-key': key } : {}),
          },
          ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        });
        const json = (await res.json().catch(() => ({}))) as Record<string, unknown>;
        if ((res.status < 500 && res.status !== 429) || Date.now() >= until) return { status: res.status, body: json };
      } catch (error) {
        if (Date.now() >= until) {
          err.write(`liftoff ci: could not reach ${base}: ${error instanceof Error ? error.message : String(error)}\n`);
          return null;
        }
      }
      await sleep(Math.min(1000 * 2 ** attempt, 15_000));
    }
  }

  /** Prints a refusal and answers its exit code; null when the call succeeded. */
  const failed = (r: Reply | null): number | null => {
    if (!r) return EXIT.unreachable;
    if (r.status < 300) return null;
    const details = Array.isArray(r.body.details) ? `\n  - ${(r.body.details as string[]).join('\n  - ')}` : '';
    err.write(
      `liftoff ci: refused (${r.status} ${String(r.body.error ?? '')}): ${String(r.body.message ?? '')}${details}\n`,
    );
    return EXIT.refused;
  };

  const post = async (path: string, body: Record<string, unknown>, done: (r: Reply) => string): Promise<number> => {
    const r = await call('POST', path, { ...body, ...(runUrl ? { run_url: runUrl } : {}) });
    const code = failed(r);
    if (code !== null) return code;
    out.write(`${done(r!)}\n`);
    return EXIT.ok;
  };
  const enc = encodeURIComponent;

  switch (command) {
    case 'start': {
      const body = {
        service: flag('service'),
        version: flag('version'),
        environment: flag('environment'),
        deployer: flag('deployer') ?? env.LIFTOFF_DEPLOYER,
        ...(flag('template') ? { template: flag('template') } : {}),
        ...(flag('type') ? { type: flag('type') } : {}),
        ...(flag('duration') ? { duration_minutes: Number(flag('duration')) } : {}),
        ...(flag('branch') ? { branch: flag('branch') } : {}),
        changes: list('change'),
        tickets: list('ticket').map((t) => {
          const [k, ...d] = t.split(':');
          return { key: k!.trim(), description: d.join(':').trim() };
        }),
        links: list('link').map((url) => ({ url })),
        ...(list('approver').length ? { approvers: approversOf(list('approver')) } : {}),
      };
      const r = await call('POST', '/deployments', { ...body, ...(runUrl ? { run_url: runUrl } : {}) });
      const code = failed(r);
      if (code !== null) return code;
      out.write(`${String(r!.body.ref)}\n`);
      err.write(
        `liftoff ci: ${String(r!.body.ref)} ${r!.body.created ? 'started' : 'already started'}${r!.body.permalink ? `: ${String(r!.body.permalink)}` : ''}\n`,
      );
      return EXIT.ok;
    }
    case 'wait': {
      const gate = positional[1] ?? 'start';
      const timeoutS = Number(flag('timeout') ?? 3600);
      const deadline = Date.now() + timeoutS * 1000;
      for (;;) {
        const left = Math.max(0, Math.ceil((deadline - Date.now()) / 1000));
        const r = await call(
          'GET',
          `/deployments/${enc(ref)}/gates/${enc(gate)}?wait=${Math.min(left, 60)}`,
          undefined,
          Math.max(left * 1000, 1),
        );
        if (!r) return EXIT.timedOut;
        const code = failed(r);
        if (code !== null) return code;
        const state = String(r.body.state);
        if (state === 'open') {
          out.write(`✅ ${ref}: the ${gate} gate is open\n`);
          return EXIT.ok;
        }
        if (state === 'rejected' || state === 'ended') {
          out.write(`⛔ ${ref}: ${String(r.body.reason ?? state)}\n`);
          return EXIT.stopped;
        }
        const missing = Array.isArray(r.body.missing) ? (r.body.missing as string[]) : [];
        const remaining = Math.max(0, Math.ceil((deadline - Date.now()) / 1000));
        err.write(
          `⏳ ${ref}: waiting on the ${gate} gate (${String(r.body.status)}); missing: ${missing.join('; ') || 'nothing'} · ${remaining} s left\n`,
        );
        if (remaining <= 0) {
          out.write(`⌛ ${ref}: timed out after ${timeoutS} s waiting on the ${gate} gate\n`);
          return EXIT.timedOut;
        }
      }
    }
    case 'confirm':
      return post(
        `/deployments/${enc(ref)}/items/${enc(positional[1] ?? '')}/confirm`,
        flag('url') || flag('text')
          ? {
              evidence: {
                ...(flag('url') ? { url: flag('url') } : {}),
                ...(flag('text') ? { text: flag('text') } : {}),
              },
            }
          : {},
        () => `✅ ${ref}: confirmed ${positional[1]}`,
      );
    case 'phase':
      return post(
        `/deployments/${enc(ref)}/phases/${enc(positional[1] ?? '')}/${enc(positional[2] ?? '')}`,
        {},
        () => `✅ ${ref}: phase ${positional[1]} ${positional[2] === 'start' ? 'started' : 'completed'}`,
      );
    case 'fail':
      return post(
        `/deployments/${enc(ref)}/steps/${enc(positional[1] ?? '')}/fail`,
        { note: flag('note') ?? '' },
        () => `❌ ${ref}: reported ${positional[1]} failed`,
      );
    case 'verdict':
      return post(
        `/deployments/${enc(ref)}/verdict`,
        { verdict: positional[1], ...(flag('note') ? { note: flag('note') } : {}) },
        () => `✅ ${ref}: marked ${positional[1]}`,
      );
    case 'rollback':
      return post(
        `/deployments/${enc(ref)}/rollback`,
        { reason: flag('reason') ?? '', ...(flag('note') ? { note: flag('note') } : {}) },
        () => `⏪ ${ref}: rollback started`,
      );
    case 'note':
      return post(
        `/deployments/${enc(ref)}/notes`,
        { text: positional.slice(1).join(' ') },
        () => `📝 ${ref}: note posted`,
      );
    default:
      err.write(`liftoff ci: unknown command "${command}".\n${USAGE}\n`);
      return EXIT.refused;
  }
}

// Run directly (node dist/ci/main.js …): the same as `liftoff ci …`.
if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  process.exitCode = await runCi(process.argv.slice(2), { env: process.env, out: process.stdout, err: process.stderr });
}

/** `--approver qa_lead=ana@example.com`, repeated: role → the people named for it. */
function approversOf(entries: string[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const e of entries) {
    const [role, ...who] = e.split('=');
    (out[role!.trim()] ??= []).push(who.join('=').trim());
  }
  return out;
}
