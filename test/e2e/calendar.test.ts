import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ActionId, ViewId, encodeRef } from '../../src/slack/ids.js';
import { press, startValues, textOf, type StartValues } from '../support/flows.js';
import { CHANNELS, PEOPLE, startHarness, type Harness } from '../support/harness.js';
import { fakeClock } from '../support/clock.js';
import { input } from '../support/slack-requests.js';
import { stateOf } from '../rollback/helpers.js';
import { exportCommand } from '../../src/cli/export.js';
import { runCi } from '../../src/ci/main.js';

const ADMIN = 'UADMIN01';
const OPS = 'COPSROOM';
const TOKEN = 'gha-token-0123456789abcdef0123456789';
const CONFIG = `
version: 1
admins: [${ADMIN}]
calendar:
  timezone: Europe/Berlin
  allowed_hours:
    production: "Mon-Fri 09:00-16:00"
  freezes:
    - environments: [production]
      from: "2026-12-21"
      until: "2027-01-04"
      reason: year-end freeze
services:
  checkout:
    deploy_channel: ${CHANNELS.deploys}
    ops_channel: ${OPS}
    template: standard-release
    approvers: { dev_lead: [${PEOPLE.dev}], qa_lead: [${PEOPLE.qa}], ops_lead: [${PEOPLE.ops}] }
pipelines:
  github-actions:
    token_env: LIFTOFF_TOKEN_GHA
    services: [checkout]
    environments: [production]
    may: [start]
`;

// Tuesday 1 December 2026, 10:00 in Berlin.
const TUESDAY_10 = Date.parse('2026-12-01T09:00:00Z');
const at = (iso: string) => Date.parse(iso) / 1000;

let h: Harness;
beforeEach(async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'liftoff-calendar-')), 'liftoff.yml');
  writeFileSync(file, CONFIG);
  h = await startHarness({
    env: { LIFTOFF_CONFIG: file, LOG_LEVEL: 'warn', LIFTOFF_TOKEN_GHA: TOKEN },
    clock: fakeClock(TUESDAY_10),
  });
  h.fake.addUser(ADMIN, { name: 'admin' });
  h.fake.addChannel(OPS, { name: 'ops' });
});
afterEach(async () => {
  await h.stop();
});

const say = (user: string, text: string) => h.slack.command(text, { user, channel: CHANNELS.deploys });
const count = () => h.query<{ n: number }>('SELECT count(*) AS n FROM deployments')[0]!.n;
const lastId = () => h.query<{ id: number }>('SELECT id FROM deployments ORDER BY id DESC LIMIT 1')[0]!.id;

/** Opens the start form and submits it; `emergency`: the emergency field's text. */
async function submitStart(v: StartValues, emergency?: string) {
  await say(PEOPLE.deployer, 'start checkout 2.4.0 prod');
  await h.settled();
  const opened = h.fake.lastView()!;
  const view = opened.view as { private_metadata?: string; blocks: Array<{ block_id?: string }> };
  const values = startValues(h, v);
  if (emergency !== undefined) values.emergency = { value: input.text(emergency) };
  const res = await h.slack.submitView({
    user: PEOPLE.deployer,
    callbackId: 'deploy.start',
    privateMetadata: view.private_metadata ?? '',
    values,
    viewId: opened.id,
  });
  await h.settled();
  return { res, blocks: view.blocks };
}

