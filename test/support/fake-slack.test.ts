import { WebClientEvent, type WebClient } from '@slack/web-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeSlack, type FakeSlack } from './fake-slack.js';
import { refusal, webClientOn } from './fake-slack/self-test.js';

const TOKEN = 'xoxb-test-token';
const T0 = Date.UTC(2026, 10, 23, 9, 0);
let fake: FakeSlack;
let clockMs: number;
let web: WebClient;

beforeEach(async () => {
  clockMs = T0;
  fake = await startFakeSlack({ token: TOKEN, now: () => clockMs });
  fake.addChannel('CPUBLIC', { name: 'deploys' });
  fake.addChannel('CNOTJOINED', { name: 'elsewhere', botIsMember: false });
  fake.addChannel('GPRIVATE', { name: 'secret', isPrivate: true, botIsMember: false });
  fake.addChannel('CARCHIVED', { name: 'old', isArchived: true });
  fake.addChannel('CSMALL', { name: 'small', members: ['UALICE'] });
  fake.addUser('UALICE', { name: 'alice', tz: 'Europe/Paris' });
  fake.addUser('UBOB', { name: 'bob' });
  web = webClientOn(fake, TOKEN);
});
afterEach(() => fake.stop());

const section = (text: string, block_id?: string) => ({
  type: 'section',
  ...(block_id ? { block_id } : {}),
  text: { type: 'mrkdwn', text },
});

