import { createHmac } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { App, HTTPReceiver, LogLevel } from '@slack/bolt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeSlack, type FakeSlack, type SlackJson } from './fake-slack.js';
import { webClientOn } from './fake-slack/self-test.js';
import { input, slackClient } from './slack-requests.js';

const TOKEN = 'xoxb-test-token';
const SECRET = 'test-signing-secret';
let fake: FakeSlack;
let app: App;
let slack: ReturnType<typeof slackClient>;
/** What the real Bolt app received, by listener. */
let seen: Record<string, SlackJson[]>;

const plain = (text: string) => ({ type: 'plain_text' as const, text });
const form = {
  type: 'modal' as const,
  callback_id: 'form',
  title: plain('Form'),
  submit: plain('Save'),
  private_metadata: '{"d":1}',
  blocks: [
    {
      type: 'input' as const,
      block_id: 'name',
      label: plain('Name'),
      element: { type: 'plain_text_input' as const, action_id: 'value' },
    },
    {
      type: 'actions' as const,
      block_id: 'pick',
      elements: [
        {
          type: 'static_select' as const,
          action_id: 'template',
          placeholder: plain('Template'),
          options: [{ text: plain('Standard'), value: 'std' }],
        },
      ],
    },
  ],
};

beforeEach(async () => {
  fake = await startFakeSlack({ token: TOKEN });
  fake.addChannel('CDEPLOYS', { name: 'deploys' });
  fake.addUser('UALICE', { name: 'alice' });
  seen = {};
  const keep = (name: string, body: SlackJson) => (seen[name] ??= []).push(body);
  app = new App({
    receiver: new HTTPReceiver({ signingSecret: SECRET }),
    token: TOKEN,
    botId: fake.botId,
    botUserId: fake.botUserId,
    logLevel: LogLevel.ERROR,
    clientOptions: { slackApiUrl: fake.url, retryConfig: { retries: 0 } },
  });
  app.command('/deploy', async ({ command, ack, client, respond }) => {
    keep('command', command);
    await ack({ response_type: 'ephemeral', text: `got ${command.text}` });
    await client.views.open({ trigger_id: command.trigger_id, view: form });
    await respond({ text: 'later, by response_url' });
  });
  app.command('/ping', async ({ command, ack }) => {
    keep('ping', command);
    await ack();
  });
  app.action('go', async ({ body, ack, respond }) => {
    keep('go', body);
    await ack();
    await respond({ replace_original: true, text: 'pressed' });
  });
  app.action(/more|template/, async ({ body, ack }) => {
    keep('choice', body);
    await ack();
  });
  app.view('form', async ({ body, ack }) => {
    keep('form', body);
    await ack({ response_action: 'errors', errors: { name: 'Too short' } });
  });
  app.event('app_home_opened', async ({ event, context }) => {
    keep('event', { event, retryNum: context.retryNum, retryReason: context.retryReason });
  });
  const server = await app.start(0);
  slack = slackClient({
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    signingSecret: SECRET,
    fake,
  });
});
afterEach(async () => {
  await app.stop();
  await fake.stop();
});