describe('starts and the deploy calendar', () => {
  it('a start form window on Saturday is refused under the window field with the next allowed slot; nothing is created', async () => {
    const { res, blocks } = await submitStart({
      windowStart: at('2026-12-05T10:00:00Z'),
      windowEnd: at('2026-12-05T11:00:00Z'),
    });
    // The form shows the calendar and the emergency field where a calendar is in use.
    expect(JSON.stringify(blocks)).toContain('Production is deployed Mon-Fri 09:00-16:00 (Europe/Berlin).');
    expect(blocks.some((b) => b.block_id === 'emergency')).toBe(true);
    expect(res.json).toEqual({
      response_action: 'errors',
      errors: {
        window_start:
          'Production is deployed only Mon-Fri 09:00-16:00 (Europe/Berlin). Next allowed slot: Mon 7 Dec 2026 09:00–10:00 (Europe/Berlin).',
      },
    });
    expect(count()).toBe(0);
  });

  it('a window inside the hours starts; one that reaches into a planned freeze is refused with the slot after it', async () => {
    await submitStart({ windowStart: at('2026-12-01T10:00:00Z'), windowEnd: at('2026-12-01T11:00:00Z') });
    expect(count()).toBe(1);
    const { res } = await submitStart({
      windowStart: at('2026-12-22T09:00:00Z'),
      windowEnd: at('2026-12-22T10:30:00Z'),
    });
    expect((res.json as { errors: Record<string, string> }).errors.window_start).toBe(
      'Production is frozen until Mon 4 Jan 2027 00:00 (Europe/Berlin): year-end freeze. Next allowed slot: Mon 4 Jan 2027 09:00–10:30 (Europe/Berlin).',
    );
    expect(count()).toBe(1);
  });

  it('a reschedule to a window outside the hours is refused the same way; inside them it moves', async () => {
    await submitStart({ windowStart: at('2026-12-01T10:00:00Z'), windowEnd: at('2026-12-01T11:00:00Z') });
    const id = lastId();
    const submit = (start: string, end: string) =>
      h.slack.submitView({
        user: PEOPLE.deployer,
        callbackId: ViewId.reschedule,
        privateMetadata: encodeRef({ d: id }),
        values: { window_start: { value: input.dateTime(at(start)) }, window_end: { value: input.dateTime(at(end)) } },
      });
    const refused = await submit('2026-12-01T17:00:00Z', '2026-12-01T18:00:00Z');
    expect(refused.json).toEqual({
      response_action: 'errors',
      errors: {
        window_start: expect.stringContaining(
          'Production is deployed only Mon-Fri 09:00-16:00 (Europe/Berlin). Next allowed slot: Wed 2 Dec 2026 09:00–10:00 (Europe/Berlin).',
        ),
      },
    });
    expect(stateOf(h, id).window.start).toBe(at('2026-12-01T10:00:00Z') * 1000);
    await submit('2026-12-02T09:00:00Z', '2026-12-02T10:00:00Z');
    expect(stateOf(h, id).window.start).toBe(at('2026-12-02T09:00:00Z') * 1000);
  });

  it('the HTTP API (and so liftoff ci start) is refused the same way: 409 outside_calendar with the next slot', async () => {
    const res = await fetch(`http://127.0.0.1:${h.liftoff.port}/api/v1/deployments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', 'idempotency-key': 'k1' },
      body: JSON.stringify({
        service: 'checkout',
        version: '2.4.0',
        environment: 'production',
        deployer: PEOPLE.deployer,
        window: { start: '2026-12-01T15:30:00Z', end: '2026-12-01T16:30:00Z' },
      }),
    });
    expect(res.status).toBe(409);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      error: 'outside_calendar',
      message: expect.stringMatching(
        /^Production is deployed only Mon-Fri 09:00-16:00 \(Europe\/Berlin\)\. Next allowed slot: Wed 2 Dec 2026 09:00–10:00/,
      ),
      next_slot: { start: '2026-12-02T08:00:00.000Z', end: '2026-12-02T09:00:00.000Z' },
    });
    expect(count()).toBe(0);
  });
});

describe('liftoff ci start', () => {
  it('on a Saturday it is refused with the reason and the next slot, and exits non-zero', async () => {
    h.clock.set(Date.parse('2026-12-05T10:00:00Z'));
    const err: string[] = [];
    const code = await runCi(
      [
        'start',
        '--service',
        'checkout',
        '--version',
        '2.4.1',
        '--environment',
        'production',
        '--deployer',
        PEOPLE.deployer,
        '--duration',
        '45',
      ],
      {
        env: { LIFTOFF_URL: `http://127.0.0.1:${h.liftoff.port}`, LIFTOFF_TOKEN: TOKEN },
        out: { write: () => true },
        err: { write: (s: string) => err.push(s) },
        sleep: async () => undefined,
      },
    );
    expect(code).not.toBe(0);
    expect(err.join('')).toContain(
      'refused (409 outside_calendar): Production is deployed only Mon-Fri 09:00-16:00 (Europe/Berlin). Next allowed slot: Mon 7 Dec 2026 09:00–09:45 (Europe/Berlin).',
    );
    expect(count()).toBe(0);
  });
});

