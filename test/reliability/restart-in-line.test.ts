/**
 * A restart brings every active deployment's messages in line, but draws again only those not
 * known to be in line already: a deployment whose messages were fully drawn from its current
 * revision by this code, with no message record written since, costs no render and no Slack
 * call; a running timer is moved by the scheduler's paced redraws. A record that differs is drawn.
 */
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ActionId } from '../../src/slack/ids.js';
import { overrideGate } from '../rollback/helpers.js';
import { fakeClock } from '../support/clock.js';
import { press, startDeployment } from '../support/flows.js';
import { CHANNELS, PEOPLE, startHarness, type Harness } from '../support/harness.js';
import { MIN, stateOf, tickAt } from '../support/schedule.js';

let h: Harness;
const t0 = Math.floor(Date.now() / MIN) * MIN;

beforeEach(async () => {
  h = await startHarness({ clock: fakeClock(t0), slackFollowsClock: true });
});
afterEach(async () => {
  await h.stop();
});

/** What the last start-up check of the messages said (its log line's fields). */
function checkedAtStart(): { deployments: number; inLine: number; drawn: number } {
  const line = h.logs.filter((l) => l.includes('messages checked at start')).at(-1);
  expect(line).toBeDefined();
  return JSON.parse(line!) as { deployments: number; inLine: number; drawn: number };
}

const write = (sql: string, ...params: unknown[]) => {
  const db = new Database(h.dbFile);
  try {
    db.prepare(sql).run(...params);
  } finally {
    db.close();
  }
};

const tsOf = (id: number, key: string) =>
  h.query<{ ts: string }>('SELECT ts FROM messages WHERE deployment_id = ? AND key = ?', id, key)[0]!.ts;

const updatesSince = (from: number) =>
  h.fake.calls.slice(from).filter((c) => c.method === 'chat.update' || c.method === 'chat.postMessage');

describe('the start-up reconciliation', () => {
  it('draws nothing again for deployments known to be in line, and draws the one whose record differs', async () => {
    await startDeployment(h);
    const { id: b } = await startDeployment(h);
    const { id: c } = await startDeployment(h);
    await h.settled();
    // b's card record says it shows something else (as after a crash before its redraw was recorded).
    write("UPDATE messages SET rendered_hash = 'older' WHERE deployment_id = ? AND key = 'parent'", b);
    // c's note is gone (as in a database written before Liftoff kept it).
    write('DELETE FROM drawn WHERE deployment_id = ?', c);

    const from = h.fake.calls.length;
    await h.restart();
    await h.settled();
    expect(checkedAtStart()).toMatchObject({ deployments: 3, inLine: 1, drawn: 2 });
    // Only b's card showed something else: it alone is updated; c was rendered, found in line, not touched.
    expect(updatesSince(from).map((call) => call.args.ts)).toEqual([tsOf(b, 'parent')]);

    // Drawn again, both are noted in line: the next restart draws none.
    await h.restart();
    await h.settled();
    expect(checkedAtStart()).toMatchObject({ deployments: 3, inLine: 3, drawn: 0 });
  });

  it('leaves a running timer to the scheduler: not drawn at start, moved by its first paced look', async () => {
    const { id } = await startDeployment(h);
    await overrideGate(h, id, 'start');
    const phase = stateOf(h, id).plan.phases[0]!;
    await press(h, PEOPLE.deployer, ActionId.startPhase, { d: id, p: phase.id });
    await h.settled();
    const phaseTs = h.query<{ ts: string }>(
      "SELECT ts FROM messages WHERE deployment_id = ? AND key LIKE 'phase:%' ORDER BY key LIMIT 1",
      id,
    )[0]!.ts;
    const shown = () => JSON.stringify(h.fake.message(CHANNELS.deploys, phaseTs));

    h.clock.set(t0 + 20 * MIN);
    await h.restart();
    await h.settled();
    // In line but for its timer: the reconciliation renders nothing, the card still shows the minute it stopped at.
    expect(checkedAtStart()).toMatchObject({ deployments: 1, inLine: 1, drawn: 0 });
    expect(shown()).not.toContain('Running for 20 min');
    await tickAt(h, t0 + 20 * MIN);
    expect(shown()).toContain('Running for 20 min');
  });

  it('renders no running timer at its first look when its messages were drawn at the minute it shows now', async () => {
    const { id } = await startDeployment(h);
    await overrideGate(h, id, 'start');
    const phase = stateOf(h, id).plan.phases[0]!;
    h.clock.set(t0 + 5 * MIN);
    await press(h, PEOPLE.deployer, ActionId.startPhase, { d: id, p: phase.id });
    await tickAt(h, t0 + 5 * MIN); // the start notice and its step, drawn
    // A restart within the same shown minute: nothing to move, nothing rendered (no redraw asked for).
    h.clock.set(t0 + 5 * MIN + 10_000);
    await h.restart();
    await h.settled();
    const from = h.fake.calls.length;
    expect(await redrawsAsked()).toBe(0);
    await tickAt(h, t0 + 5 * MIN + 20_000);
    expect(await redrawsAsked()).toBe(0);
    expect(updatesSince(from)).toEqual([]);
    // A minute later the timer moves as ever.
    await tickAt(h, t0 + 7 * MIN);
    expect(await redrawsAsked()).toBeGreaterThan(0);
  });
});

/** Redraws asked for since the bot (re)started, from its metrics. */
async function redrawsAsked(): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${h.liftoff.port}/metrics`)).text();
  return Number(/^liftoff_redraws_queued_total (\d+)/m.exec(text)?.[1] ?? 0);
}