describe('signed requests into a real Bolt receiver', () => {
  it('a slash command: its trigger_id opens a modal and its response_url reaches the fake', async () => {
    const res = await slack.command('start checkout', { user: 'UALICE', channel: 'CDEPLOYS' });
    expect(res).toMatchObject({ status: 200, json: { text: 'got start checkout' } });
    expect(res.headers['content-type']).toMatch(/application\/json/);
    expect(seen.command).toMatchObject([
      { command: '/deploy', text: 'start checkout', user_id: 'UALICE', channel_id: 'CDEPLOYS', team_id: fake.teamId },
    ]);
    // Slack shows the ack's text to the user.
    expect(fake.ephemerals({ user: 'UALICE' })).toMatchObject([{ text: 'got start checkout', via: 'command_ack' }]);
    await fake.waitFor(() => fake.responses.length > 0);
    expect(fake.views.open).toMatchObject([{ user: 'UALICE', view: { callback_id: 'form' } }]);
    expect(fake.responses).toMatchObject([{ body: { text: 'later, by response_url' } }]);
  });

  it('a button press on a message carries the message, channel, block and value; respond() replaces it', async () => {
    const web = webClientOn(fake, TOKEN);
    const blocks = [
      {
        type: 'actions',
        block_id: 'acts',
        elements: [
          { type: 'button', action_id: 'go', value: 'v1', text: plain('Go') },
          {
            type: 'overflow',
            action_id: 'more',
            options: [
              { text: plain('One'), value: 'o1' },
              { text: plain('Two'), value: 'o2' },
            ],
          },
        ],
      },
    ];
    const m = await web.chat.postMessage({ channel: 'CDEPLOYS', text: 'pick', blocks });
    expect((await slack.action({ user: 'UALICE', actionId: 'go', channel: 'CDEPLOYS', messageTs: m.ts! })).status).toBe(
      200,
    );
    expect(seen.go).toMatchObject([
      {
        type: 'block_actions',
        user: { id: 'UALICE' },
        container: { type: 'message', message_ts: m.ts, channel_id: 'CDEPLOYS' },
        channel: { id: 'CDEPLOYS' },
        message: { ts: m.ts, text: 'pick' },
        actions: [{ type: 'button', action_id: 'go', block_id: 'acts', value: 'v1', text: plain('Go') }],
      },
    ]);
    expect(seen.go![0]!.trigger_id).toEqual(expect.any(String));
    await fake.waitFor(() => fake.message('CDEPLOYS', m.ts!)?.text === 'pressed');

    await slack.action({
      user: 'UALICE',
      actionId: 'more',
      selectedOption: { value: 'o2' },
      channel: 'CDEPLOYS',
      messageTs: m.ts!,
    });
    expect(seen.choice![0]!.actions).toMatchObject([
      {
        type: 'overflow',
        action_id: 'more',
        block_id: 'acts',
        selected_option: { value: 'o2', text: { text: 'Two' } },
      },
    ]);
  });

  it('an action inside a modal, then its submission with state.values; the errors answer reaches the view', async () => {
    const web = webClientOn(fake, TOKEN);
    const opened = await web.views.open({ trigger_id: fake.issueTriggerId('UALICE'), view: form });
    const viewId = opened.view!.id!;
    await slack.action({ user: 'UALICE', actionId: 'template', selectedOption: { value: 'std' }, viewId });
    expect(seen.choice).toMatchObject([
      {
        container: { type: 'view', view_id: viewId },
        view: { id: viewId, callback_id: 'form' },
        actions: [{ type: 'static_select', selected_option: { value: 'std', text: { text: 'Standard' } } }],
      },
    ]);
    expect(seen.choice![0]!.response_url).toBeUndefined();

    const res = await slack.submitView({
      user: 'UALICE',
      callbackId: 'form',
      values: { name: { value: input.text('x') } },
      viewId,
    });
    expect(res.json).toEqual({ response_action: 'errors', errors: { name: 'Too short' } });
    expect(seen.form).toMatchObject([
      {
        type: 'view_submission',
        view: {
          id: viewId,
          private_metadata: '{"d":1}',
          state: { values: { name: { value: { type: 'plain_text_input', value: 'x' } } } },
        },
      },
    ]);
    expect(fake.views.open).toMatchObject([{ id: viewId, errors: { name: 'Too short' } }]);
  });

  it('an event, and a retried one: Bolt sees the retry number and reason', async () => {
    expect((await slack.event({ type: 'app_home_opened', user: 'UALICE', tab: 'home' })).status).toBe(200);
    await slack.event(
      { type: 'app_home_opened', user: 'UALICE', tab: 'home' },
      { retryNum: 2, retryReason: 'http_error' },
    );
    await fake.waitFor(() => seen.event?.length === 2);
    expect(seen.event).toMatchObject([
      { event: { type: 'app_home_opened', user: 'UALICE' }, retryNum: undefined },
      { retryNum: 2, retryReason: 'http_error' },
    ]);
  });

  it('forged or stale signatures are refused with 401 and reach no listener', async () => {
    const body = 'command=%2Fping&text=&user_id=UALICE&channel_id=CDEPLOYS&team_id=TFAKETEAM';
    expect((await slack.raw(body, { signature: 'v0=deadbeef' })).status).toBe(401);
    const stale = Math.floor(Date.now() / 1000) - 301;
    expect((await slack.raw(body, { timestamp: stale })).status).toBe(401);
    const ts = Math.floor(Date.now() / 1000);
    const byHand = `v0=${createHmac('sha256', SECRET).update(`v0:${ts}:${body}`).digest('hex')}`;
    expect((await slack.raw(body, { timestamp: ts, signature: byHand })).status).toBe(200);
    expect(seen.ping).toHaveLength(1);
  });
});

describe('input', () => {
  it('builds state.values entries shaped like Slack payloads', () => {
    expect(input.text('2.4.0')).toEqual({ type: 'plain_text_input', value: '2.4.0' });
    expect(input.user('U1')).toEqual({ type: 'users_select', selected_user: 'U1' });
    expect(input.users('U1')).toEqual({ type: 'users_select', selected_user: 'U1' });
    expect(input.users(['U1', 'U2'])).toEqual({ type: 'multi_users_select', selected_users: ['U1', 'U2'] });
    expect(input.multiUsers(['U1'])).toEqual({ type: 'multi_users_select', selected_users: ['U1'] });
    expect(input.select('prod', 'Production')).toEqual({
      type: 'static_select',
      selected_option: { text: { type: 'plain_text', text: 'Production', emoji: true }, value: 'prod' },
    });
    expect(input.dateTime(1_800_000_000)).toEqual({ type: 'datetimepicker', selected_date_time: 1_800_000_000 });
    expect(input.conversation('C1')).toEqual({ type: 'conversations_select', selected_conversation: 'C1' });
    expect(input.channel('C1')).toEqual({ type: 'channels_select', selected_channel: 'C1' });
  });
});