describe('/deploy freeze and /deploy unfreeze', () => {
  it('who may: a stranger is refused (naming the admins, recorded); an admin freezes, it is announced, listed, and refuses starts', async () => {
    const refused = await say(PEOPLE.stranger, 'freeze production until 2027-01-05 quarter end');
    expect(JSON.stringify(refused.json)).toContain(`Only an admin (<@${ADMIN}>) can freeze or unfreeze Production.`);
    expect(h.query('SELECT * FROM freezes')).toEqual([]);
    expect(h.query<{ subject: string }>("SELECT subject FROM audit WHERE type = 'refused'").at(-1)?.subject).toBe(
      'freeze production',
    );

    const frozen = await h.slack.command('freeze prod until 2027-01-05 quarter end', {
      user: ADMIN,
      channel: CHANNELS.deploys,
    });
    await h.settled();
    expect(JSON.stringify(frozen.json)).toContain(
      'Production is frozen until Tue 5 Jan 2027 00:00 (Europe/Berlin): quarter end.',
    );
    expect(h.query('SELECT environment, reason, frozen_by, frozen_at, until FROM freezes')).toEqual([
      {
        environment: 'production',
        reason: 'quarter end',
        frozen_by: ADMIN,
        frozen_at: TUESDAY_10,
        until: Date.parse('2027-01-04T23:00:00Z'),
      },
    ]);
    expect(h.fake.messages(OPS).map((m) => m.text)).toEqual([
      `🧊 <@${ADMIN}> (admin) froze Production: frozen until Tue 5 Jan 2027 00:00 (Europe/Berlin): quarter end`,
    ]);

    await say(PEOPLE.deployer, 'list');
    await h.settled();
    const list = JSON.stringify(h.fake.ephemerals({ user: PEOPLE.deployer }).at(-1));
    expect(list).toContain('quarter end');
    expect(list).toContain('year-end freeze');

    const { res } = await submitStart({
      windowStart: at('2026-12-01T10:00:00Z'),
      windowEnd: at('2026-12-01T11:00:00Z'),
    });
    expect((res.json as { errors: Record<string, string> }).errors.window_start).toBe(
      'Production is frozen until Tue 5 Jan 2027 00:00 (Europe/Berlin): quarter end. Next allowed slot: Tue 5 Jan 2027 09:00–10:00 (Europe/Berlin).',
    );

    const lifted = await h.slack.command('unfreeze production', { user: ADMIN, channel: CHANNELS.deploys });
    await h.settled();
    expect(JSON.stringify(lifted.json)).toContain(
      'Production is unfrozen: deployments within its allowed hours can start again. The team configuration still freezes it from Mon 21 Dec 2026 00:00 until Mon 4 Jan 2027 00:00 (Europe/Berlin): year-end freeze.',
    );
    expect(h.query('SELECT lifted_by FROM freezes')).toEqual([{ lifted_by: ADMIN }]);
    expect(h.fake.messages(OPS).at(-1)?.text).toMatch(/unfroze Production/);
    await submitStart({ windowStart: at('2026-12-01T10:00:00Z'), windowEnd: at('2026-12-01T11:00:00Z') });
    expect(count()).toBe(1);
    // Nothing more to lift; the configuration's freeze is changed in the file.
    const again = await h.slack.command('unfreeze production', { user: ADMIN, channel: CHANNELS.deploys });
    expect(JSON.stringify(again.json)).toContain('a freeze of the team configuration (calendar.freezes)');
  });

  it('a freeze needs a reason and a date that is to come', async () => {
    const noReason = await h.slack.command('freeze production until 2027-01-05', {
      user: ADMIN,
      channel: CHANNELS.deploys,
    });
    expect(JSON.stringify(noReason.json)).toContain('Say why');
    const past = await h.slack.command('freeze production until 2026-11-30 oops', {
      user: ADMIN,
      channel: CHANNELS.deploys,
    });
    expect(JSON.stringify(past.json)).toContain('in the past');
    const bad = await h.slack.command('freeze production until 5.1.2027 x', { user: ADMIN, channel: CHANNELS.deploys });
    expect(JSON.stringify(bad.json)).toContain('is not a date');
    expect(h.query('SELECT * FROM freezes')).toEqual([]);
  });
});

