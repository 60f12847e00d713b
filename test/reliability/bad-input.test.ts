import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseDeployCommand } from '../../src/slack/listeners/commands/parse.js';
import { ActionId, RollbackField, ViewId, encodeRef } from '../../src/slack/ids.js';
import { mrkdwnOf } from '../support/flows.js';
import { CHANNELS, PEOPLE, startHarness, type Harness } from '../support/harness.js';
import { input } from '../support/slack-requests.js';
import { completed } from '../rollback/helpers.js';
import { approvedDeployment, clickOf, eventsOf, plainPreItems, report, stateOf } from './helpers.js';

let h: Harness;
let live: number;
let cancelled: number;
let done: number;
const unhandled: unknown[] = [];
const onUnhandled = (e: unknown) => unhandled.push(e);
const figures = {
  commands: 0,
  interactions: 0,
  parserInputs: 0,
  rollbackForms: 0,
  rescheduleForms: 0,
  stateChanges: 0,
};

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  h = await startHarness({ env: { LOG_LEVEL: 'warn' } });
  live = (await approvedDeployment(h)).id;
  cancelled = (await approvedDeployment(h)).id;
  await h.slack.command(`cancel DEP-${cancelled} moved`, { user: PEOPLE.deployer, channel: CHANNELS.deploys });
  await h.settled();
  expect(stateOf(h, cancelled).status).toBe('cancelled');
  done = (await completed(h)).id;
  expect(stateOf(h, done).status).toBe('completed');
});
afterEach(() => {
  expect(unhandled).toEqual([]);
});
afterAll(async () => {
  process.off('unhandledRejection', onUnhandled);
  await h.stop();
  report('bad-input', figures);
});

/** What a refusal may add: nothing but `refused` audit events (which change no state). */
function snapshot() {
  return {
    deployments: h
      .query<{ id: number; state: string }>('SELECT id, status, state FROM deployments ORDER BY id')
      .map((r) => {
        const { revision: _r, ...state } = JSON.parse(r.state) as Record<string, unknown>;
        return { ...r, state };
      }),
    events: eventsOf(h)
      .filter((e) => e.type !== 'refused')
      .map(({ seq: _s, ...e }) => e),
    submissions: h.query('SELECT view_id, deployment_id FROM submissions ORDER BY view_id'),
    messages: h.query('SELECT deployment_id, key, ts FROM messages ORDER BY deployment_id, key'),
    locks: h.query('SELECT * FROM locks ORDER BY id'),
  };
}

const lastAnswer = (user: string) => h.fake.ephemerals({ user }).at(-1)?.text ?? '';

describe('commands with bad input get a clear answer and change nothing', () => {
  it.each([
    ['an unknown subcommand', 'frobnicate everything', /not a command|Unknown|help/i],
    ['empty text', '', /\/deploy start/],
    ['huge text', `status ${'x'.repeat(100_000)}`, /Which deployment|DEP-/],
    ['control characters', 'status \u0000\u001b[31mDEP-1\u0007', /DEP-|Which deployment/],
    ['a deployment that does not exist', 'status DEP-99999', /no deployment DEP-99999/i],
    ['mrkdwn in an unknown subcommand', '<!channel> <@U123> <https://evil|bank>', /./],
    ['cancel of a cancelled deployment', 'cancel DEP-2 again', /cancelled: nothing about it can change/],
  ])('%s', async (_name, text, expected) => {
    const before = snapshot();
    const res = await h.slack.command(text.replace('DEP-2', `DEP-${cancelled}`), {
      user: PEOPLE.deployer,
      channel: CHANNELS.deploys,
    });
    figures.commands++;
    expect(res.status).toBe(200);
    await h.settled();
    const answer = lastAnswer(PEOPLE.deployer);
    expect(answer).toMatch(expected);
    expect(answer).not.toMatch(/<!channel>|<@U123>|<https:\/\/evil/);
    expect(answer.length).toBeLessThan(3000);
    expect(snapshot()).toEqual(before);
  });
});

