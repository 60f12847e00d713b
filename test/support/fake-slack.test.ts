import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebClient, WebClientEvent, type WebAPIPlatformError } from '@slack/web-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { validateMessageBlocks, validateView } from './block-kit-rules.js';
import { startFakeSlack, type FakeSlack } from './fake-slack.js';
import { input, signature, slackClient } from './slack-requests.js';

const TOKEN = 'xoxb-test-token';
let fake: FakeSlack;
let clockMs: number;
let web: WebClient;

beforeEach(async () => {
  clockMs = Date.UTC(2026, 10, 23, 9, 0);
  fake = await startFakeSlack({ now: () => clockMs });
  fake.addChannel('CPUBLIC', { name: 'deploys' });
  fake.addChannel('CNOTJOINED', { name: 'elsewhere', botIsMember: false });
  fake.addChannel('GPRIVATE', { name: 'secret', isPrivate: true, botIsMember: false });
  fake.addChannel('CARCHIVED', { name: 'old', isArchived: true });
  fake.addUser('UALICE', { name: 'alice', tz: 'Europe/Paris' });
  fake.addUser('UBOB', { name: 'bob' });
  web = new WebClient(TOKEN, { slackApiUrl: fake.url, retryConfig: { retries: 0 } });
});
afterEach(async () => {
  await fake.stop();
});

const section = (text: string, block_id?: string) => ({ type: 'section', ...(block_id ? { block_id } : {}), text: { type: 'mrkdwn', text } });

/** The Slack error code of a rejected call. */
async function errorOf(p: Promise<unknown>): Promise<{ error: string; messages: string[] }> {
  try {
    await p;
  } catch (e) {
    const data = (e as WebAPIPlatformError).data as { error: string; response_metadata?: { messages?: string[] } } | undefined;
    if (!data) throw e;
    return { error: data.error, messages: data.response_metadata?.messages ?? [] };
  }
  throw new Error('expected the call to fail');
}

describe('messages', () => {
  it('posts, updates and deletes, with increasing unique ts', async () => {
    const a = await web.chat.postMessage({ channel: 'CPUBLIC', text: 'hello', blocks: [section('*hello*', 'b1')] });
    const b = await web.chat.postMessage({ channel: 'CPUBLIC', text: 'second' });
    expect(a.ok).toBe(true);
    expect(a.channel).toBe('CPUBLIC');
    expect(a.ts).toMatch(/^\d{10}\.\d{6}$/);
    expect(Number(b.ts)).toBeGreaterThan(Number(a.ts));
    expect(a.message?.text).toBe('hello');

    const call = fake.callsTo('chat.postMessage')[0]!;
    expect(call.args.blocks).toEqual([section('*hello*', 'b1')]);
    expect(call.response.ok).toBe(true);

    await web.chat.update({ channel: 'CPUBLIC', ts: a.ts!, text: 'hello again', blocks: [section('*again*')] });
    const m = fake.message('CPUBLIC', a.ts!)!;
    expect(m).toMatchObject({ text: 'hello again', updates: 1, blocks: [section('*again*')] });
    expect(fake.messages('CPUBLIC')).toHaveLength(2);

    expect((await errorOf(web.chat.update({ channel: 'CPUBLIC', ts: '1.000001', text: 'x' }))).error).toBe('message_not_found');

    await web.chat.delete({ channel: 'CPUBLIC', ts: b.ts! });
    expect(fake.messages('CPUBLIC').map((x) => x.ts)).toEqual([a.ts]);
  });

  it('keeps threads: parent first, then replies in order', async () => {
    const parent = await web.chat.postMessage({ channel: 'CPUBLIC', text: 'parent' });
    await web.chat.postMessage({ channel: 'CPUBLIC', text: 'r1', thread_ts: parent.ts! });
    await web.chat.postMessage({ channel: 'CPUBLIC', text: 'elsewhere' });
    await web.chat.postMessage({ channel: 'CPUBLIC', text: 'r2', thread_ts: parent.ts! });
    expect(fake.thread('CPUBLIC', parent.ts!).map((m) => m.text)).toEqual(['parent', 'r1', 'r2']);
    const link = await web.chat.getPermalink({ channel: 'CPUBLIC', message_ts: parent.ts! });
    expect(link.permalink).toBe(`https://fake.slack.test/archives/CPUBLIC/p${parent.ts!.replace('.', '')}`);
  });

  it('posts to a user id in a DM channel', async () => {
    const r = await web.chat.postMessage({ channel: 'UALICE', text: 'psst' });
    expect(r.channel).toMatch(/^D/);
    expect(fake.messages(r.channel!)[0]?.text).toBe('psst');
    expect((await web.chat.postMessage({ channel: '#deploys', text: 'by name' })).channel).toBe('CPUBLIC');
  });

  it('warns about blocks without a fallback text', async () => {
    await web.chat.postMessage({ channel: 'CPUBLIC', blocks: [section('x')] });
    expect(fake.warnings.join('\n')).toMatch(/without top-level text/);
  });

  it('records ephemerals, and refuses unknown users', async () => {
    await web.chat.postEphemeral({ channel: 'CPUBLIC', user: 'UALICE', text: 'only you' });
    expect(fake.ephemerals({ user: 'UALICE' })).toMatchObject([{ channel: 'CPUBLIC', text: 'only you' }]);
    expect((await errorOf(web.chat.postEphemeral({ channel: 'CPUBLIC', user: 'UNOBODY', text: 'x' }))).error).toBe('user_not_found');
  });

  it('schedules within 120 days only', async () => {
    const nowS = Math.floor(clockMs / 1000);
    const ok = await web.chat.scheduleMessage({ channel: 'CPUBLIC', text: 'later', post_at: nowS + 3600 });
    expect(fake.scheduled('CPUBLIC')).toHaveLength(1);
    expect((await errorOf(web.chat.scheduleMessage({ channel: 'CPUBLIC', text: 'x', post_at: nowS - 1 }))).error).toBe('time_in_past');
    expect((await errorOf(web.chat.scheduleMessage({ channel: 'CPUBLIC', text: 'x', post_at: nowS + 121 * 86400 }))).error).toBe('time_too_far');
    await web.chat.deleteScheduledMessage({ channel: 'CPUBLIC', scheduled_message_id: ok.scheduled_message_id! });
    expect(fake.scheduled()).toHaveLength(0);
  });
});

