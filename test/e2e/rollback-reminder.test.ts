import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ActionId } from '../../src/slack/ids.js';
import { fakeClock } from '../support/clock.js';
import { buttonsOf, press, textOf, threadOf } from '../support/flows.js';
import { PEOPLE, startHarness, type Harness } from '../support/harness.js';
import { finished, openRollback, stateOf, submitRollback } from '../rollback/helpers.js';

const MIN = 60_000;
let h: Harness;
let dir: string;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'liftoff-reminder-'));
  const file = join(dir, 'liftoff.yml');
  writeFileSync(file, ['version: 1', 'services:', '  checkout:', '    communication:', '      monitoring_minutes: 60', ''].join('\n'));
  h = await startHarness({ env: { LIFTOFF_CONFIG: file }, clock: fakeClock(Math.floor(Date.now() / MIN) * MIN), slackFollowsClock: true });
});
afterEach(async () => {
  await h.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function at(ms: number) {
  h.clock.set(ms);
  await h.liftoff.scheduler.tick();
  await h.settled();
}

const thread = (id: number) => {
  const ts = h.query<{ ts: string }>(`SELECT ts FROM messages WHERE deployment_id = ? AND key = 'parent'`, id)[0]!.ts;
  return threadOf(h, ts);
};
const reminders = (id: number) => thread(id).filter((m) => textOf(m).includes('roll back, or carry on'));

/** A release being monitored, marked faulty now (the issue notice goes out). */
async function faulty() {
  const { id } = await finished(h);
  expect(stateOf(h, id).status).toBe('monitoring');
  await press(h, PEOPLE.deployer, ActionId.markFaulty, { d: id });
  expect(stateOf(h, id).monitoring?.verdict?.healthy).toBe(false);
  return { id, markedAt: h.clock.now() };
}

describe('while a release marked faulty is still live', () => {
  it('the deployer is asked after 10 minutes to roll back or carry on, once; the Roll back button in it works', async () => {
    const { id, markedAt } = await faulty();
    await at(markedAt + 9 * MIN);
    expect(reminders(id)).toEqual([]);
    await at(markedAt + 10 * MIN);
    await at(markedAt + 11 * MIN);
    const [reminder, ...more] = reminders(id);
    expect(more).toEqual([]);
    expect(textOf(reminder!)).toMatch(/<@UDEPLOYER>: DEP-1 \(checkout in Production\) was marked faulty 10 min ago/);
    expect(buttonsOf(reminder!).map((b) => b.actionId)).toEqual([ActionId.rollback, ActionId.markHealthy]);

    const view = await openRollback(h, PEOPLE.deployer, id);
    await submitRollback(h, PEOPLE.deployer, view!);
    expect(stateOf(h, id).status).toBe('rolling_back');
  });

  it('is not asked once the rollback has started', async () => {
    const { id, markedAt } = await faulty();
    await submitRollback(h, PEOPLE.deployer, (await openRollback(h, PEOPLE.deployer, id))!);
    await at(markedAt + 15 * MIN);
    expect(reminders(id)).toEqual([]);
    expect(h.query<{ status: string }>(`SELECT status FROM jobs WHERE kind = 'rollback_decision'`).map((j) => j.status)).toEqual(['cancelled']);
  });
});