describe('interactions with bad input get a clear answer and change nothing', () => {
  const item = () => plainPreItems(stateOf(h, live))[0]!.key;
  const cases: Array<[string, () => Promise<{ status: number }>, RegExp | null]> = [
    [
      'an unknown action id',
      () =>
        h.slack.action({
          user: PEOPLE.deployer,
          actionId: 'deploy.self_destruct',
          value: '{"d":1}',
          channel: CHANNELS.deploys,
        }),
      /out of date/,
    ],
    [
      'a forged button value',
      () =>
        h.slack.action({
          user: PEOPLE.deployer,
          actionId: ActionId.confirmItem,
          value: '{"d":"1; DROP TABLE events"}',
          channel: CHANNELS.deploys,
        }),
      /out of date/,
    ],
    [
      'a stale item key',
      () =>
        h.slack.action({
          user: PEOPLE.deployer,
          actionId: ActionId.confirmItem,
          value: encodeRef({ d: live, k: 'pre.gone.item' }),
          channel: CHANNELS.deploys,
        }),
      /no such item/,
    ],
    [
      'a deleted deployment',
      () =>
        h.slack.action({
          user: PEOPLE.deployer,
          actionId: ActionId.confirmItem,
          value: encodeRef({ d: 4242, k: 'x' }),
          channel: CHANNELS.deploys,
        }),
      /no longer exists/,
    ],
    [
      'a click on a cancelled deployment',
      () =>
        clickOf(h, PEOPLE.deployer, ActionId.confirmItem, {
          d: cancelled,
          k: plainPreItems(stateOf(h, cancelled))[0]!.key,
        }),
      /cancelled: nothing about it can change/,
    ],
    [
      'a click on a completed deployment',
      () =>
        h.slack.action({
          user: PEOPLE.deployer,
          actionId: ActionId.confirmItem,
          value: encodeRef({ d: done, k: plainPreItems(stateOf(h, done))[0]!.key }),
          channel: CHANNELS.deploys,
        }),
      /completed: nothing about it can change/,
    ],
    [
      'a phase start on a completed deployment',
      () =>
        h.slack.action({
          user: PEOPLE.deployer,
          actionId: ActionId.startPhase,
          value: encodeRef({ d: done, p: stateOf(h, done).plan.phases[0]!.id }),
          channel: CHANNELS.deploys,
        }),
      /completed: nothing about it can change/,
    ],
    [
      'an approval on a cancelled deployment',
      () =>
        h.slack.action({
          user: PEOPLE.dev,
          actionId: ActionId.approve,
          value: encodeRef({ d: cancelled, r: 'dev_lead' }),
          channel: CHANNELS.deploys,
        }),
      null,
    ],
    [
      'a cancel button pressed by someone else',
      () =>
        h.slack.action({
          user: PEOPLE.qa,
          actionId: ActionId.cancel,
          value: encodeRef({ d: live }),
          channel: CHANNELS.deploys,
        }),
      /Only the deployer/,
    ],
    [
      'a form with forged metadata',
      () =>
        h.slack.submitView({
          user: PEOPLE.deployer,
          callbackId: ViewId.cancel,
          privateMetadata: '{"d":-1}',
          values: { reason: { value: input.text('x') } },
        }),
      null,
    ],
    [
      'an evidence form with an empty value',
      () =>
        h.slack.submitView({
          user: PEOPLE.deployer,
          callbackId: ViewId.evidence,
          privateMetadata: encodeRef({ d: live, k: item() }),
          values: { evidence: { value: input.text('   \u0000 ') } },
        }),
      null,
    ],
    [
      'an evidence form with a javascript: link',
      () =>
        h.slack.submitView({
          user: PEOPLE.deployer,
          callbackId: ViewId.evidence,
          privateMetadata: encodeRef({ d: live, k: 'pre.code-preparation.tests-passing' }),
          values: { evidence: { value: input.text('javascript:alert(1)') } },
        }),
      null,
    ],
  ];
  it.each(cases)('%s', async (_name, send, told) => {
    const before = snapshot();
    const res = await send();
    figures.interactions++;
    expect(res.status).toBe(200);
    await h.settled();
    if (told) expect(h.fake.ephemerals().at(-1)?.text).toMatch(told);
    expect(snapshot()).toEqual(before);
  });

  it('malformed payloads get a 4xx answer, not a crash, and the app keeps working', async () => {
    const before = snapshot();
    const bodies: Array<[string, string?]> = [
      ['payload=%7Bnot-json'],
      ['payload='],
      ['payload=%5B%5D'],
      ['%%%'],
      ['payload=' + encodeURIComponent(JSON.stringify({ type: 'block_actions' }))],
      ['{"type":"event_callback",', 'application/json'],
    ];
    const results = await Promise.all(
      bodies.map(([body, contentType]) => h.slack.raw(body, contentType ? { contentType } : {})),
    );
    figures.interactions += results.length;
    for (const r of results) expect(r.status).toBeGreaterThanOrEqual(400);
    for (const r of results) expect(r.status).toBeLessThan(500);
    await h.settled();
    expect(snapshot()).toEqual(before);
    expect((await h.slack.command('help', { user: PEOPLE.deployer, channel: CHANNELS.deploys })).status).toBe(200);
  });

  it('mrkdwn in reasons and evidence is shown as written and never pings or links', async () => {
    const hostile = '<!channel> <@U123> <https://evil.example|bank> *bold*';
    const d = (await approvedDeployment(h)).id;
    await h.slack.submitView({
      user: PEOPLE.qa,
      callbackId: ViewId.reject,
      privateMetadata: encodeRef({ d, r: 'qa_lead' }),
      values: { reason: { value: input.text(hostile) } },
    });
    await h.slack.submitView({
      user: PEOPLE.deployer,
      callbackId: ViewId.overrideGate,
      privateMetadata: encodeRef({ d, g: 'start' }),
      values: { reason: { value: input.text(hostile) } },
    });
    await h.settled();
    expect(eventsOf(h, d).some((e) => e.type === 'rejected' && e.data.includes('<!channel>'))).toBe(true);
    for (const m of h.fake.messages(CHANNELS.deploys)) {
      const shown = mrkdwnOf(m);
      expect(shown).not.toContain('<!channel>');
      expect(shown).not.toContain('<@U123>');
      expect(shown).not.toContain('<https://evil');
    }
  });
});