describe('messages', () => {
  it('posts with unique, increasing ts even when the clock stands still, and records the parsed blocks', async () => {
    const a = await web.chat.postMessage({ channel: 'CPUBLIC', text: 'hello', blocks: [section('*hello*', 'b1')] });
    const b = await web.chat.postMessage({ channel: 'CPUBLIC', text: 'second' });
    expect(a).toMatchObject({
      ok: true,
      channel: 'CPUBLIC',
      message: { text: 'hello', user: fake.botUserId, bot_id: fake.botId },
    });
    expect(a.ts).toBe(`${T0 / 1000}.000000`);
    expect(b.ts).toBe(`${T0 / 1000}.000100`);
    expect(fake.callsTo('chat.postMessage')[0]).toMatchObject({
      args: { channel: 'CPUBLIC', blocks: [section('*hello*', 'b1')] },
      at: T0,
      response: { ok: true },
    });
    expect(fake.messages('CPUBLIC').map((m) => [m.text, m.user, m.updates])).toEqual([
      ['hello', fake.botUserId, 0],
      ['second', fake.botUserId, 0],
    ]);
  });

  it('accepts JSON bodies as well as forms', async () => {
    const res = await fetch(`${fake.url}chat.postMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({ channel: 'CPUBLIC', text: 'json', blocks: [section('as JSON')] }),
    });
    expect(await res.json()).toMatchObject({ ok: true, channel: 'CPUBLIC' });
    expect(fake.messages('CPUBLIC')[0]).toMatchObject({ text: 'json', blocks: [section('as JSON')] });
  });

  it('updates only existing messages of the bot, and deletes them', async () => {
    const a = await web.chat.postMessage({ channel: 'CPUBLIC', text: 'hello' });
    clockMs += 5000;
    const updated = await web.chat.update({
      channel: 'CPUBLIC',
      ts: a.ts!,
      text: 'hello again',
      blocks: [section('*again*')],
    });
    expect(updated).toMatchObject({ ok: true, ts: a.ts, text: 'hello again' });
    expect(fake.message('CPUBLIC', a.ts!)).toMatchObject({
      text: 'hello again',
      blocks: [section('*again*')],
      updates: 1,
      edited: T0 + 5000,
    });

    expect((await refusal(web.chat.update({ channel: 'CPUBLIC', ts: '1.000001', text: 'x' }))).error).toBe(
      'message_not_found',
    );
    expect((await refusal(web.chat.update({ channel: 'CNOTJOINED', ts: a.ts!, text: 'x' }))).error).toBe(
      'message_not_found',
    );
    const human = fake.addMessage({ channel: 'CPUBLIC', user: 'UALICE', text: 'mine' });
    expect((await refusal(web.chat.update({ channel: 'CPUBLIC', ts: human.ts, text: 'x' }))).error).toBe(
      'cant_update_message',
    );
    expect((await refusal(web.chat.delete({ channel: 'CPUBLIC', ts: human.ts }))).error).toBe('cant_delete_message');

    await web.chat.delete({ channel: 'CPUBLIC', ts: a.ts! });
    expect(fake.messages('CPUBLIC').map((m) => m.text)).toEqual(['mine']);
  });

  it('keeps threads: parent first, then replies in order, with permalinks', async () => {
    const parent = await web.chat.postMessage({ channel: 'CPUBLIC', text: 'parent' });
    const r1 = await web.chat.postMessage({ channel: 'CPUBLIC', text: 'r1', thread_ts: parent.ts! });
    await web.chat.postMessage({ channel: 'CPUBLIC', text: 'elsewhere' });
    await web.chat.postMessage({ channel: 'CPUBLIC', text: 'r2', thread_ts: parent.ts! });
    expect(fake.thread('CPUBLIC', parent.ts!).map((m) => m.text)).toEqual(['parent', 'r1', 'r2']);
    const p = parent.ts!.replace('.', '');
    expect((await web.chat.getPermalink({ channel: 'CPUBLIC', message_ts: parent.ts! })).permalink).toBe(
      `https://fake.slack.test/archives/CPUBLIC/p${p}`,
    );
    expect((await web.chat.getPermalink({ channel: 'CPUBLIC', message_ts: r1.ts! })).permalink).toBe(
      `https://fake.slack.test/archives/CPUBLIC/p${r1.ts!.replace('.', '')}?thread_ts=${parent.ts}&cid=CPUBLIC`,
    );
    expect(fake.warnings).toEqual([]);
  });

  it('posts to a user id in their DM channel, and to a channel by name', async () => {
    const r = await web.chat.postMessage({ channel: 'UALICE', text: 'psst' });
    expect(r.channel).toMatch(/^D/);
    expect(fake.messages(r.channel!).map((m) => m.text)).toEqual(['psst']);
    expect((await web.chat.postMessage({ channel: '#deploys', text: 'by name' })).channel).toBe('CPUBLIC');
  });

  it('accepts blocks without fallback text but warns; refuses a message with neither', async () => {
    await web.chat.postMessage({ channel: 'CPUBLIC', blocks: [section('x')] });
    expect(fake.messages('CPUBLIC')).toHaveLength(1);
    expect(fake.warnings).toEqual([expect.stringMatching(/^chat\.postMessage: blocks without top-level text/)]);
    expect((await refusal(web.apiCall('chat.postMessage', { channel: 'CPUBLIC' }))).error).toBe('no_text');
  });

  it('records ephemerals; refuses unknown users and users outside a channel with known members', async () => {
    await web.chat.postEphemeral({ channel: 'CPUBLIC', user: 'UALICE', text: 'only you', thread_ts: '1.2' });
    await web.chat.postEphemeral({ channel: 'CSMALL', user: 'UALICE', text: 'member' });
    expect(fake.ephemerals({ user: 'UALICE' })).toMatchObject([
      { channel: 'CPUBLIC', user: 'UALICE', text: 'only you', blocks: [], thread_ts: '1.2', via: 'chat.postEphemeral' },
      { channel: 'CSMALL', text: 'member' },
    ]);
    expect((await refusal(web.chat.postEphemeral({ channel: 'CPUBLIC', user: 'UNOBODY', text: 'x' }))).error).toBe(
      'user_not_found',
    );
    expect((await refusal(web.chat.postEphemeral({ channel: 'CSMALL', user: 'UBOB', text: 'x' }))).error).toBe(
      'user_not_in_channel',
    );
    expect(fake.ephemerals({ user: 'UBOB' })).toEqual([]);
  });

  it('schedules between now and 120 days ahead, lists and deletes', async () => {
    const nowS = T0 / 1000;
    const ok = await web.chat.scheduleMessage({ channel: 'CPUBLIC', text: 'later', post_at: nowS + 3600 });
    expect(fake.scheduled('CPUBLIC')).toMatchObject([
      { id: ok.scheduled_message_id, post_at: nowS + 3600, text: 'later' },
    ]);
    expect((await web.chat.scheduledMessages.list({ channel: 'CPUBLIC' })).scheduled_messages).toHaveLength(1);
    expect((await refusal(web.chat.scheduleMessage({ channel: 'CPUBLIC', text: 'x', post_at: nowS - 1 }))).error).toBe(
      'time_in_past',
    );
    expect(
      (await refusal(web.chat.scheduleMessage({ channel: 'CPUBLIC', text: 'x', post_at: nowS + 121 * 86400 }))).error,
    ).toBe('time_too_far');
    await web.chat.deleteScheduledMessage({ channel: 'CPUBLIC', scheduled_message_id: ok.scheduled_message_id! });
    expect(fake.scheduled()).toEqual([]);
  });
});

