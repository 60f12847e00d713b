import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeClock } from '../support/clock.js';
import { mrkdwnOf, startDeployment } from '../support/flows.js';
import { checkoutProductionConfig } from '../support/team-config.js';
import { CHANNELS, PEOPLE, startHarness, type Harness } from '../support/harness.js';
import { tick } from '../support/schedule.js';

const OPS = 'COPSROOM';
const MIN = 60_000;
const HOUR = 60 * MIN;

let h: Harness;
let dir: string | undefined;
afterEach(async () => {
  await h?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

/** Liftoff (with an ops channel for checkout in Production, or none) and a deployment 2 h ahead: its announcement is due. */
async function deployment(o: { ops: boolean }) {
  const start = Math.floor(Date.now() / MIN) * MIN;
  let env = {};
  if (o.ops) {
    const config = checkoutProductionConfig([`ops_channel: ${OPS}`]);
    dir = config.dir;
    env = { LIFTOFF_CONFIG: config.file };
  }
  h = await startHarness({ env, clock: fakeClock(start), slackFollowsClock: true });
  h.fake.addChannel(OPS, { name: 'ops' });
  const windowStart = start + 2 * HOUR;
  return startDeployment(h, {
    windowStart: windowStart / 1000,
    windowEnd: (windowStart + HOUR) / 1000,
    announce: CHANNELS.announce,
  });
}

interface JobRow {
  key: string;
  kind: string;
  status: string;
  result: string | null;
}
const alerts = (id: number) =>
  h.query<JobRow>("SELECT key, kind, status, result FROM jobs WHERE deployment_id = ? AND kind = 'alert'", id);
const opsMessages = () => h.fake.messages(OPS).map(mrkdwnOf);

describe('a job that did not happen alerts a person, once', () => {
  it('a notice Slack refuses: the ops channel is told what did not happen and what to do; later ticks and a restart do not tell it again', async () => {
    const { id } = await deployment({ ops: true });
    h.fake.fail('chat.postMessage', { error: 'is_archived' });
    await tick(h);
    expect(
      h.query<JobRow>("SELECT * FROM jobs WHERE deployment_id = ? AND kind = 'announcement'", id)[0],
    ).toMatchObject({ status: 'failed', result: 'is_archived' });
    expect(opsMessages()).toHaveLength(1);
    const said = opsMessages()[0]!;
    expect(said).toContain(`DEP-${id}`);
    expect(said).toContain(`The announcement was not sent to <#${CHANNELS.announce}>`);
    expect(said).toContain('`is_archived`');
    expect(said).toMatch(/\*What to do:\* .*archived.*Then tell the people it was for yourself\./);
    expect(h.fake.calls.filter((c) => c.method === 'chat.postMessage' && c.args.channel === PEOPLE.deployer)).toEqual(
      [],
    );
    expect(alerts(id)).toMatchObject([{ key: expect.stringMatching(/:announcement:.*:alert$/), status: 'sent' }]);

    await tick(h);
    await h.restart();
    h.clock.set(h.clock.now() + 10 * MIN);
    await tick(h);
    expect(opsMessages()).toHaveLength(1);
    expect(alerts(id)).toHaveLength(1);
  });

  it('without an ops channel the deployer is told by direct message', async () => {
    const { id } = await deployment({ ops: false });
    h.fake.fail('chat.postMessage', { error: 'channel_not_found' });
    await tick(h);
    const dm = h.fake.calls
      .filter((c) => c.method === 'chat.postMessage' && c.response.ok && c.args.channel === PEOPLE.deployer)
      .map((c) => String(c.args.text));
    expect(dm).toHaveLength(1);
    expect(dm[0]).toContain(`DEP-${id}`);
    expect(dm[0]).toContain('The announcement was not sent');
    expect(opsMessages()).toEqual([]);
  });

  it('an alert Slack cannot take yet (rate limited) is kept as a job, retried later and arrives once', async () => {
    const { id } = await deployment({ ops: true });
    // The announcement fails; its alert, the next post, is rate-limited.
    h.fake.fail('chat.postMessage', { error: 'is_archived' }, 1);
    h.fake.fail('chat.postMessage', { error: 'ratelimited' }, 1);
    await tick(h);
    expect(opsMessages()).toHaveLength(0);
    expect(alerts(id)).toMatchObject([{ status: 'pending' }]);
    h.clock.set(h.clock.now() + MIN);
    await tick(h);
    await tick(h);
    expect(opsMessages()).toHaveLength(1);
    expect(alerts(id)).toMatchObject([{ status: 'sent' }]);
  });
});