describe('an emergency outside the calendar', () => {
  it('goes ahead with a reason, waits for a second person, is recorded and flagged', async () => {
    await submitStart(
      { windowStart: at('2026-12-05T10:00:00Z'), windowEnd: at('2026-12-05T11:00:00Z') },
      'Payments fail for every card',
    );
    expect(count()).toBe(1);
    const id = lastId();
    const d = stateOf(h, id);
    expect(d.emergency).toEqual({
      reason: 'Payments fail for every card',
      calendar: 'Production is deployed only Mon-Fri 09:00-16:00 (Europe/Berlin).',
    });
    expect(d.overrideRequests?.calendar).toMatchObject({ by: PEOPLE.deployer, reason: 'Payments fail for every card' });

    // Flagged on its card and in its thread.
    const all = h.fake.messages(CHANNELS.deploys).map(textOf).join('\n');
    expect(all).toMatch(/Emergency outside the calendar/);

    // Held by the calendar gate before anything else.
    const phase = stateOf(h, id).plan.phases[0]!.id;
    await press(h, PEOPLE.deployer, ActionId.startPhase, { d: id, p: phase });
    expect(h.fake.ephemerals({ user: PEOPLE.deployer }).at(-1)?.text).toMatch(/is an emergency outside the calendar/);
    expect(stateOf(h, id).status).not.toBe('in_progress');

    // The deployer cannot grant it; an approver other than the deployer can.
    await press(h, PEOPLE.deployer, ActionId.grantOverride, { d: id, g: 'calendar' });
    expect(stateOf(h, id).overrides.filter((o) => o.gate === 'calendar')).toEqual([]);
    await press(h, PEOPLE.dev, ActionId.grantOverride, { d: id, g: 'calendar' });
    expect(stateOf(h, id).overrides.find((o) => o.gate === 'calendar')).toMatchObject({
      by: PEOPLE.dev,
      requestedBy: PEOPLE.deployer,
      reason: 'Payments fail for every card',
    });
    const events = h.query<{ type: string; actor: string }>(
      'SELECT type, actor FROM events WHERE deployment_id = ? ORDER BY seq',
      id,
    );
    expect(events).toContainEqual({ type: 'gate_overridden', actor: PEOPLE.dev });
    expect(threadOf(id)).toMatch(/granted DEP-\d+ as an emergency outside the calendar, asked by/);

    // Flagged in the history and the export too.
    await h.slack.command(`cancel DEP-${id} fixed upstream`, { user: PEOPLE.deployer, channel: CHANNELS.deploys });
    await h.settled();
    await say(PEOPLE.deployer, 'history');
    await h.settled();
    expect(JSON.stringify(h.fake.ephemerals({ user: PEOPLE.deployer }).at(-1))).toContain('🚨 emergency');
    let out = '';
    const io = {
      out: {
        write: (s: string) => {
          out += s;
          return true;
        },
      },
      err: { write: () => true },
      env: {},
    };
    expect(
      exportCommand(h.dbFile, ['--from', '2026-12-01', '--to', '2026-12-31', '--format', 'json'], io as never),
    ).toBe(0);
    const rows = JSON.parse(out) as Array<Record<string, string>>;
    expect(rows.length).toBeGreaterThan(1);
    expect(rows.every((r) => r.emergency === 'Payments fail for every card')).toBe(true);
  });

  it('an emergency is not needed inside the calendar: it starts as usual, not flagged', async () => {
    await submitStart(
      { windowStart: at('2026-12-01T10:00:00Z'), windowEnd: at('2026-12-01T11:00:00Z') },
      'just in case',
    );
    expect(stateOf(h, lastId()).emergency).toBeUndefined();
  });
});

describe('overlapping windows', () => {
  it('a window that overlaps another deployment of the same service and environment is flagged to its submitter, not refused', async () => {
    await submitStart({ windowStart: at('2026-12-01T10:00:00Z'), windowEnd: at('2026-12-01T11:00:00Z') });
    const before = h.fake.ephemerals({ user: PEOPLE.deployer }).length;
    await submitStart({ windowStart: at('2026-12-01T10:30:00Z'), windowEnd: at('2026-12-01T11:30:00Z') });
    expect(count()).toBe(2);
    const warned = h.fake.ephemerals({ user: PEOPLE.deployer }).slice(before);
    expect(warned.map((e) => e.text).join('\n')).toMatch(
      /The window of DEP-2 overlaps 1 other deployment of checkout in Production:\n• DEP-1/,
    );
    // Not overlapping: no warning.
    const quiet = h.fake.ephemerals({ user: PEOPLE.deployer }).length;
    await submitStart({ windowStart: at('2026-12-01T12:00:00Z'), windowEnd: at('2026-12-01T13:00:00Z') });
    expect(
      h.fake
        .ephemerals({ user: PEOPLE.deployer })
        .slice(quiet)
        .some((e) => /overlaps/.test(e.text ?? '')),
    ).toBe(false);
  });
});

function threadOf(id: number): string {
  const parent = h.query<{ ts: string }>("SELECT ts FROM messages WHERE deployment_id = ? AND key = 'parent'", id)[0];
  return h.fake
    .thread(CHANNELS.deploys, parent?.ts ?? '')
    .map(textOf)
    .join('\n');
}
