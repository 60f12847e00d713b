import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { itemsOfStage } from '../../src/core/template/items.js';
import { ActionId } from '../../src/slack/ids.js';
import { press, startDeployment, textOf, threadOf } from '../support/flows.js';
import { CHANNELS, PEOPLE, startHarness, type Harness } from '../support/harness.js';
import { stateOf } from '../support/schedule.js';
import { input } from '../support/slack-requests.js';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.stop();
});

const utc = (ms: number) => `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;

/** A known deployment: started, approved by the dev lead, one item confirmed with evidence, then cancelled. */
async function knownDeployment() {
  const { id, parentTs } = await startDeployment(h);
  await press(h, PEOPLE.dev, ActionId.approve, { d: id, r: 'dev_lead' });
  const withEvidence = itemsOfStage(stateOf(h, id).plan, 'pre').find((p) => p.item.evidence?.kind === 'url')!;
  await press(h, PEOPLE.deployer, ActionId.confirmItem, { d: id, k: withEvidence.key });
  const view = h.fake.lastView()!;
  await h.slack.submitView({
    user: PEOPLE.deployer,
    callbackId: 'item.evidence',
    privateMetadata: (view.view as { private_metadata: string }).private_metadata,
    values: { evidence: { value: input.text('https://ci.example.com/run/42') } },
    viewId: view.id,
  });
  await h.settled();
  await h.slack.command(`cancel DEP-${id} window | moved`, { user: PEOPLE.deployer, channel: CHANNELS.deploys });
  await h.settled();
  return { id, parentTs, itemText: withEvidence.item.text, itemKey: withEvidence.key };
}

describe('/deploy report DEP-12', () => {
  it('posts the summary report in the thread and uploads the full record as Markdown through the external upload flow', async () => {
    const { id, parentTs, itemText, itemKey } = await knownDeployment();
    await h.slack.command(`report DEP-${id}`, { user: PEOPLE.stranger, channel: CHANNELS.deploys });
    await h.settled();

    const summary = threadOf(h, parentTs).find((m) => m.text.startsWith('📋 Summary report'));
    expect(summary && textOf(summary)).toContain(`Summary report: DEP-${id}`);
    expect(h.fake.calls.map((c) => c.method).filter((m) => m.startsWith('files.') || m === 'upload_url')).toEqual([
      'files.getUploadURLExternal',
      'upload_url',
      'files.completeUploadExternal',
    ]);
    const [file] = h.fake.files();
    expect(file).toMatchObject({
      filename: `DEP-${id}-record.md`,
      title: `DEP-${id} full record`,
      completed: true,
      channel: CHANNELS.deploys,
      threadTs: parentTs,
    });
    expect(Buffer.byteLength(file!.content!)).toBe(file!.length);

    const events = h.query<{ seq: number; type: string; actor: string; at: number; hash: string }>(
      'SELECT seq, type, actor, at, hash FROM events WHERE deployment_id = ? ORDER BY seq',
      id,
    );
    const md = file!.content!;
    expect(md).toMatch(new RegExp(`^# DEP-${id}: checkout 2\\.4\\.0 → Production\\n`));
    expect(md).toContain('- Status: Cancelled');
    expect(md).toContain(`- Deployer: ${PEOPLE.deployer}`);
    expect(md).toContain(
      `- Events: ${events.length}; chain head (SHA-256 of event ${events.length}): \`${events.at(-1)!.hash}\``,
    );
    // Every event: who, what, when, its hash; evidence and reasons as written.
    for (const e of events) expect(md).toContain(`### ${e.seq}. ${utc(e.at)} · ${e.type}\n\n- Who: ${e.actor}\n`);
    for (const e of events) expect(md).toContain(`- Hash: \`${e.hash}\``);
    expect(md).toContain(`- What: approved as Development Lead`);
    expect(md).toContain(`- What: confirmed “${itemText}” (${itemKey})\n- Evidence: https://ci.example.com/run/42\n`);
    expect(md).toContain('- What: cancelled it\n- Reason: window | moved\n');

    expect(h.fake.ephemerals({ user: PEOPLE.stranger }).at(-1)?.text).toMatch(
      new RegExp(
        `summary report of DEP-${id} is in <https://fake\\.slack\\.test/[^|]+\\|its thread>, with its full record \\(DEP-${id}-record\\.md, ${events.length} events\\)`,
      ),
    );
    expect(h.fake.warnings).toEqual([]);
  });

  it('an unknown deployment or a missing ref is answered, and nothing is posted or uploaded', async () => {
    await h.slack.command('report DEP-99', { user: PEOPLE.deployer, channel: CHANNELS.deploys });
    await h.slack.command('report', { user: PEOPLE.deployer, channel: CHANNELS.deploys });
    await h.settled();
    const answers = h.fake.ephemerals({ user: PEOPLE.deployer }).map((e) => e.text);
    expect(answers[0]).toMatch(/DEP-99/);
    expect(answers[1]).toContain('Which deployment? For example `/deploy report DEP-12`.');
    expect(h.fake.files()).toEqual([]);
    expect(h.fake.callsTo('chat.postMessage')).toEqual([]);
  });
});