describe('refusals', () => {
  it('a section text over 3000 characters, naming where; nothing is posted', async () => {
    await web.chat.postMessage({ channel: 'CPUBLIC', text: 't', blocks: [section('x'.repeat(3000))] });
    const r = await refusal(
      web.chat.postMessage({ channel: 'CPUBLIC', text: 't', blocks: [{ type: 'divider' }, section('x'.repeat(3001))] }),
    );
    expect(r).toEqual({
      error: 'invalid_blocks',
      messages: ['[ERROR] must be less than 3001 characters (is 3001) [json-pointer:/blocks/1/text/text]'],
    });
    expect(fake.messages()).toHaveLength(1);
  });

  it('51 blocks in a message', async () => {
    const r = await refusal(
      web.chat.postMessage({
        channel: 'CPUBLIC',
        text: 't',
        blocks: Array.from({ length: 51 }, () => ({ type: 'divider' })),
      }),
    );
    expect(r).toEqual({
      error: 'invalid_blocks',
      messages: ['[ERROR] no more than 50 items allowed (has 51) [json-pointer:/blocks]'],
    });
  });

  it('a duplicate block_id, also in chat.update and chat.postEphemeral', async () => {
    const blocks = [section('a', 'same'), section('b', 'same')];
    const r = await refusal(web.chat.postMessage({ channel: 'CPUBLIC', text: 't', blocks }));
    expect(r.error).toBe('invalid_blocks');
    expect(r.messages.join()).toMatch(/duplicate block_id "same".*json-pointer:\/blocks\/1\/block_id/);
    const m = await web.chat.postMessage({ channel: 'CPUBLIC', text: 't' });
    expect((await refusal(web.chat.update({ channel: 'CPUBLIC', ts: m.ts!, text: 't', blocks }))).error).toBe(
      'invalid_blocks',
    );
    expect((await refusal(web.chat.postEphemeral({ channel: 'CPUBLIC', user: 'UBOB', text: 't', blocks }))).error).toBe(
      'invalid_blocks',
    );
    expect(fake.message('CPUBLIC', m.ts!)?.updates).toBe(0);
  });

  it('blocks whose JSON is over 11,000 characters: msg_blocks_too_long', async () => {
    const blocks = Array.from({ length: 5 }, (_, i) => section('y'.repeat(2900), `b${i}`));
    expect((await refusal(web.chat.postMessage({ channel: 'CPUBLIC', text: 't', blocks }))).error).toBe(
      'msg_blocks_too_long',
    );
  });

  it('channels the bot cannot use; public channels need no join', async () => {
    expect((await refusal(web.chat.postMessage({ channel: 'CNOPE', text: 'x' }))).error).toBe('channel_not_found');
    expect((await refusal(web.chat.postMessage({ channel: 'UNOBODY', text: 'x' }))).error).toBe('channel_not_found');
    expect((await refusal(web.chat.postMessage({ channel: 'CARCHIVED', text: 'x' }))).error).toBe('is_archived');
    expect((await refusal(web.chat.postMessage({ channel: 'GPRIVATE', text: 'x' }))).error).toBe('not_in_channel');
    expect((await refusal(web.conversations.info({ channel: 'GPRIVATE' }))).error).toBe('channel_not_found');
    expect((await web.chat.postMessage({ channel: 'CNOTJOINED', text: 'x' })).ok).toBe(true);
    expect(fake.messages().map((m) => m.channel)).toEqual(['CNOTJOINED']);
  });

  it('a wrong or missing token, and an unknown method', async () => {
    expect(
      (await refusal(webClientOn(fake, 'xoxb-wrong').chat.postMessage({ channel: 'CPUBLIC', text: 'x' }))).error,
    ).toBe('invalid_auth');
    expect((await refusal(webClientOn(fake, undefined).auth.test())).error).toBe('not_authed');
    expect((await refusal(web.apiCall('nope.nothing'))).error).toBe('unknown_method');
    expect(fake.messages()).toEqual([]);
  });
});