describe('refusals', () => {
  it('a section over 3000 characters', async () => {
    const r = await errorOf(web.chat.postMessage({ channel: 'CPUBLIC', text: 't', blocks: [section('x'.repeat(3001))] }));
    expect(r.error).toBe('invalid_blocks');
    expect(r.messages[0]).toMatch(/json-pointer:\/blocks\/0\/text\/text/);
    expect(fake.messages()).toHaveLength(0);
  });

  it('51 blocks', async () => {
    const blocks = Array.from({ length: 51 }, () => ({ type: 'divider' }));
    const r = await errorOf(web.chat.postMessage({ channel: 'CPUBLIC', text: 't', blocks }));
    expect(r.error).toBe('invalid_blocks');
    expect(r.messages.join()).toMatch(/json-pointer:\/blocks\]/);
  });

  it('a duplicate block_id', async () => {
    const r = await errorOf(web.chat.postMessage({ channel: 'CPUBLIC', text: 't', blocks: [section('a', 'same'), section('b', 'same')] }));
    expect(r.error).toBe('invalid_blocks');
    expect(r.messages.join()).toMatch(/duplicate block_id.*\/blocks\/1\/block_id/);
  });

  it('blocks whose JSON is over 12,000 characters', async () => {
    const blocks = Array.from({ length: 5 }, (_, i) => section('y'.repeat(2900), `b${i}`));
    expect((await errorOf(web.chat.postMessage({ channel: 'CPUBLIC', text: 't', blocks }))).error).toBe('msg_blocks_too_long');
  });

  it('initial_options that are not entries of options', async () => {
    const opt = (v: string) => ({ text: { type: 'plain_text', text: v }, value: v });
    const view = {
      type: 'modal',
      title: { type: 'plain_text', text: 'Pick' },
      submit: { type: 'plain_text', text: 'OK' },
      blocks: [
        {
          type: 'input',
          block_id: 'c',
          label: { type: 'plain_text', text: 'Checks' },
          element: { type: 'checkboxes', action_id: 'v', options: [opt('a'), opt('b')], initial_options: [{ text: { type: 'mrkdwn', text: 'a' }, value: 'a' }] },
        },
      ],
    };
    const r = await errorOf(web.views.open({ trigger_id: fake.issueTriggerId(), view: view as never }));
    expect(r.error).toBe('invalid_arguments');
    expect(r.messages.join()).toMatch(/initial_options.*\/view\/blocks\/0\/element\/initial_options\/0/);
    const fixed = structuredClone(view);
    fixed.blocks[0]!.element.initial_options = [opt('b')];
    expect(validateView(fixed)).toEqual([]);
  });

  it('an expired trigger_id, after advancing the clock', async () => {
    const view = { type: 'modal' as const, title: { type: 'plain_text' as const, text: 'Hi' }, blocks: [section('hello')] };
    const late = fake.issueTriggerId('UALICE');
    clockMs += 3001;
    expect((await errorOf(web.views.open({ trigger_id: late, view }))).error).toBe('expired_trigger_id');
    expect((await errorOf(web.views.open({ trigger_id: 'made.up', view }))).error).toBe('expired_trigger_id');

    const fresh = fake.issueTriggerId('UALICE');
    clockMs += 2999;
    const opened = await web.views.open({ trigger_id: fresh, view });
    expect(opened.view?.id).toBe(fake.lastView()?.id);
    expect(fake.lastView()).toMatchObject({ user: 'UALICE', kind: 'modal', trigger_id: fresh });
    const updated = await web.views.update({ view_id: opened.view!.id!, hash: opened.view!.hash!, view: { ...view, title: { type: 'plain_text', text: 'Updated' } } });
    expect(updated.view?.hash).not.toBe(opened.view?.hash);
    expect((await errorOf(web.views.update({ view_id: 'VNOPE', view }))).error).toBe('not_found');
    expect((await errorOf(web.views.update({ view_id: opened.view!.id!, hash: opened.view!.hash!, view }))).error).toBe('hash_conflict');
  });

  it('a modal title over 24 characters', async () => {
    const r = await errorOf(web.views.open({ trigger_id: fake.issueTriggerId(), view: { type: 'modal', title: { type: 'plain_text', text: 'x'.repeat(25) }, blocks: [] } }));
    expect(r).toMatchObject({ error: 'invalid_arguments' });
    expect(r.messages.join()).toMatch(/\/view\/title\/text/);
  });

  it('publishes App Home per user', async () => {
    await web.views.publish({ user_id: 'UBOB', view: { type: 'home', blocks: [section('home')] } });
    await web.views.publish({ user_id: 'UBOB', view: { type: 'home', blocks: [section('home 2')] } });
    expect(fake.views.filter((v) => v.kind === 'home')).toHaveLength(1);
    expect(fake.lastView()?.view.blocks).toEqual([section('home 2')]);
  });

  it('channels the bot cannot use', async () => {
    expect((await errorOf(web.chat.postMessage({ channel: 'CNOPE', text: 'x' }))).error).toBe('channel_not_found');
    expect((await errorOf(web.chat.postMessage({ channel: 'CARCHIVED', text: 'x' }))).error).toBe('is_archived');
    expect((await errorOf(web.chat.postMessage({ channel: 'GPRIVATE', text: 'x' }))).error).toBe('not_in_channel');
    // Public channels are postable without joining.
    expect((await web.chat.postMessage({ channel: 'CNOTJOINED', text: 'x' })).ok).toBe(true);
  });

  it('a wrong or missing token', async () => {
    const wrong = new WebClient('xoxb-wrong', { slackApiUrl: fake.url, retryConfig: { retries: 0 } });
    expect((await errorOf(wrong.chat.postMessage({ channel: 'CPUBLIC', text: 'x' }))).error).toBe('invalid_auth');
    const none = new WebClient(undefined, { slackApiUrl: fake.url, retryConfig: { retries: 0 } });
    expect((await errorOf(none.auth.test())).error).toBe('not_authed');
    expect((await errorOf(web.apiCall('nope.nothing'))).error).toBe('unknown_method');
  });
});

