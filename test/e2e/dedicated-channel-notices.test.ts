import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startDeployment } from '../support/flows.js';
import { CHANNELS, startHarness, type Harness } from '../support/harness.js';

// A deployment in its own channel, and no announcement channel configured.
const CONFIG = `
services:
  checkout:
    deploy_channel: ${CHANNELS.deploys}
    location: channel
`;

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

/** The notices posted for a job kind, with where they went. */
const noticePosts = (harness: Harness, kind: string) =>
  harness.fake
    .callsTo('chat.postMessage')
    .filter((c) => c.response.ok === true && JSON.stringify(c.args.metadata ?? '').includes(`:${kind}:`))
    .map((c) => ({ channel: String(c.args.channel), threadTs: c.args.thread_ts as string | undefined, broadcast: String(c.args.reply_broadcast) === 'true' }));

describe('stakeholder notices of a deployment in its own channel, without an announcement channel', () => {
  it('reply to its mirror card in the deploy channel, shown in the channel, where stakeholders follow it', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'liftoff-room-notices-')), 'liftoff.yml');
    writeFileSync(file, CONFIG);
    h = await startHarness({ env: { LIFTOFF_CONFIG: file } });
    const { id } = await startDeployment(h);
    await h.liftoff.scheduler.tick();
    await h.settled();

    const mirror = h.query<{ ts: string; channelId: string }>("SELECT ts, channel_id AS channelId FROM messages WHERE deployment_id = ? AND key = 'mirror'", id)[0]!;
    const parent = h.query<{ ts: string; channelId: string }>("SELECT ts, channel_id AS channelId FROM messages WHERE deployment_id = ? AND key = 'parent'", id)[0]!;
    expect(mirror.channelId).toBe(CHANNELS.deploys);
    expect(parent.channelId).not.toBe(CHANNELS.deploys);

    // The announcement (due at once: the window is less than 24 h away) goes to the deploy channel.
    expect(noticePosts(h, 'announcement')).toEqual([{ channel: CHANNELS.deploys, threadTs: mirror.ts, broadcast: true }]);
    // Thread notices stay in the dedicated channel's thread.
    const personal = noticePosts(h, 'personal_reminder');
    for (const p of personal) expect(p).toEqual({ channel: parent.channelId, threadTs: parent.ts, broadcast: false });
  });
});
