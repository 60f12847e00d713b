/**
 * Liftoff as production runs it: the compiled output (`npm run build`) with the production
 * dependencies only, in a fresh folder, started the way the Dockerfile's runtime stage starts
 * it (its `CMD`: `node --min-semi-space-size=8 --max-semi-space-size=8 dist/main.js`, as an
 * unprivileged user, the database in a data folder elsewhere), and the way the README starts it
 * (`npm start`, which must hand SIGTERM to node itself); the systemd unit's `ExecStart` is
 * compared with the same command line.
 * The image itself is not built here (no base images on this machine): these are its steps.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActionId } from '../../src/slack/ids.js';
import { ensureBuilt, ROOT } from '../support/build.js';
import { startChild, type LiftoffChild } from '../support/child.js';
import { startFakeSlack, type FakeSlack } from '../support/fake-slack.js';
import { CHANNELS, PEOPLE, SIGNING_SECRET, TOKEN } from '../support/harness.js';
import { slackClient } from '../support/slack-requests.js';

const NOBODY = 65534;
const asRoot = process.getuid?.() === 0;
let app: string;
let data: string;
let fake: FakeSlack;

/**
 * The runtime stage: package.json, dist/, the built-in templates, the charts' font and the production
 * dependencies (`npm prune --omit=dev` in the build stage: the packages `npm ls --omit=dev`
 * lists, better-sqlite3 with the addon compiled there), owned by root and read-only to Liftoff.
 */
function installProduction(): string {
  const dir = mkdtempSync(join(tmpdir(), 'liftoff-app-'));
  for (const f of ['package.json', 'package-lock.json', 'dist', 'data/templates', 'assets'])
    cpSync(join(ROOT, f), join(dir, f), { recursive: true });
  const packages = execFileSync('npm', ['ls', '--omit=dev', '--all', '--parseable'], { cwd: ROOT, encoding: 'utf8' })
    .split('\n')
    .map((p) => relative(ROOT, p.trim()))
    .filter((p) => p.startsWith('node_modules'));
  for (const p of packages) cpSync(join(ROOT, p), join(dir, p), { recursive: true });
  chmodSync(dir, 0o755);
  return dir;
}

/** The runtime stage's command, as its Dockerfile's last `CMD` (a JSON array) gives it: ["node", …]. */
function imageCommand(): string[] {
  const cmds = readFileSync(join(ROOT, 'Dockerfile'), 'utf8').match(/^CMD (\[.*\])$/gm) ?? [];
  return JSON.parse(cmds.at(-1)!.slice('CMD '.length)) as string[];
}

/** Resolves true when something accepts connections on the port. */
const listening = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });

/** Polls until `probe` returns a value (a ceiling, not a budget). */
async function until<T>(probe: () => Promise<T | undefined>, what: string, ceilingMs = 60_000): Promise<T> {
  const deadline = Date.now() + ceilingMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  await ensureBuilt();
  app = installProduction();
  data = mkdtempSync(join(tmpdir(), 'liftoff-data-'));
  if (asRoot) chownSync(data, NOBODY, NOBODY);
  fake = await startFakeSlack({ token: TOKEN });
  for (const [name, id] of Object.entries(PEOPLE)) fake.addUser(id, { name });
  fake.addChannel(CHANNELS.deploys, { name: 'deploys' });
}, 600_000);

afterAll(async () => {
  await fake?.stop();
  for (const d of [app, data]) if (d) rmSync(d, { recursive: true, force: true });
}, 120_000);

const env = () => ({
  SLACK_BOT_TOKEN: TOKEN,
  SLACK_SIGNING_SECRET: SIGNING_SECRET,
  SLACK_API_URL: fake.url,
  LIFTOFF_DB: join(data, 'liftoff.db'),
  HOME: data,
});