describe('people, channels and groups', () => {
  it('auth.test, users.info, conversations.*, usergroups', async () => {
    expect(await web.auth.test()).toMatchObject({
      ok: true,
      user_id: fake.botUserId,
      bot_id: fake.botId,
      team_id: fake.teamId,
    });
    expect((await web.users.info({ user: 'UALICE' })).user).toMatchObject({
      id: 'UALICE',
      name: 'alice',
      tz: 'Europe/Paris',
      tz_offset: 3600,
    });
    expect((await refusal(web.users.info({ user: 'UNOBODY' }))).error).toBe('user_not_found');
    expect((await web.conversations.info({ channel: 'CPUBLIC' })).channel).toMatchObject({
      id: 'CPUBLIC',
      name: 'deploys',
      is_private: false,
      is_member: true,
    });
    await web.conversations.join({ channel: 'CNOTJOINED' });
    expect((await web.conversations.info({ channel: 'CNOTJOINED' })).channel?.is_member).toBe(true);

    const created = await web.conversations.create({ name: 'incident-1' });
    const id = created.channel!.id!;
    expect((await refusal(web.conversations.create({ name: 'incident-1' }))).error).toBe('name_taken');
    await web.conversations.invite({ channel: id, users: 'UALICE' });
    expect((await web.conversations.members({ channel: id })).members).toEqual([fake.botUserId, 'UALICE']);
    // Only members of a channel the bot created see ephemerals there.
    expect((await refusal(web.chat.postEphemeral({ channel: id, user: 'UBOB', text: 'x' }))).error).toBe(
      'user_not_in_channel',
    );
    await web.conversations.archive({ channel: id });
    expect((await refusal(web.chat.postMessage({ channel: id, text: 'x' }))).error).toBe('is_archived');

    fake.addUserGroup('S1', 'qa-leads', ['UALICE']);
    expect((await web.usergroups.users.list({ usergroup: 'S1' })).users).toEqual(['UALICE']);
    expect((await refusal(web.usergroups.users.list({ usergroup: 'S2' }))).error).toBe('no_such_subteam');
  });

  it('conversations.list: by types, without archived ones when asked, private ones only where the bot is, in pages by cursor; creator recorded', async () => {
    const made = await web.conversations.create({ name: 'made-by-bot', is_private: true });
    const names = async (args: { types?: string; exclude_archived?: boolean; limit?: number }) => {
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const res = await web.conversations.list({ ...args, ...(cursor ? { cursor } : {}) });
        seen.push(...(res.channels ?? []).map((c) => c.name!));
        cursor = res.response_metadata?.next_cursor || undefined;
        pages++;
      } while (cursor);
      return { seen, pages };
    };
    // Public channels by default, the bot a member or not, archived ones too.
    expect((await names({})).seen).toEqual(['deploys', 'elsewhere', 'old', 'small']);
    // Private ones only where the bot is a member (not 'secret'); in pages of 2.
    expect(await names({ types: 'public_channel,private_channel', exclude_archived: true, limit: 2 })).toEqual({
      seen: ['deploys', 'elsewhere', 'small', 'made-by-bot'],
      pages: 2,
    });
    const listed = (await web.conversations.list({ types: 'private_channel' })).channels ?? [];
    expect(listed).toEqual([
      expect.objectContaining({
        id: made.channel!.id,
        name: 'made-by-bot',
        is_private: true,
        is_archived: false,
        creator: fake.botUserId,
      }),
    ]);
    expect((await web.conversations.info({ channel: 'CPUBLIC' })).channel?.creator).not.toBe(fake.botUserId);
    fake.addChannel('CBYBOT', { name: 'earlier', creator: fake.botUserId });
    expect((await web.conversations.info({ channel: 'CBYBOT' })).channel?.creator).toBe(fake.botUserId);

    expect((await refusal(web.conversations.list({ cursor: 'bm90IGEgY3Vyc29y' }))).error).toBe('invalid_cursor');
    expect((await refusal(web.conversations.list({ types: 'channels' }))).error).toBe('invalid_types');
  });
});

