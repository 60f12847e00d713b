import type { WebClient } from '@slack/web-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findPosted, post } from '../../src/scheduler/delivery.js';
import type { Notice } from '../../src/slack/views/notices/index.js';
import { startFakeSlack, type FakeSlack } from '../support/fake-slack.js';
import { webClientOn } from '../support/fake-slack/self-test.js';

const TOKEN = 'xoxb-test-token';
let fake: FakeSlack;
let web: WebClient;
let parentTs: string;

beforeEach(async () => {
  fake = await startFakeSlack({ token: TOKEN });
  fake.addChannel('CDEPLOYS', { name: 'deploys' });
  web = webClientOn(fake, TOKEN);
  parentTs = (await web.chat.postMessage({ channel: 'CDEPLOYS', text: 'card' })).ts!;
});
afterEach(() => fake.stop());

const part = (text: string) => ({
  text,
  blocks: [{ type: 'section' as const, text: { type: 'mrkdwn' as const, text } }],
});
const report: Notice = { ...part('part 1'), more: [part('part 2'), part('part 3')] };
const replies = () =>
  fake
    .messages('CDEPLOYS')
    .filter((m) => m.thread_ts === parentTs && m.ts !== parentTs)
    .map((m) => m.text);

describe('a notice in several messages', () => {
  it('goes out in order, only the first also shown in the channel; it counts as posted once its last part is', async () => {
    const to = { channel: 'CDEPLOYS', threadTs: parentTs, broadcast: true };
    const claimed = Date.now();
    await post(web, to, report, 'DEP-1:completion:thread');
    expect(replies()).toEqual(['part 1', 'part 2', 'part 3']);
    expect(fake.callsTo('chat.postMessage').map((c) => c.args.reply_broadcast)).toEqual([
      undefined,
      'true',
      'false',
      'false',
    ]);
    expect(await findPosted(web, to, 'DEP-1:completion:thread', claimed)).toMatchObject({
      found: fake.messages('CDEPLOYS').at(-1)!.ts,
    });
  });

  it('tried again after failing mid-way, posts only the parts not yet in Slack', async () => {
    const to = { channel: 'CDEPLOYS', threadTs: parentTs };
    const claimed = Date.now();
    // The second part fails (Slack answers 500): the first is in Slack, the notice is not posted.
    let n = 0;
    const flaky = {
      ...web,
      conversations: web.conversations,
      chat: {
        postMessage: (args: Parameters<WebClient['chat']['postMessage']>[0]) => {
          if (++n === 2) fake.fail('chat.postMessage', { status: 500 });
          return web.chat.postMessage(args);
        },
      },
    } as unknown as WebClient;
    await expect(post(flaky, to, report, 'DEP-1:completion:thread')).rejects.toThrow();
    expect(replies()).toEqual(['part 1']);
    expect(await findPosted(web, to, 'DEP-1:completion:thread', claimed)).toBe('absent');
    await post(web, to, report, 'DEP-1:completion:thread', claimed);
    expect(replies()).toEqual(['part 1', 'part 2', 'part 3']);
  });
});
