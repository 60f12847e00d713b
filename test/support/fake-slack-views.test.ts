import type { WebClient } from '@slack/web-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeSlack, type FakeSlack } from './fake-slack.js';
import { refusal, webClientOn } from './fake-slack/self-test.js';

const TOKEN = 'xoxb-test-token';
let fake: FakeSlack;
let clockMs: number;
let web: WebClient;

beforeEach(async () => {
  clockMs = Date.UTC(2026, 10, 23, 9, 0);
  fake = await startFakeSlack({ token: TOKEN, now: () => clockMs });
  fake.addChannel('CPUBLIC', { name: 'deploys' });
  fake.addUser('UALICE', { name: 'alice' });
  fake.addUser('UBOB', { name: 'bob' });
  web = webClientOn(fake, TOKEN);
});
afterEach(() => fake.stop());

const plain = (text: string) => ({ type: 'plain_text' as const, text });
const modal = (title: string, extra: Record<string, unknown> = {}) => ({
  type: 'modal' as const,
  title: plain(title),
  submit: plain('Go'),
  blocks: [
    {
      type: 'input' as const,
      block_id: 'name',
      label: plain('Name'),
      element: { type: 'plain_text_input' as const, action_id: 'v' },
    },
  ],
  ...extra,
});

describe('trigger_ids', () => {
  it('open a modal within 3 s of the fake clock, once', async () => {
    const late = fake.issueTriggerId('UALICE');
    clockMs += 3001;
    expect((await refusal(web.views.open({ trigger_id: late, view: modal('Late') }))).error).toBe('expired_trigger_id');
    expect((await refusal(web.views.open({ trigger_id: 'made.up', view: modal('Made up') }))).error).toBe(
      'expired_trigger_id',
    );

    const fresh = fake.issueTriggerId('UALICE');
    clockMs += 3000;
    const opened = await web.views.open({ trigger_id: fresh, view: modal('Hello') });
    expect(opened.view).toMatchObject({
      id: fake.lastView()?.id,
      type: 'modal',
      title: plain('Hello'),
      root_view_id: opened.view?.id,
    });
    expect(opened.view?.hash).toEqual(expect.any(String));
    expect(fake.views.open).toEqual([
      expect.objectContaining({
        id: opened.view?.id,
        trigger_id: fresh,
        user: 'UALICE',
        hash: opened.view?.hash,
        stack: [opened.view?.id],
      }),
    ]);
    expect((await refusal(web.views.open({ trigger_id: fresh, view: modal('Again') }))).error).toBe(
      'exchanged_trigger_id',
    );
    expect(fake.views).toHaveLength(1);
  });
});

describe('views', () => {
  it('update by view_id or external_id, with hash checks; unknown views are not_found', async () => {
    const opened = await web.views.open({
      trigger_id: fake.issueTriggerId('UALICE'),
      view: modal('One', { external_id: 'ext-1' }),
    });
    const id = opened.view!.id!;
    const byId = await web.views.update({
      view_id: id,
      hash: opened.view!.hash!,
      view: modal('Two', { external_id: 'ext-1' }),
    });
    expect(byId.view?.hash).not.toBe(opened.view?.hash);
    expect(
      (await refusal(web.views.update({ view_id: id, hash: opened.view!.hash!, view: modal('Stale') }))).error,
    ).toBe('hash_conflict');
    await web.views.update({ external_id: 'ext-1', view: modal('Three', { external_id: 'ext-1' }) });
    expect(fake.views.open.map((v) => [v.id, v.view.title.text, v.updates])).toEqual([[id, 'Three', 2]]);
    expect((await refusal(web.views.update({ view_id: 'VNOPE', view: modal('x') }))).error).toBe('not_found');
    expect((await refusal(web.views.update({ external_id: 'nope', view: modal('x') }))).error).toBe('not_found');
  });

  it('push at most 3 views on a stack', async () => {
    const root = await web.views.open({ trigger_id: fake.issueTriggerId('UALICE'), view: modal('Root') });
    const second = await web.views.push({ trigger_id: fake.issueTriggerId('UALICE'), view: modal('Second') });
    const third = await web.views.push({ trigger_id: fake.issueTriggerId('UALICE'), view: modal('Third') });
    expect(third.view).toMatchObject({ root_view_id: root.view?.id, previous_view_id: second.view?.id });
    expect(fake.views.open.map((v) => v.stack)).toEqual([
      [root.view?.id],
      [root.view?.id, second.view?.id],
      [root.view?.id, second.view?.id, third.view?.id],
    ]);
    expect(
      (await refusal(web.views.push({ trigger_id: fake.issueTriggerId('UALICE'), view: modal('Fourth') }))).error,
    ).toBe('push_limit_reached');
  });

  it('refuse Block Kit mistakes with invalid_arguments and the place', async () => {
    const opt = (v: string) => ({ text: plain(v), value: v });
    const checkboxes = (initial: unknown[]) =>
      modal('Pick', {
        blocks: [
          {
            type: 'input',
            block_id: 'c',
            label: plain('Checks'),
            element: { type: 'checkboxes', action_id: 'v', options: [opt('a'), opt('b')], initial_options: initial },
          },
        ],
      });
    const bad = await refusal(
      web.views.open({
        trigger_id: fake.issueTriggerId(),
        view: checkboxes([{ text: { type: 'mrkdwn', text: 'a' }, value: 'a' }]) as never,
      }),
    );
    expect(bad).toEqual({
      error: 'invalid_arguments',
      messages: [
        '[ERROR] initial_options must exactly match entries of options [json-pointer:/view/blocks/0/element/initial_options/0]',
      ],
    });
    // The same option with its keys in another order is an exact match.
    expect(
      (
        await web.views.open({
          trigger_id: fake.issueTriggerId(),
          view: checkboxes([{ value: 'b', text: plain('b') }]) as never,
        })
      ).ok,
    ).toBe(true);

    const title = await refusal(web.views.open({ trigger_id: fake.issueTriggerId(), view: modal('x'.repeat(25)) }));
    expect(title.messages).toEqual(['[ERROR] must be less than 25 characters (is 25) [json-pointer:/view/title/text]']);
    const blocks = Array.from({ length: 101 }, () => ({ type: 'divider' as const }));
    expect(
      (await refusal(web.views.publish({ user_id: 'UBOB', view: { type: 'home', blocks } }))).messages.join(),
    ).toMatch(/no more than 100 items.*\/view\/blocks\]/);
    expect(fake.views).toHaveLength(1);
  });

  it('publish one App Home per user', async () => {
    const section = (text: string) => ({ type: 'section' as const, text: { type: 'mrkdwn' as const, text } });
    await web.views.publish({ user_id: 'UBOB', view: { type: 'home', blocks: [section('home')] } });
    await web.views.publish({ user_id: 'UBOB', view: { type: 'home', blocks: [section('home 2')] } });
    await web.views.publish({ user_id: 'UALICE', view: { type: 'home', blocks: [section('alice')] } });
    expect(fake.views.map((v) => [v.kind, v.user, v.view.blocks[0].text.text])).toEqual([
      ['home', 'UBOB', 'home 2'],
      ['home', 'UALICE', 'alice'],
    ]);
    expect(fake.views.open).toEqual([]);
    expect((await refusal(web.views.publish({ user_id: 'UNOBODY', view: { type: 'home', blocks: [] } }))).error).toBe(
      'user_not_found',
    );
  });
});