describe('other methods', () => {
  it('auth.test, users.info, conversations.*, usergroups', async () => {
    expect(await web.auth.test()).toMatchObject({ ok: true, user_id: fake.botUserId, bot_id: fake.botId, team_id: fake.teamId });
    const u = await web.users.info({ user: 'UALICE' });
    expect(u.user).toMatchObject({ id: 'UALICE', name: 'alice', tz: 'Europe/Paris', tz_offset: 3600 });
    expect((await errorOf(web.users.info({ user: 'UNOBODY' }))).error).toBe('user_not_found');
    expect((await web.conversations.info({ channel: 'CPUBLIC' })).channel).toMatchObject({ id: 'CPUBLIC', name: 'deploys', is_private: false, is_member: true });
    await web.conversations.join({ channel: 'CNOTJOINED' });
    expect((await web.conversations.info({ channel: 'CNOTJOINED' })).channel?.is_member).toBe(true);
    const created = await web.conversations.create({ name: 'incident-1' });
    expect((await errorOf(web.conversations.create({ name: 'incident-1' }))).error).toBe('name_taken');
    await web.conversations.invite({ channel: created.channel!.id!, users: 'UALICE,UBOB' });
    await web.conversations.archive({ channel: created.channel!.id! });
    expect((await errorOf(web.chat.postMessage({ channel: created.channel!.id!, text: 'x' }))).error).toBe('is_archived');
    fake.addUserGroup('S1', 'qa-leads', ['UALICE']);
    expect((await web.usergroups.users.list({ usergroup: 'S1' })).users).toEqual(['UALICE']);
  });
});

