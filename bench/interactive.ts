/**
 * The interactive scenarios, each sent to the baseline and then to Liftoff with the same signed
 * bodies: `/deploy help`, the start form's submission, approvals and checklist clicks at 1 and 20
 * concurrent users; then a storm of 50 clicks on one message within a second, and the start form at
 * 20 users again in warm rounds. Between scenarios the fake's rate windows start afresh and Liftoff
 * is left to finish its Slack work.
 */
import { performance } from 'node:perf_hooks';
import { ActionId, encodeRef } from '../src/slack/ids.js';
import type { FakeSlack } from '../test/support/fake-slack.js';
import { PEOPLE } from '../test/support/harness.js';
import type { Server } from './procs.js';
import { ratio, summarize, type Summary } from './stats.js';
import {
  APPROVERS,
  BENCH_CHANNELS,
  commandRequest,
  economy,
  inLine,
  load,
  pressIn,
  openStartForm,
  plainItems,
  quiet,
  SLACK_LIMITS,
  submitRequest,
  timeUntil,
  type LoadResult,
  type Prepared,
  type Reader,
} from './workspace.js';

/** What a load's answers were. */
type Answers = Pick<LoadResult, 'latencies' | 'failed'>;

export interface LatencyRow {
  scenario: string;
  users: number;
  liftoff: Summary & { failed: number };
  baseline: Summary & { failed: number };
  ratio: { p50: number | null; p99: number | null; max: number | null };
}

export interface EconomyRow {
  action: string;
  actions: number;
  /** Web API calls Liftoff made per action (the baseline makes none), with the 429s it drew. */
  callsPerAction: number;
  rateLimited: number;
  byMethod: Record<string, number>;
  /** From the last acknowledgement until every message shows the final state (ms). */
  finalStateMs?: number;
}

export interface InteractiveResult {
  latency: LatencyRow[];
  economy: EconomyRow[];
  /**
   * Liftoff's CPU from the first click until Slack shows the final state and Liftoff is quiet
   * (`liftoffMs`: its paced redraws included), and while the clicks are sent and answered
   * (`liftoffDuringMs`: the window the baseline's figure covers); the baseline's while it answers.
   */
  cpuPerClick: {
    users: number;
    liftoffMs: number;
    liftoffDuringMs: number;
    baselineMs: number;
    ratio: number | null;
    ratioDuring: number | null;
    /**
     * The same figures again once the clicks' code is warm (the burst above is the first of its
     * kind: its CPU includes compiling it), in rounds that alternate with the baseline's (baseline,
     * Liftoff, each round waiting for the final state and a quiet Liftoff): a machine whose speed
     * drifts over a minute moves both. Per click over all the rounds (the ratios of the sums),
     * with the lowest and highest round's ratio.
     */
    rounds?: {
      rounds: number;
      clicksEach: number;
      liftoffMs: number;
      liftoffDuringMs: number;
      baselineMs: number;
      ratio: number | null;
      ratioDuring: number | null;
      range: [number, number] | null;
      rangeDuring: [number, number] | null;
    };
  }[];
  storm: {
    clicks: number;
    sentWithinMs: number;
    chatUpdates: number;
    rateLimited: number;
    finalStateMs: number;
    liftoffAck: Summary;
    baselineAck: Summary;
  };
}

export interface InteractiveOptions {
  fake: FakeSlack;
  liftoff: Server;
  baseline: Server;
  reader: Reader;
  quick: boolean;
  log: (line: string) => void;
}

