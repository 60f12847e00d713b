import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ActionId } from '../../src/slack/ids.js';
import { fakeClock } from '../support/clock.js';
import { buttonsOf, press, textOf, threadOf } from '../support/flows.js';
import { CHANNELS, PEOPLE, startHarness, type Harness } from '../support/harness.js';
import { finished, openRollback, stateOf, submitRollback } from '../rollback/helpers.js';

const MIN = 60_000;

type RawButton = { action_id: string; text: { text: string }; confirm?: { confirm: { text: string } } };
/** The buttons of a message as Slack gets them (with their confirm dialogs). */
const rawButtons = (m: { blocks?: unknown }): RawButton[] =>
  ((m.blocks ?? []) as Array<{ type: string; elements?: RawButton[] }>).flatMap((b) =>
    b.type === 'actions' ? (b.elements ?? []) : [],
  );
let h: Harness;
let dir: string;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'liftoff-reminder-'));
  const file = join(dir, 'liftoff.yml');
  writeFileSync(
    file,
    ['version: 1', 'services:', '  checkout:', '    communication:', '      monitoring_minutes: 60', ''].join('\n'),
  );
  h = await startHarness({
    env: { LIFTOFF_CONFIG: file },
    clock: fakeClock(Math.floor(Date.now() / MIN) * MIN),
    slackFollowsClock: true,
  });
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
  // The real button: "Report a problem…" on the card while the release is monitored, behind a confirm dialog.
  const card = h.fake.messages(CHANNELS.deploys).find((m) => m.ts === m.thread_ts || !m.thread_ts)!;
  const button = rawButtons(card).find((b) => b.action_id === ActionId.markFaulty)!;
  expect(button.text.text).toBe('Report a problem…');
  expect(button.confirm?.confirm.text).toBe('Mark faulty');
  const { message } = await press(h, PEOPLE.deployer, ActionId.markFaulty, { d: id });
  expect(message?.ts).toBe(card.ts);
  expect(stateOf(h, id).monitoring?.verdict?.healthy).toBe(false);
  return { id, markedAt: h.clock.now() };
}

describe('reporting a problem during the monitoring window', () => {
  it('an approver may report it; a stranger is refused and nothing changes; once reported the button is gone', async () => {
    const { id } = await finished(h);
    await press(h, PEOPLE.stranger, ActionId.markFaulty, { d: id });
    expect(h.fake.ephemerals({ user: PEOPLE.stranger }).at(-1)?.text).toContain(
      `Only the deployer and the approvers named on DEP-${id} can report it faulty`,
    );
    expect(stateOf(h, id).monitoring?.verdict).toBeUndefined();

    await press(h, PEOPLE.qa, ActionId.markFaulty, { d: id });
    const d = stateOf(h, id);
    expect(d.monitoring?.verdict).toMatchObject({
      healthy: false,
      by: PEOPLE.qa,
      note: 'Reported faulty during the monitoring window.',
    });
    expect(d.status).toBe('monitoring');
    await h.liftoff.scheduler.tick();
    await h.settled();
    // The issue notice reaches the thread; the card and the thread keep only Roll back.
    expect(thread(id).map(textOf).join('\n')).toMatch(/Marked faulty/);
    // The completion notice pointed to it.
    expect(thread(id).map(textOf).join('\n')).toContain(
      'Something wrong before then? *Report a problem…* on the deployment’s card',
    );
    const card = h.fake.messages(CHANNELS.deploys).find((m) => !m.thread_ts || m.thread_ts === m.ts)!;
    expect(buttonsOf(card).map((b) => b.actionId)).toEqual([ActionId.rollback]);
    const offer = thread(id).find((m) => textOf(m).includes('marked the release faulty'))!;
    expect(buttonsOf(offer).map((b) => b.actionId)).toEqual([ActionId.rollback]);
  });
});

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
    expect(
      h.query<{ status: string }>(`SELECT status FROM jobs WHERE kind = 'rollback_decision'`).map((j) => j.status),
    ).toEqual(['cancelled']);
  });
});