describe('faults', () => {
  it('a 500, then success, with retries enabled', async () => {
    const retrying = webClientOn(fake, TOKEN, {
      retryConfig: { retries: 2, factor: 1, minTimeout: 10, maxTimeout: 10 },
    });
    fake.fail('chat.postMessage', { status: 500 });
    expect((await retrying.chat.postMessage({ channel: 'CPUBLIC', text: 'eventually' })).ok).toBe(true);
    expect(fake.callsTo('chat.postMessage').map((c) => c.status)).toEqual([500, 200]);
    expect(fake.messages('CPUBLIC')).toHaveLength(1);
  });

  it('a 429 whose Retry-After the client observes', async () => {
    const retrying = webClientOn(fake, TOKEN, {
      retryConfig: { retries: 1, factor: 1, minTimeout: 10, maxTimeout: 10 },
    });
    const waits: number[] = [];
    retrying.on(WebClientEvent.RATE_LIMITED, (seconds: number) => waits.push(seconds));
    const p = await retrying.chat.postMessage({ channel: 'CPUBLIC', text: 'x' });
    fake.fail('chat.update', { status: 429, retryAfter: 1 });
    const t0 = Date.now();
    await retrying.chat.update({ channel: 'CPUBLIC', ts: p.ts!, text: 'y' });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(900);
    expect(waits).toEqual([1]);
    expect(fake.callsTo('chat.update').map((c) => c.status)).toEqual([429, 200]);

    const rejecting = webClientOn(fake, TOKEN, { rejectRateLimitedCalls: true });
    fake.fail('users.info', { status: 429, retryAfter: 7 });
    await expect(rejecting.users.info({ user: 'UALICE' })).rejects.toMatchObject({
      code: 'slack_webapi_rate_limited_error',
      retryAfter: 7,
    });
  });

  it('an injected error for the next n calls, a delay, and clearing what is left', async () => {
    fake.fail('chat.postMessage', { error: 'not_in_channel' }, 2);
    expect((await refusal(web.chat.postMessage({ channel: 'CPUBLIC', text: 'x' }))).error).toBe('not_in_channel');
    expect((await refusal(web.chat.postMessage({ channel: 'CPUBLIC', text: 'x' }))).error).toBe('not_in_channel');
    expect((await web.chat.postMessage({ channel: 'CPUBLIC', text: 'x' })).ok).toBe(true);

    fake.fail('auth.test', { delayMs: 100 });
    const t0 = Date.now();
    expect((await web.auth.test()).ok).toBe(true);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(90);

    fake.fail('users.info', { status: 500 }, 1000);
    fake.clearFaults();
    expect((await web.users.info({ user: 'UALICE' })).ok).toBe(true);
  });

  it('reset forgets calls and messages but keeps channels and users', async () => {
    await web.chat.postMessage({ channel: 'CPUBLIC', text: 'x' });
    fake.reset();
    expect(fake.calls).toEqual([]);
    expect(fake.messages()).toEqual([]);
    expect((await web.chat.postEphemeral({ channel: 'CPUBLIC', user: 'UALICE', text: 'x' })).ok).toBe(true);
  });
});

describe('response_url', () => {
  const post = (url: string, body: object) =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it('records every post, shows ephemerals, refuses bad blocks, and serves 5 uses', async () => {
    const url = fake.responseUrl({ channel: 'CPUBLIC', user: 'UALICE' });
    expect((await post(url, { text: 'just you' })).status).toBe(200);
    expect(fake.ephemerals({ user: 'UALICE' })).toMatchObject([
      { channel: 'CPUBLIC', text: 'just you', via: 'response_url' },
    ]);
    expect((await post(url, { text: 'bad', blocks: [section('')] })).status).toBe(400);
    for (let i = 0; i < 3; i++) await post(url, { text: `again ${i}` });
    const sixth = await post(url, { text: 'sixth' });
    expect([sixth.status, await sixth.json()]).toEqual([404, { ok: false, error: 'used_url' }]);
    expect(fake.responses.map((r) => [r.url, r.body.text])).toEqual([
      [url, 'just you'],
      [url, 'bad'],
      [url, 'again 0'],
      [url, 'again 1'],
      [url, 'again 2'],
      [url, 'sixth'],
    ]);
    expect(fake.ephemerals({ user: 'UALICE' })).toHaveLength(4);
  });

  it('replaces or deletes the original message, posts in_channel, and expires after 30 minutes', async () => {
    const m = await web.chat.postMessage({ channel: 'CPUBLIC', text: 'original' });
    const url = fake.responseUrl({ channel: 'CPUBLIC', user: 'UALICE', messageTs: m.ts! });
    await post(url, { replace_original: true, text: 'replaced' });
    expect(fake.message('CPUBLIC', m.ts!)).toMatchObject({ text: 'replaced', updates: 1, edited: T0 });
    await post(url, { response_type: 'in_channel', text: 'for everyone' });
    expect(fake.messages('CPUBLIC').map((x) => x.text)).toEqual(['replaced', 'for everyone']);
    await post(url, { delete_original: true });
    expect(fake.messages('CPUBLIC').map((x) => x.text)).toEqual(['for everyone']);

    const late = fake.responseUrl({ channel: 'CPUBLIC', user: 'UALICE' });
    clockMs += 30 * 60_000 + 1;
    expect((await post(late, { text: 'too late' })).status).toBe(404);
  });
});