describe('faults', () => {
  it('a 500, then success, with retries enabled', async () => {
    const retrying = new WebClient(TOKEN, { slackApiUrl: fake.url, retryConfig: { retries: 2, factor: 1, minTimeout: 10, maxTimeout: 10 } });
    fake.fail('chat.postMessage', { status: 500 });
    const r = await retrying.chat.postMessage({ channel: 'CPUBLIC', text: 'eventually' });
    expect(r.ok).toBe(true);
    expect(fake.callsTo('chat.postMessage').map((c) => c.status)).toEqual([500, 200]);
    expect(fake.messages('CPUBLIC')).toHaveLength(1);
  });

  it('a 429 with Retry-After', async () => {
    const retrying = new WebClient(TOKEN, { slackApiUrl: fake.url, retryConfig: { retries: 1, factor: 1, minTimeout: 10, maxTimeout: 10 } });
    let limited = -1;
    retrying.on(WebClientEvent.RATE_LIMITED, (s: number) => (limited = s));
    fake.fail('chat.update', { status: 429, retryAfter: 1 });
    const p = await retrying.chat.postMessage({ channel: 'CPUBLIC', text: 'x' });
    await retrying.chat.update({ channel: 'CPUBLIC', ts: p.ts!, text: 'y' });
    expect(limited).toBe(1);
    expect(fake.callsTo('chat.update').map((c) => c.status)).toEqual([429, 200]);

    const rejecting = new WebClient(TOKEN, { slackApiUrl: fake.url, rejectRateLimitedCalls: true, retryConfig: { retries: 0 } });
    fake.fail('users.info', { status: 429, retryAfter: 7 });
    await expect(rejecting.users.info({ user: 'UALICE' })).rejects.toMatchObject({ code: 'slack_webapi_rate_limited_error', retryAfter: 7 });
  });

  it('an injected error for the next n calls, and a delay', async () => {
    fake.fail('chat.postMessage', { error: 'fatal_error' }, 2);
    expect((await errorOf(web.chat.postMessage({ channel: 'CPUBLIC', text: 'x' }))).error).toBe('fatal_error');
    expect((await errorOf(web.chat.postMessage({ channel: 'CPUBLIC', text: 'x' }))).error).toBe('fatal_error');
    expect((await web.chat.postMessage({ channel: 'CPUBLIC', text: 'x' })).ok).toBe(true);
    fake.fail('auth.test', { delayMs: 100 });
    const t0 = Date.now();
    await web.auth.test();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(90);
  });

  it('reset forgets state but keeps channels and users', async () => {
    await web.chat.postMessage({ channel: 'CPUBLIC', text: 'x' });
    fake.reset();
    expect(fake.calls).toHaveLength(0);
    expect(fake.messages()).toHaveLength(0);
    expect((await web.chat.postMessage({ channel: 'CPUBLIC', text: 'x' })).ok).toBe(true);
  });
});

