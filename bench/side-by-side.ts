/**
 * Two Liftoffs side by side: `npm run bench:side-by-side` starts two Liftoff processes, A and B,
 * each with its own database and deployments, and the baseline Bolt app, all against one fake
 * Slack with Slack's limits, and sends each rounds of checklist clicks in turn (baseline, A, B;
 * A and B swap places every round). A drift of the machine moves all three alike, so the ratio
 * of B's CPU per click to A's is steadier than two runs of `npm run bench` minutes apart, whose
 * own spread is wider than a change of a tenth. What differs between A and B is what the
 * settings give each (a Node flag, an environment variable); both run the same build.
 *
 *   BENCH_A_ARGS / BENCH_B_ARGS   Node flags added to the start script's ("--max-semi-space-size=4")
 *   BENCH_A_ENV / BENCH_B_ENV     environment variables for the process ("NAME=value NAME2=value")
 *   BENCH_ROUNDS                  rounds (default 10)
 *   BENCH_CLICKS                  clicks a round for each server (default 400)
 *   BENCH_USERS                   people clicking at once (default 20)
 *   BENCH_PAUSE                   seconds of quiet before each Liftoff's round (default 0): V8
 *                                 shrinks an idle process's heap after a few seconds, and a
 *                                 burst after a quiet spell is what a chat-ops bot mostly sees
 *
 * CPU is every thread's (as `npm run bench` reads it), counted while each server answers its
 * round; Liftoff's redraws of a round are let finish before the next server's round starts. Each
 * server answers one round first that is not counted (the clicks' code compiles then).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ActionId, encodeRef } from '../src/slack/ids.js';
import { startFakeSlack } from '../test/support/fake-slack.js';
import { PEOPLE, TOKEN } from '../test/support/harness.js';
import { buildBoth, type Server, startServer, words } from './procs.js';
import { prepareScaleWorkspace } from './scale.js';
import {
  APPROVERS,
  BENCH_CHANNELS,
  load,
  openReader,
  openStartForm,
  plainItems,
  prepareWorkspace,
  pressIn,
  quiet,
  SLACK_LIMITS,
  submitRequest,
} from './workspace.js';

const number = (name: string, fallback: number) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a whole number above 0`);
  return value;
};
const ROUNDS = number('BENCH_ROUNDS', 10);
const CLICKS = number('BENCH_CLICKS', 400);
const USERS = number('BENCH_USERS', 20);
const PAUSE_MS = process.env.BENCH_PAUSE ? number('BENCH_PAUSE', 0) * 1000 : 0;
const envOf = (text?: string) =>
  Object.fromEntries(
    words(text).map((pair) => {
      const at = pair.indexOf('=');
      if (at < 1) throw new Error(`not NAME=value: ${pair}`);
      return [pair.slice(0, at), pair.slice(at + 1)];
    }),
  );

await buildBoth();
const fake = await startFakeSlack({ token: TOKEN });
prepareWorkspace(fake);
prepareScaleWorkspace(fake);
fake.limitRates(SLACK_LIMITS);

/** A Liftoff with four deployments approved and ready for clicks. */
async function variant(name: 'A' | 'B') {
  const dir = mkdtempSync(join(tmpdir(), `liftoff-side-${name}-`));
  const dbFile = join(dir, 'liftoff.db');
  const server = await startServer({
    name: 'liftoff',
    fake,
    cwd: dir,
    env: { LIFTOFF_DB: dbFile, ...envOf(process.env[`BENCH_${name}_ENV`]) },
    nodeArgs: words(process.env[`BENCH_${name}_ARGS`]),
  });
  const reader = openReader(dbFile);
  const forms = [];
  for (let i = 0; i < 4; i++) {
    const channel = BENCH_CHANNELS[i % BENCH_CHANNELS.length]!;
    const form = await openStartForm(fake, server.client, channel, `svc-${name.toLowerCase()}-${i}`);
    if (form) forms.push(form);
  }
  await load(
    server.client,
    forms.map((f) => submitRequest(fake, f)),
    1,
  );
  const deployments = forms.flatMap((f) => {
    const id = reader.idOf(f.service);
    return id === undefined ? [] : [{ id, channel: f.channel }];
  });
  if (deployments.length < 4) throw new Error(`${name}: ${deployments.length} of 4 deployments started`);
  await quiet(fake);
  const approvals = deployments.flatMap(({ id, channel }) =>
    APPROVERS.map(([role, user]) => pressIn(fake, channel, user, ActionId.approve, encodeRef({ d: id, r: role }))),
  );
  await load(server.client, approvals, 4);
  await quiet(fake);
  const targets = deployments.map((t) => ({ ...t, keys: plainItems(reader.state(t.id)) }));
  reader.close();
  const done = new Map<string, boolean>();
  /** A round's clicks: each confirms an item, or undoes it when it is done. */
  const clicks = () =>
    Array.from({ length: CLICKS }, (_, i) => {
      const t = targets[i % targets.length]!;
      const value = encodeRef({ d: t.id, k: t.keys[Math.floor(i / targets.length) % t.keys.length]! });
      const confirmed = done.get(value) ?? false;
      done.set(value, !confirmed);
      return pressIn(fake, t.channel, PEOPLE.deployer, confirmed ? ActionId.undoItem : ActionId.confirmItem, value);
    });
  return { name, server, dir, clicks };
}