describe('answers in HTTP responses (acks)', () => {
  it('a slash command answer becomes an ephemeral, or a message when in_channel', () => {
    fake.commandAnswered(
      { channel: 'CPUBLIC', user: 'UALICE' },
      JSON.stringify({ response_type: 'ephemeral', text: 'help text' }),
    );
    fake.commandAnswered({ channel: 'CPUBLIC', user: 'UALICE' }, 'plain words');
    fake.commandAnswered(
      { channel: 'CPUBLIC', user: 'UALICE' },
      JSON.stringify({ response_type: 'in_channel', text: 'for all' }),
    );
    fake.commandAnswered({ channel: 'CPUBLIC', user: 'UALICE' }, '');
    expect(fake.ephemerals({ user: 'UALICE' }).map((e) => [e.text, e.via])).toEqual([
      ['help text', 'command_ack'],
      ['plain words', 'command_ack'],
    ]);
    expect(fake.messages('CPUBLIC').map((m) => m.text)).toEqual(['for all']);
    expect(fake.warnings).toEqual([]);
    fake.commandAnswered(
      { channel: 'CPUBLIC', user: 'UALICE' },
      JSON.stringify({ text: 't', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '' } }] }),
    );
    expect(fake.warnings).toEqual([expect.stringMatching(/^slash command answer refused by Slack \(invalid_blocks\)/)]);
  });

  it('a view_submission answer shows errors, pushes, closes or clears', async () => {
    const opened = await web.views.open({ trigger_id: fake.issueTriggerId('UALICE'), view: modal('Form') });
    const id = opened.view!.id!;
    fake.viewAnswered(
      { viewId: id, user: 'UALICE' },
      JSON.stringify({ response_action: 'errors', errors: { name: 'Required', nope: 'x' } }),
    );
    expect(fake.lastView()?.errors).toEqual({ name: 'Required', nope: 'x' });
    expect(fake.warnings).toEqual([expect.stringMatching(/"nope" is not the block_id of an input block/)]);

    fake.viewAnswered(
      { viewId: id, user: 'UALICE' },
      JSON.stringify({ response_action: 'push', view: modal('Step 2') }),
    );
    const pushed = fake.lastView()!;
    expect(pushed).toMatchObject({ op: 'push', root_view_id: id, previous_view_id: id, stack: [id, pushed.id] });
    fake.viewAnswered({ viewId: pushed.id, user: 'UALICE' }, '');
    expect(fake.views.open.map((v) => v.id)).toEqual([id]);
    expect((await refusal(web.views.update({ view_id: pushed.id, view: modal('x') }))).error).toBe('not_found');

    fake.viewAnswered(
      { viewId: id, user: 'UALICE' },
      JSON.stringify({ response_action: 'push', view: modal('Step 2 again') }),
    );
    fake.viewAnswered({ viewId: id, user: 'UALICE' }, JSON.stringify({ response_action: 'clear' }));
    expect(fake.views.open).toEqual([]);
  });
});