describe('response_url', () => {
  it('records posts, replaces originals, and allows 5 uses', async () => {
    const url = fake.responseUrl({ channel: 'CPUBLIC', user: 'UALICE' });
    const post = (body: object) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await post({ text: 'just you' })).status).toBe(200);
    expect(fake.ephemerals({ user: 'UALICE' })).toMatchObject([{ channel: 'CPUBLIC', text: 'just you', via: 'response_url' }]);
    expect((await post({ text: 'bad', blocks: [section('')] })).status).toBe(400);
    for (let i = 0; i < 3; i++) await post({ text: `again ${i}` });
    expect((await post({ text: 'sixth' })).status).toBe(404);
    expect(fake.callsTo('response_url')).toHaveLength(6);

    const m = await web.chat.postMessage({ channel: 'CPUBLIC', text: 'original' });
    const replace = fake.responseUrl({ channel: 'CPUBLIC', user: 'UALICE', messageTs: m.ts! });
    await fetch(replace, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ replace_original: true, text: 'replaced' }) });
    expect(fake.message('CPUBLIC', m.ts!)).toMatchObject({ text: 'replaced', updates: 1 });
  });
});

describe('block-kit-rules', () => {
  it('finds each kind of violation', () => {
    const btn = (action_id: string, text = 'Go') => ({ type: 'button', action_id, text: { type: 'plain_text', text } });
    expect(validateMessageBlocks([{ type: 'header', text: { type: 'mrkdwn', text: 'h' } }], 't').join()).toMatch(/plain_text/);
    expect(validateMessageBlocks([{ type: 'actions', elements: [btn('a'), btn('a')] }], 't').join()).toMatch(/duplicate action_id/);
    expect(validateMessageBlocks([{ type: 'actions', elements: [btn('a', 'x'.repeat(76))] }], 't').join()).toMatch(/elements\/0\/text\/text/);
    expect(validateMessageBlocks([{ type: 'context', elements: Array(11).fill({ type: 'mrkdwn', text: 'c' }) }], 't')).toHaveLength(1);
    const overflow = { type: 'overflow', action_id: 'o', options: [{ text: { type: 'plain_text', text: 'a' }, value: 'a' }] };
    expect(validateMessageBlocks([{ type: 'section', text: { type: 'mrkdwn', text: 's' }, accessory: overflow }], 't').join()).toMatch(/at least 2/);
    expect(validateMessageBlocks([section('ok')], '')).toHaveLength(1);
    expect(validateMessageBlocks([section('ok')], 'x'.repeat(40_001)).join()).toMatch(/msg_too_long/);
    expect(validateMessageBlocks([section('ok')], 'fine')).toEqual([]);
  });
});

describe('slack-requests', () => {
  let server: Server;
  let received: Array<{ headers: Record<string, unknown>; body: string }>;
  beforeEach(async () => {
    received = [];
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ headers: req.headers, body: Buffer.concat(chunks).toString() });
        res.end('');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  });
  afterEach(() => new Promise<void>((r) => server.close(() => r())));

  it('signs commands, actions, submissions and events like Slack', async () => {
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const c = slackClient({ baseUrl: base, signingSecret: 'shh', fake });
    await c.command('start x', { user: 'UALICE', channel: 'CPUBLIC' });
    const cmd = received[0]!;
    const ts = Number(cmd.headers['x-slack-request-timestamp']);
    expect(cmd.headers['x-slack-signature']).toBe(signature('shh', ts, cmd.body));
    const fields = new URLSearchParams(cmd.body);
    expect(fields.get('command')).toBe('/deploy');
    expect(fields.get('text')).toBe('start x');
    // The trigger_id opens a modal in the fake.
    await web.views.open({ trigger_id: fields.get('trigger_id')!, view: { type: 'modal', title: { type: 'plain_text', text: 'x' }, blocks: [] } });

    const m = await web.chat.postMessage({ channel: 'CPUBLIC', text: 't', blocks: [{ type: 'actions', block_id: 'acts', elements: [{ type: 'button', action_id: 'go', value: 'v1', text: { type: 'plain_text', text: 'Go' } }] }] });
    await c.action({ user: 'UBOB', actionId: 'go', value: 'v1', channel: 'CPUBLIC', messageTs: m.ts! });
    const payload = JSON.parse(new URLSearchParams(received[1]!.body).get('payload')!);
    expect(payload).toMatchObject({ type: 'block_actions', user: { id: 'UBOB' }, container: { type: 'message', message_ts: m.ts, channel_id: 'CPUBLIC' }, actions: [{ type: 'button', action_id: 'go', block_id: 'acts', value: 'v1' }] });
    expect(payload.response_url).toMatch(/^http:\/\/127\.0\.0\.1/);

    await c.submitView({ user: 'UBOB', callbackId: 'cb', values: { b: { a: input.text('hi') } } });
    const sub = JSON.parse(new URLSearchParams(received[2]!.body).get('payload')!);
    expect(sub).toMatchObject({ type: 'view_submission', view: { callback_id: 'cb', state: { values: { b: { a: { type: 'plain_text_input', value: 'hi' } } } } } });

    await c.event({ type: 'app_home_opened', user: 'UBOB', tab: 'home' });
    expect(JSON.parse(received[3]!.body)).toMatchObject({ type: 'event_callback', event: { type: 'app_home_opened' } });
    expect(received[3]!.headers['content-type']).toBe('application/json');

    await c.raw('x=1', { retryNum: 2 });
    expect(received[4]!.headers['x-slack-retry-num']).toBe('2');
  });
});