/** CPU per click (ms) while `server` answers `requests`. */
async function round(server: Server, requests: Parameters<typeof load>[1]) {
  const before = server.cpuMs();
  await load(server.client, requests, USERS);
  return (server.cpuMs() - before) / requests.length;
}

const a = await variant('A');
const b = await variant('B');
const baselineDir = mkdtempSync(join(tmpdir(), 'liftoff-side-baseline-'));
const baseline = await startServer({ name: 'baseline', fake, cwd: baselineDir });
const sums = { A: 0, B: 0, baseline: 0 };
let bAhead = 0;
try {
  console.log(
    `A: ${process.env.BENCH_A_ARGS ?? ''} ${process.env.BENCH_A_ENV ?? ''}; B: ${process.env.BENCH_B_ARGS ?? ''} ${process.env.BENCH_B_ENV ?? ''}`,
  );
  // One round each first, not counted: the clicks' code is compiled then (its first burst). The
  // baseline answers A's requests of the round (the same list, as `npm run bench` sends both): a
  // list of its own would turn A's items over in the list's memory and not in A.
  const warm = a.clicks();
  for (const [server, requests] of [
    [baseline, warm],
    [a.server, warm],
    [b.server, b.clicks()],
  ] as const) {
    await round(server, requests);
    await quiet(fake, 800);
  }
  for (let r = 0; r < ROUNDS; r++) {
    fake.limitRates(SLACK_LIMITS);
    const requests = { A: a.clicks(), B: b.clicks() };
    const base = await round(baseline, requests.A);
    const cpu = { A: 0, B: 0 };
    for (const v of r % 2 ? [b, a] : [a, b]) {
      if (PAUSE_MS) await new Promise((resolve) => setTimeout(resolve, PAUSE_MS));
      cpu[v.name] = await round(v.server, requests[v.name]);
      await quiet(fake, 800);
    }
    sums.baseline += base;
    sums.A += cpu.A;
    sums.B += cpu.B;
    if (cpu.B < cpu.A) bAhead++;
    console.log(
      `round ${r + 1}: baseline ${base.toFixed(3)} ms, A ${cpu.A.toFixed(3)} ms (${(cpu.A / base).toFixed(2)}×), B ${cpu.B.toFixed(3)} ms (${(cpu.B / base).toFixed(2)}×); B/A ${(cpu.B / cpu.A).toFixed(3)}`,
    );
  }
  console.log(
    `CPU per click over ${ROUNDS} rounds of ${CLICKS} at ${USERS} users: A ${(sums.A / sums.baseline).toFixed(2)}× the baseline, B ${(sums.B / sums.baseline).toFixed(2)}×; B/A ${(sums.B / sums.A).toFixed(3)} (B used less in ${bAhead} of ${ROUNDS} rounds)`,
  );
} finally {
  for (const v of [a, b]) {
    await v.server.stop();
    rmSync(v.dir, { recursive: true, force: true });
  }
  await baseline.stop();
  rmSync(baselineDir, { recursive: true, force: true });
  await fake.stop();
}
