import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ActionId, encodeRef } from '../../src/slack/ids.js';
import { buttonsOf, startValues, textOf } from '../support/flows.js';
import { CHANNELS, PEOPLE, startHarness, type Harness } from '../support/harness.js';
import { stateOf } from '../support/schedule.js';

/** A runbook of the worst kind for posting: a long checklist and many phases, so a card and dozens of thread messages. */
function hugeRunbook(): string {
  const pre = Array.from({ length: 60 }, (_, i) => `- [ ] Check number ${i + 1} is done and verified`);
  const phases = Array.from({ length: 8 }, (_, p) => [
    `### Phase ${p + 1}: Roll out part ${p + 1}`,
    '',
    `**${String(10 + p).padStart(2, '0')}:00 - ${String(10 + p).padStart(2, '0')}:30**`,
    '',
    ...Array.from({ length: 12 }, (_, s) => `${s + 1}. Step ${s + 1} of phase ${p + 1}`),
    '',
  ]);
  return [
    '# Huge runbook',
    '',
    '## Pre-Deployment Checklist',
    '',
    ...pre,
    '',
    '## Deployment Steps',
    '',
    ...phases.flat(),
    '## Rollback Plan',
    '',
    '1. Redeploy the previous version',
    '',
    '## Approvals',
    '',
    '- **QA Lead:** [Name]',
    '',
  ].join('\n');
}

let h: Harness;
let dir: string;
afterEach(async () => {
  await h.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Opens the start form with `/deploy start`; returns its view, or undefined when it did not open. */
async function openStartForm(user: string = PEOPLE.deployer) {
  const before = h.fake.views.length;
  const res = await h.slack.command('start checkout 2.4.0 prod', { user, channel: CHANNELS.deploys });
  expect(res.status).toBe(200);
  await h.fake.waitFor(
    () => h.fake.views.length > before || h.fake.callsTo('views.open').some((c) => c.response.ok === false),
    5000,
  );
  return h.fake.views.slice(before).find((v) => v.op === 'open');
}

describe('posting at Slack’s pace', () => {
  it('five huge deployments started at once with rate tiers on: no 429, every modal opened meanwhile opens, the final messages show the final state', async () => {
    dir = mkdtempSync(join(tmpdir(), 'liftoff-pace-'));
    mkdirSync(join(dir, 'runbooks'));
    writeFileSync(join(dir, 'runbooks', 'huge-runbook.md'), hugeRunbook());
    writeFileSync(join(dir, 'liftoff.yml'), 'templates_dir: runbooks\n');
    // Slack sped up: a burst of 6 per channel, then one every 50 ms; every other method limited by its tier
    // (calls per minute, limits.ts); a 429 says "wait 3 s" (longer than a trigger_id lives).
    h = await startHarness({
      env: {
        LIFTOFF_CONFIG: join(dir, 'liftoff.yml'),
        LIFTOFF_SLACK_POST_INTERVAL_MS: '60',
        LIFTOFF_SLACK_TIER_MINUTE_MS: '60000',
      },
    });
    h.fake.limitRates({ perChannel: { burst: 6, intervalMs: 50 }, retryAfter: 3 });

    const forms = [];
    for (let i = 0; i < 5; i++) forms.push((await openStartForm())!);
    const submitted = await Promise.all(
      forms.map((form, i) =>
        h.slack.submitView({
          user: PEOPLE.deployer,
          callbackId: 'deploy.start',
          privateMetadata: (form.view as { private_metadata?: string }).private_metadata ?? '',
          values: startValues(h, { template: 'huge-runbook', service: `svc-${i}`, approvers: { qa_lead: PEOPLE.qa } }),
          viewId: form.id,
        }),
      ),
    );
    expect(submitted.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);

    // While the cards and threads go out, people keep opening modals: each one opens. And the QA lead
    // approves all five: each approval redraws messages (chat.update, a tier of its own).
    const ids = h.query<{ id: number }>('SELECT id FROM deployments ORDER BY id').map((r) => r.id);
    const approvals = ids.map((id) =>
      h.slack.action({
        user: PEOPLE.qa,
        actionId: ActionId.approve,
        value: encodeRef({ d: id, r: 'qa_lead' }),
        channel: CHANNELS.deploys,
      }),
    );
    const meanwhile = [];
    for (let i = 0; i < 4; i++) {
      meanwhile.push(await openStartForm(PEOPLE.dev));
      await new Promise((r) => setTimeout(r, 150));
    }
    expect((await Promise.all(approvals)).map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    await h.settled();

    expect(meanwhile.every((v) => v !== undefined)).toBe(true);
    expect(h.fake.callsTo('views.open').filter((c) => c.response.ok === false)).toEqual([]);
    expect(h.fake.rateLimited()).toEqual([]);
    const cards = h.fake.messages(CHANNELS.deploys).filter((m) => !m.thread_ts || m.thread_ts === m.ts);
    expect(cards).toHaveLength(5);
    const threads = cards.map((c) => h.fake.thread(CHANNELS.deploys, c.ts).length - 1);
    // Each card's whole thread went out, and went out once.
    expect(new Set(threads).size).toBe(1);
    expect(threads[0]).toBeGreaterThan(10);
    expect(h.fake.callsTo('chat.postMessage').filter((c) => c.args.channel === CHANNELS.deploys)).toHaveLength(
      5 * (threads[0]! + 1),
    );
    // The final messages show the final state: approved, with no Approve button left to press.
    for (const id of ids) {
      expect(stateOf(h, id).approvals.qa_lead?.decision).toBe('approved');
      const row = h.query<{ ts: string }>(
        "SELECT ts FROM messages WHERE deployment_id = ? AND key = 'approvals'",
        id,
      )[0]!;
      const shown = h.fake.message(CHANNELS.deploys, row.ts)!;
      expect(textOf(shown)).toContain(`✅ Approved by <@${PEOPLE.qa}>`);
      expect(buttonsOf(shown).filter((b) => b.actionId === ActionId.approve)).toEqual([]);
    }
  }, 60_000);
});