describe('answers in HTTP responses (acks)', () => {
  it('a slash command answer becomes an ephemeral, or a message when in_channel', () => {
    fake.commandAnswered({ channel: 'CPUBLIC', user: 'UALICE' }, JSON.stringify({ response_type: 'ephemeral', text: 'help text' }));
    fake.commandAnswered({ channel: 'CPUBLIC', user: 'UALICE' }, 'plain words');
    fake.commandAnswered({ channel: 'CPUBLIC', user: 'UALICE' }, JSON.stringify({ response_type: 'in_channel', text: 'for all' }));
    fake.commandAnswered({ channel: 'CPUBLIC', user: 'UALICE' }, '');
    expect(fake.ephemerals({ user: 'UALICE' }).map((e) => [e.text, e.via])).toEqual([
      ['help text', 'command_ack'],
      ['plain words', 'command_ack'],
    ]);
    expect(fake.messages('CPUBLIC').map((m) => m.text)).toEqual(['for all']);
    fake.commandAnswered({ channel: 'CPUBLIC', user: 'UALICE' }, JSON.stringify({ text: 't', blocks: [section('')] }));
    expect(fake.warnings.join()).toMatch(/invalid_blocks/);
  });

  it('a view_submission answer closes, shows errors, updates or pushes', async () => {
    const view = {
      type: 'modal' as const,
      title: { type: 'plain_text' as const, text: 'Form' },
      submit: { type: 'plain_text' as const, text: 'Go' },
      blocks: [{ type: 'input' as const, block_id: 'name', label: { type: 'plain_text' as const, text: 'Name' }, element: { type: 'plain_text_input' as const, action_id: 'v' } }],
    };
    const opened = await web.views.open({ trigger_id: fake.issueTriggerId('UALICE'), view });
    const id = opened.view!.id!;
    fake.viewAnswered({ viewId: id, user: 'UALICE' }, JSON.stringify({ response_action: 'errors', errors: { name: 'Required', nope: 'x' } }));
    expect(fake.lastView()?.errors).toEqual({ name: 'Required', nope: 'x' });
    expect(fake.warnings.join()).toMatch(/"nope" is not the block_id of an input block/);
    fake.viewAnswered({ viewId: id, user: 'UALICE' }, JSON.stringify({ response_action: 'push', view: { ...view, title: { type: 'plain_text', text: 'Step 2' } } }));
    expect(fake.lastView()).toMatchObject({ op: 'push', root_view_id: id, previous_view_id: id });
    fake.viewAnswered({ viewId: id, user: 'UALICE' }, '');
    expect(fake.views.find((v) => v.id === id)?.closed).toBe(true);
    expect((await errorOf(web.views.update({ view_id: id, view }))).error).toBe('not_found');
    await expect(fake.waitFor(() => false, 30)).rejects.toThrow(/timed out/);
  });
});