/** Every subcommand, followed by random text. */
const SUBCOMMANDS = [
  'status',
  'cancel',
  'start',
  'list',
  'rollback',
  'lock',
  'unlock',
  'reschedule',
  'templates',
  'help',
] as const;
const subcommand = fc
  .constantFrom(...SUBCOMMANDS)
  .chain((s) =>
    fc
      .oneof(
        fc.string(),
        fc.string({ unit: 'binary', maxLength: 300 }),
        fc.constant(' DEP-1'),
        fc.constant(' checkout prod'),
      )
      .map((t) => `${s} ${t}`),
  );

describe('property: random input never crashes, never rejects unhandled, never changes state', () => {
  it('the command parser, over thousands of strings', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ maxLength: 300 }), fc.string({ unit: 'binary', maxLength: 300 }), subcommand),
        (text) => {
          figures.parserInputs++;
          const parsed = parseDeployCommand(text);
          expect([
            'start',
            'list',
            'status',
            'cancel',
            'reschedule',
            'rollback',
            'lock',
            'unlock',
            'templates',
            'help',
            'unknown',
          ]).toContain(parsed.kind);
          const word = text.trim().split(/\s+/)[0]!.toLowerCase();
          if (SUBCOMMANDS.includes(word as (typeof SUBCOMMANDS)[number]) && word !== 'list')
            expect(parsed.kind).toBe(word);
          if (parsed.kind === 'lock' || parsed.kind === 'unlock')
            expect(parsed.service?.length ?? 0).toBeLessThanOrEqual(80);
          if (parsed.kind === 'lock') expect(parsed.reason?.length ?? 0).toBeLessThanOrEqual(500);
          if ('ref' in parsed && parsed.ref !== null) expect(parsed.ref).toMatch(/^DEP-\d{1,9}$/);
          // eslint-disable-next-line no-control-regex
          expect(JSON.stringify(parsed)).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/);
          if (parsed.kind === 'unknown') expect(parsed.input.length).toBeLessThanOrEqual(2000);
        },
      ),
      { numRuns: 5000 },
    );
  });

  it('the interaction handlers, over a few hundred random HTTP requests through the real app', async () => {
    const ids = [live, cancelled, done, 999, 0, -1];
    const knownActions = Object.values(ActionId);
    const value = fc.oneof(
      fc
        .record(
          {
            d: fc.constantFrom(...ids),
            k: fc.oneof(fc.constantFrom(...plainPreItems(stateOf(h, live)).map((p) => p.key)), fc.string()),
            r: fc.constantFrom('dev_lead', 'qa_lead', 'nope'),
            p: fc.string(),
            g: fc.constantFrom('start', 'complete', 'x'),
          },
          { requiredKeys: ['d'] },
        )
        .map((r) => JSON.stringify(r)),
      fc.string({ maxLength: 2100 }),
      fc.json(),
    );
    // Strangers only: whatever they click, nothing may change (a refusal is audited, nothing more).
    const user = fc.constantFrom(PEOPLE.stranger, 'UNOBODY', 'W0RANDOM');
    const request = fc.oneof(
      fc.record({
        kind: fc.constant('action' as const),
        user,
        actionId: fc.oneof(fc.constantFrom(...knownActions), fc.string({ maxLength: 300 })),
        value,
      }),
      fc.record({
        kind: fc.constant('view' as const),
        user,
        callbackId: fc.constantFrom(...Object.values(ViewId).filter((v) => v !== ViewId.start)),
        meta: value,
        text: fc.string({ maxLength: 4000 }),
      }),
      fc.record({
        kind: fc.constant('command' as const),
        user,
        text: fc.oneof(fc.string({ maxLength: 500 }), subcommand),
      }),
      // The rollback form: any trigger, any restore choices, any texts.
      fc.record({
        kind: fc.constant('rollback' as const),
        user,
        meta: value,
        trigger: fc.option(fc.oneof(fc.constantFrom('t0', 't1', 'other'), fc.string({ maxLength: 200 }))),
        restore: fc.array(
          fc.oneof(fc.constantFrom('code', 'configuration', 'migrations', 'data'), fc.string({ maxLength: 100 })),
          { maxLength: 6 },
        ),
        other: fc.option(fc.string({ maxLength: 4000 })),
        note: fc.option(fc.string({ maxLength: 4000 })),
      }),
      // The reschedule form: any window (missing, past, reversed, absurd).
      fc.record({
        kind: fc.constant('reschedule' as const),
        user,
        meta: value,
        start: fc.option(fc.oneof(fc.integer(), fc.integer({ min: -1, max: 4_000_000_000 }), fc.double())),
        end: fc.option(fc.oneof(fc.integer(), fc.integer({ min: -1, max: 4_000_000_000 }), fc.double())),
      }),
    );
    const when = (t: number | null) => ({ type: 'datetimepicker', selected_date_time: t });
    const text = (t: string | null) => (t === null ? input.empty() : input.text(t));
    const before = snapshot();
    const slow: string[] = [];
    await fc.assert(
      fc.asyncProperty(fc.array(request, { minLength: 1, maxLength: 8 }), async (batch) => {
        const send = (r: (typeof batch)[number]) => {
          if (r.kind === 'action')
            return h.slack.action({ user: r.user, actionId: r.actionId, value: r.value, channel: CHANNELS.deploys });
          if (r.kind === 'view')
            return h.slack.submitView({
              user: r.user,
              callbackId: r.callbackId,
              privateMetadata: r.meta,
              values: { reason: { value: input.text(r.text) }, evidence: { value: input.text(r.text) } },
            });
          if (r.kind === 'rollback') {
            const values = {
              [RollbackField.trigger]: {
                value: {
                  type: 'radio_buttons',
                  selected_option:
                    r.trigger === null
                      ? null
                      : { text: { type: 'plain_text', text: r.trigger || 'x' }, value: r.trigger },
                },
              },
              [RollbackField.restore]: { value: input.checkboxes(r.restore) },
              [RollbackField.other]: { value: text(r.other) },
              [RollbackField.note]: { value: text(r.note) },
            };
            return h.slack.submitView({ user: r.user, callbackId: ViewId.rollback, privateMetadata: r.meta, values });
          }
          if (r.kind === 'reschedule')
            return h.slack.submitView({
              user: r.user,
              callbackId: ViewId.reschedule,
              privateMetadata: r.meta,
              values: { window_start: { value: when(r.start) }, window_end: { value: when(r.end) } },
            });
          return h.slack.command(r.text.startsWith('start') ? 'help' : r.text, {
            user: r.user,
            channel: CHANNELS.deploys,
          });
        };
        const results = await Promise.all(
          batch.map(async (r) => {
            const t = Date.now();
            const res = await send(r);
            if (Date.now() - t > 1000) slow.push(JSON.stringify(r).slice(0, 300));
            return res;
          }),
        );
        figures.interactions += results.length;
        figures.rollbackForms += batch.filter((r) => r.kind === 'rollback').length;
        figures.rescheduleForms += batch.filter((r) => r.kind === 'reschedule').length;
        for (const res of results) expect(res.status).toBe(200);
      }),
      { numRuns: 100 },
    );
    expect(slow).toEqual([]);
    await h.settled();
    const after = snapshot();
    if (JSON.stringify(after) !== JSON.stringify(before)) figures.stateChanges++;
    expect(after).toEqual(before);
  });
});