describe('the production install', () => {
  it("the systemd unit starts node with the image's command line (the same Node flags)", () => {
    const unit = readFileSync(join(ROOT, 'deploy', 'liftoff.service'), 'utf8');
    const execStart = /^ExecStart=(.*)$/m.exec(unit)?.[1]?.trim().split(/\s+/);
    const [node, ...args] = imageCommand();
    expect(execStart).toEqual([`/usr/bin/${node}`, ...args]);
  });

  it("the image's command as an unprivileged user: /healthz, a click counted in /metrics, SIGTERM exits 0 with nothing listening", async () => {
    let child: LiftoffChild | null = null;
    try {
      const [node, ...args] = imageCommand();
      expect(node).toBe('node');
      child = await startChild(env(), {
        command: [process.execPath, ...args],
        cwd: app,
        ...(asRoot ? { uid: NOBODY, gid: NOBODY } : {}),
      });
      const slack = slackClient({ baseUrl: child.baseUrl, signingSecret: SIGNING_SECRET, fake });

      // One click (an approval on a deployment that does not exist: refused kindly, acknowledged all the same).
      const res = await slack.action({
        user: PEOPLE.qa,
        actionId: ActionId.approve,
        value: JSON.stringify({ d: 999, r: 'qa_lead' }),
        channel: CHANNELS.deploys,
      });
      expect(res.status).toBe(200);

      const families = await until(async () => {
        const scrape = await fetch(`${child!.baseUrl}/metrics`);
        expect(scrape.status).toBe(200);
        expect(scrape.headers.get('content-type')).toMatch(/^text\/plain/);
        const parsed = parsePrometheusTextFormat(await scrape.text());
        const acks = parsed.find((f) => f.name === 'liftoff_acks_total');
        return acks?.metrics.some((m) => m.labels?.kind === 'block_actions' && m.value === '1') ? parsed : undefined;
      }, 'the click in /metrics');
      const family = (name: string) => families.find((f) => f.name === name)!;
      expect(family('liftoff_ack_seconds').type).toBe('HISTOGRAM');
      expect(family('liftoff_ack_seconds').metrics.some((m) => m.buckets?.['+Inf'] === '1')).toBe(true);
      // The start's auth.test went to the fake Slack and was counted by method and outcome.
      expect(family('liftoff_slack_api_calls_total').metrics).toContainEqual({
        labels: { method: 'auth.test', outcome: 'ok' },
        value: expect.any(String),
      });
      expect(family('liftoff_jobs').metrics.length).toBeGreaterThan(0);
      expect(Number(family('liftoff_database_bytes').metrics[0]!.value)).toBeGreaterThan(0);
      // No user data in labels: no user, channel or team id appears in the scrape.
      const text = await (await fetch(`${child.baseUrl}/metrics`)).text();
      for (const id of [PEOPLE.qa, CHANNELS.deploys, '999']) expect(text).not.toContain(`"${id}"`);

      child.kill('SIGTERM');
      expect(await child.exited).toEqual({ code: 0, signal: null });
      expect(await listening(child.port)).toBe(false);
      expect(child.output().stderr).toBe('');
    } finally {
      child?.kill('SIGKILL');
    }
  }, 300_000);

  it('draws a chart from the compiled output with the production dependencies and the font it ships', () => {
    const script = `import('./dist/slack/charts/weekly.js').then(async (m) => {
      const png = await m.weeklyChart([0, 1, 2].map((i) => ({ start: i * 7 * 86400000, completed: i, failed: 1, cancelled: 0 })));
      process.stdout.write(png.subarray(1, 4).toString('ascii') + ' ' + png.readUInt32BE(16));
    })`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: app,
      encoding: 'utf8',
      ...(asRoot ? { uid: NOBODY, gid: NOBODY } : {}),
    });
    expect(out).toMatch(/^PNG \d{3,4}$/);
  });

  it('npm start hands SIGTERM to node itself (exec): npm exits 0 and nothing is left listening', async () => {
    let child: LiftoffChild | null = null;
    try {
      // No TypeScript in a production install: prestart finds dist/ built and does not build.
      child = await startChild(env(), { command: ['npm', 'start', '--silent'], cwd: app });
      const pid = child.process.pid!;
      const tree = execFileSync('ps', ['-o', 'comm=', '--ppid', String(pid)], { encoding: 'utf8' }).trim();
      expect(tree).toBe('node'); // npm's only child is node (no /bin/sh in between)
      // …started with the image's command line (the same Node flags).
      const args = execFileSync('ps', ['-o', 'args=', '--ppid', String(pid)], { encoding: 'utf8' }).trim();
      expect(args).toBe(imageCommand().join(' '));
      child.kill('SIGTERM');
      expect(await child.exited).toEqual({ code: 0, signal: null });
      expect(await listening(child.port)).toBe(false);
    } finally {
      child?.kill('SIGKILL');
    }
  }, 300_000);
});