export async function runInteractive(o: InteractiveOptions): Promise<InteractiveResult> {
  const { fake, liftoff, baseline, reader, log } = o;
  const n = (full: number, quick: number) => (o.quick ? quick : full);
  const latency: LatencyRow[] = [];
  const econ: EconomyRow[] = [];
  const cpuPerClick: InteractiveResult['cpuPerClick'] = [];

  /** The same requests to the baseline, then to Liftoff: each one's answers and CPU while it answers. */
  async function bothAnswer(requests: Prepared[], users: number) {
    const b0 = baseline.cpuMs();
    const b = await load(baseline.client, requests, users);
    const bCpu = baseline.cpuMs() - b0;
    const from = fake.calls.length;
    const l0 = liftoff.cpuMs();
    const l = await load(liftoff.client, requests, users);
    return { b, bCpu, from, l0, l, lCpuDuring: liftoff.cpuMs() - l0 };
  }

  /**
   * Both servers, same bodies; Liftoff's CPU, calls and 429s are counted until it is quiet again. A
   * scenario timed until Slack shows the final state starts once chat.update's last minute is over:
   * the fake's rate windows start afresh for every scenario, and Liftoff's own pace (which remembers
   * its minute, as Slack does) then starts afresh too, so the time and the CPU are the clicks', not
   * what the scenario before left of the minute.
   */
  async function scenario(name: string, users: number, requests: Prepared[], finalState?: () => boolean) {
    if (finalState) await minuteOver(fake, 'chat.update');
    fake.limitRates(SLACK_LIMITS);
    const { b, bCpu, from, l0, l, lCpuDuring } = await bothAnswer(requests, users);
    // From the last acknowledgement until Slack shows the final state, then until Liftoff is quiet.
    const finalStateMs = finalState ? await timeUntil(finalState) : undefined;
    const settledMs = await quiet(fake);
    const lCpu = liftoff.cpuMs() - l0;
    const row = latencyRow(name, users, l, b);
    log(
      `  ${name} ×${requests.length} at ${users}: ${figures(row)}, Slack settled after ${(settledMs / 1000).toFixed(1)} s`,
    );
    return { from, lCpu, lCpuDuring, bCpu, count: requests.length, finalStateMs };
  }

  /** A row's p50 and p99, Liftoff's beside the baseline's, for the progress lines. */
  const figures = (row: LatencyRow) =>
    `p50 ${row.liftoff.p50.toFixed(1)} ms (baseline ${row.baseline.p50.toFixed(1)}), p99 ${row.liftoff.p99.toFixed(1)} ms (baseline ${row.baseline.p99.toFixed(1)})`;

  /** A row of the acknowledgements' table: both servers' answers to the same requests. */
  function latencyRow(name: string, users: number, l: Answers, b: Answers): LatencyRow {
    const row: LatencyRow = {
      scenario: name,
      users,
      liftoff: { ...summarize(l.latencies), failed: l.failed },
      baseline: { ...summarize(b.latencies), failed: b.failed },
      ratio: { p50: null, p99: null, max: null },
    };
    row.ratio = {
      p50: ratio(row.liftoff.p50, row.baseline.p50),
      p99: ratio(row.liftoff.p99, row.baseline.p99),
      max: ratio(row.liftoff.max, row.baseline.max),
    };
    latency.push(row);
    return row;
  }

  const addEconomy = (action: string, s: { from: number; count: number }, extra: Partial<EconomyRow> = {}) => {
    const e = economy(fake.calls, s.from);
    econ.push({
      action,
      actions: s.count,
      callsPerAction: e.calls / s.count,
      rateLimited: e.rateLimited,
      byMethod: e.byMethod,
      ...extra,
    });
  };

  // `/deploy help`: answered in the acknowledgement.
  log('/deploy help');
  const help = (count: number) =>
    Array.from({ length: count }, (_, i) =>
      commandRequest(fake, 'help', PEOPLE.deployer, BENCH_CHANNELS[i % BENCH_CHANNELS.length]!),
    );
  for (const [users, count] of [
    [1, n(100, 30)],
    [20, n(400, 100)],
  ] as const)
    addEconomy(`/deploy help (${users})`, await scenario('/deploy help', users, help(count)));

  // The start form: opened one by one (not timed), submitted at 1 and at 20 users.
  log('start form');
  const formCounts = [
    [1, n(6, 3)],
    [20, 20],
  ] as const;
  const deployments: Array<{ id: number; channel: string }> = [];
  // The deploy channels in turn, form by form (`deployments` fills only once a scenario is over: read
  // there, every form of a scenario went to one channel, whose pace of a message a second then made
  // six forms take 39 s to post and twenty outlast the two-minute wait).
  let opened = 0;
  /** `count` start forms, opened one by one (not timed), each in the next deploy channel. */
  async function openForms(count: number, name: (i: number) => string) {
    const forms = [];
    for (let i = 0; i < count; i++) {
      const channel = BENCH_CHANNELS[opened++ % BENCH_CHANNELS.length]!;
      const f = await openStartForm(fake, liftoff.client, channel, name(i));
      if (f) forms.push(f);
    }
    await quiet(fake, 500);
    return forms;
  }
  for (const [users, count] of formCounts) {
    const forms = await openForms(count, (i) => `svc-${users}-${i}`);
    const s = await scenario(
      'form submission',
      users,
      forms.map((f) => submitRequest(fake, f)),
    );
    addEconomy(`form submission (${users})`, s);
    for (const f of forms) {
      const id = reader.idOf(f.service);
      if (id !== undefined) deployments.push({ id, channel: f.channel });
    }
  }
  log(`  ${deployments.length} deployments started`);

  // Approvals: each deployment's three roles, the first ones one at a time, the rest 20 at once.
  log('approvals');
  const approvals = deployments.flatMap(({ id, channel }) =>
    APPROVERS.map(([role, user]) => pressIn(fake, channel, user, ActionId.approve, encodeRef({ d: id, r: role }))),
  );
  const oneByOne = n(15, 9);
  addEconomy('approval (1)', await scenario('approval', 1, approvals.slice(0, oneByOne)));
  addEconomy('approval (20)', await scenario('approval', 20, approvals.slice(oneByOne)));

  // Checklist clicks over four deployments, each one confirming or undoing an item.
  log('checklist clicks');
  const targets = deployments.slice(0, 4).map((t) => ({ ...t, keys: plainItems(reader.state(t.id)) }));
  const done = new Map<string, boolean>();
  /** Every clicked item's button in the messages shows its stored state. */
  const clicksInLine = () => targets.every((t) => inLine(fake, reader, t.id, t.channel, t.keys));
  const clicks = (count: number) =>
    Array.from({ length: count }, (_, i) => {
      const t = targets[i % targets.length]!;
      return toggle(fake, t, t.keys[Math.floor(i / targets.length) % t.keys.length]!, done);
    });
  for (const [users, count] of [
    [1, n(100, 30)],
    [20, n(400, 100)],
  ] as const) {
    const s = await scenario('checklist click', users, clicks(count), clicksInLine);
    addEconomy(`checklist click (${users})`, s, s.finalStateMs === undefined ? {} : { finalStateMs: s.finalStateMs });
    cpuPerClick.push({
      users,
      liftoffMs: s.lCpu / count,
      liftoffDuringMs: s.lCpuDuring / count,
      baselineMs: s.bCpu / count,
      ratio: ratio(s.lCpu, s.bCpu),
      ratioDuring: ratio(s.lCpuDuring, s.bCpu),
    });
  }
  // The CPU per click once more, warm, in rounds alternating with the baseline's.
  // Rounds as long as the first burst: a round of a hundred clicks at 20 users lasted a third of a
  // second, and one collection of the old generation (10–20 ms) then moved its ratio by a tenth.
  for (const [users, clicksEach] of [
    [1, n(100, 30)],
    [20, n(400, 100)],
  ] as const) {
    const rounds = await alternatingRounds(users, clicksEach, n(4, 2));
    const row = cpuPerClick.find((c) => c.users === users);
    if (row) row.rounds = rounds;
    log(
      `  CPU per click at ${users}, ${rounds.rounds} alternating rounds: ${rounds.liftoffMs.toFixed(2)} ms until the final state, ${rounds.liftoffDuringMs.toFixed(2)} ms while answered (baseline ${rounds.baselineMs.toFixed(2)})`,
    );
  }

  /**
   * `count` rounds of `clicksEach` clicks, each sent to the baseline and then to Liftoff; Liftoff's
   * CPU is counted while it answers and until Slack shows the final state and it is quiet again (its
   * redraws then fall in no baseline window).
   */
  async function alternatingRounds(users: number, clicksEach: number, count: number) {
    await minuteOver(fake, 'chat.update');
    fake.limitRates(SLACK_LIMITS);
    let b = 0;
    let lDuring = 0;
    let lAll = 0;
    const each: Array<{ during: number; all: number }> = [];
    for (let r = 0; r < count; r++) {
      const { bCpu, l0, lCpuDuring: during } = await bothAnswer(clicks(clicksEach), users);
      await timeUntil(clicksInLine);
      await quiet(fake);
      const all = liftoff.cpuMs() - l0;
      b += bCpu;
      lDuring += during;
      lAll += all;
      if (bCpu > 0) each.push({ during: during / bCpu, all: all / bCpu });
    }
    const total = count * clicksEach;
    const range = (pick: (e: { during: number; all: number }) => number): [number, number] | null =>
      each.length ? [Math.min(...each.map(pick)), Math.max(...each.map(pick))] : null;
    return {
      rounds: count,
      clicksEach,
      liftoffMs: lAll / total,
      liftoffDuringMs: lDuring / total,
      baselineMs: b / total,
      ratio: ratio(lAll, b),
      ratioDuring: ratio(lDuring, b),
      range: range((e) => e.all),
      rangeDuring: range((e) => e.during),
    };
  }

  // 50 clicks on one message within a second, sent without waiting for the answers.
  log('click storm');
  const t = deployments[4] ?? deployments[0]!;
  const keys = plainItems(reader.state(t.id));
  const flips = new Map<string, boolean>();
  const stormBodies = Array.from({ length: 50 }, (_, i) => toggle(fake, t, keys[i % keys.length]!, flips));
  const storm = async (server: Server) => {
    const bodies = stormBodies;
    const acks: number[] = [];
    const t0 = performance.now();
    const sent = bodies.map(async (r, i) => {
      await new Promise((res) => setTimeout(res, i * 18));
      const s = performance.now();
      await server.client.raw(r.body).catch(() => undefined);
      acks.push(performance.now() - s);
    });
    const sentWithinMs = (bodies.length - 1) * 18;
    await Promise.all(sent);
    return { acks, t0, sentWithinMs };
  };
  await minuteOver(fake, 'chat.update');
  fake.limitRates(SLACK_LIMITS);
  const bStorm = await storm(baseline);
  const from = fake.calls.length;
  const lStorm = await storm(liftoff);
  const reached = await timeUntil(() => inLine(fake, reader, t.id, t.channel, keys));
  const finalStateMs = Number.isNaN(reached) ? Number.NaN : performance.now() - lStorm.t0;
  await quiet(fake);
  const e = economy(fake.calls, from);
  log(
    `  ${e.byMethod['chat.update'] ?? 0} chat.update, ${e.rateLimited} answered 429, final after ${finalStateMs.toFixed(0)} ms`,
  );
  // The start form again at 20 users, warm: the burst above is the first twenty forms the process
  // answers at once (their code compiles then). Rounds of twenty, each sent to the baseline and then
  // to Liftoff, each waiting for Liftoff's posts; one row over all of them. Their deployments are
  // not clicked (the scenarios above are done).
  log('start form, warm rounds');
  const warm = { l: { latencies: [] as number[], failed: 0 }, b: { latencies: [] as number[], failed: 0 } };
  const formRounds = n(3, 1);
  for (let r = 0; r < formRounds; r++) {
    const forms = await openForms(20, (i) => `svc-warm-${r}-${i}`);
    fake.limitRates(SLACK_LIMITS);
    const { b, l } = await bothAnswer(
      forms.map((f) => submitRequest(fake, f)),
      20,
    );
    warm.l.latencies.push(...l.latencies);
    warm.l.failed += l.failed;
    warm.b.latencies.push(...b.latencies);
    warm.b.failed += b.failed;
    await quiet(fake);
  }
  const warmRow = latencyRow(
    `form submission, warm (${formRounds} round${formRounds === 1 ? '' : 's'} of 20)`,
    20,
    warm.l,
    warm.b,
  );
  log(`  ${warmRow.scenario}: ${figures(warmRow)}`);

  return {
    latency,
    economy: econ,
    cpuPerClick,
    storm: {
      clicks: 50,
      sentWithinMs: lStorm.sentWithinMs,
      chatUpdates: e.byMethod['chat.update'] ?? 0,
      rateLimited: e.rateLimited,
      finalStateMs,
      liftoffAck: summarize(lStorm.acks),
      baselineAck: summarize(bStorm.acks),
    },
  };
}

/** Waits until a minute has passed since Liftoff's last call of `method` (its tier's window). */
async function minuteOver(fake: FakeSlack, method: string): Promise<void> {
  const last = fake.calls.filter((c) => c.method === method).at(-1)?.at;
  if (last !== undefined) await new Promise((r) => setTimeout(r, Math.max(0, last + 60_000 + 100 - Date.now())));
}

/** A click confirming an item, or undoing it when the last click (in `done`) confirmed it. */
function toggle(fake: FakeSlack, t: { id: number; channel: string }, key: string, done: Map<string, boolean>) {
  const value = encodeRef({ d: t.id, k: key });
  const confirmed = done.get(value) ?? false;
  done.set(value, !confirmed);
  return pressIn(fake, t.channel, PEOPLE.deployer, confirmed ? ActionId.undoItem : ActionId.confirmItem, value);
}
