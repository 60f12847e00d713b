import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { explainSlackError } from '../../src/slack/errors.js';
import { ActionId } from '../../src/slack/ids.js';
import { startDeployment } from '../support/flows.js';
import { CHANNELS, PEOPLE, startHarness, type Harness } from '../support/harness.js';
import { approvedDeployment, clickOf, plainPreItems, report, stateOf } from './helpers.js';

let h: Harness;
afterEach(async () => {
  await h.stop();
});

const figures = { faultsInjected: 0, explanationsChecked: 0 };
afterAll(() => report('slack-refusals', figures));

const start = () => startHarness({ env: { LOG_LEVEL: 'info' } });

describe('Slack refuses the channel or the token: people are told in plain words', () => {
  it.each([
    ['not_in_channel', CHANNELS.privateNoBot, /not a member of .*\/invite @Liftoff` and I will catch up\./],
    ['is_archived', CHANNELS.archived, /is archived/],
    ['channel_not_found', 'CGONE', /cannot see .*invite me/],
  ])(
    '%s: the deployer gets a direct message explaining it; the deployment is stored',
    async (_code, channel, explained) => {
      h = await start();
      if (channel === 'CGONE') h.fake.fail('chat.postMessage', { error: 'channel_not_found' }, 1);
      await startDeployment(h, {}, channel === 'CGONE' ? CHANNELS.deploys : channel).catch(() => undefined);
      await h.settled();
      expect(h.query<{ n: number }>('SELECT COUNT(*) AS n FROM deployments')[0]!.n).toBe(1);
      const dm =
        h.fake.messages(PEOPLE.deployer).at(-1) ??
        h.fake.calls.filter((c) => c.method === 'chat.postMessage' && c.args.channel === PEOPLE.deployer).at(-1)?.args;
      expect(dm?.text).toMatch(explained);
      figures.faultsInjected++;
      figures.explanationsChecked++;
    },
  );

  it('a revoked token: the person clicking is told through the response_url, and the log says to reinstall', async () => {
    h = await start();
    const { id } = await approvedDeployment(h);
    const item = plainPreItems(stateOf(h, id))[0]!;
    for (const m of ['chat.update', 'chat.postEphemeral', 'chat.postMessage'])
      h.fake.fail(m, { error: 'token_revoked' }, 5);
    await clickOf(h, PEOPLE.dev, ActionId.approve, { d: id, r: 'dev_lead' }); // already approved: Liftoff must answer
    await h.settled();
    const told = h.fake.ephemerals({ user: PEOPLE.dev }).at(-1);
    expect(told?.via).toBe('response_url');
    expect(told?.text).toMatch(/already approved/);
    await clickOf(h, PEOPLE.deployer, ActionId.confirmItem, { d: id, k: item.key });
    await h.settled();
    expect(stateOf(h, id).items[item.key]?.state).toBe('done');
    expect(h.logs.some((l) => /token_revoked/.test(l))).toBe(true);
    figures.faultsInjected += 3;
    figures.explanationsChecked++;
  });

  it.each(['token_revoked', 'invalid_auth', 'account_inactive'])(
    '%s on the redraw after a stored click: the person clicking is told through the response_url that it is saved and why the message is stale',
    async (code) => {
      h = await start();
      const { id } = await approvedDeployment(h);
      const item = plainPreItems(stateOf(h, id))[0]!;
      // Every Web API call fails on the token: the redraw, an ephemeral, the DM to the deployer.
      for (const m of ['chat.update', 'chat.postEphemeral', 'chat.postMessage']) h.fake.fail(m, { error: code }, 10);
      const res = await clickOf(h, PEOPLE.dev, ActionId.confirmItem, { d: id, k: item.key });
      expect(res.status).toBe(200);
      await h.settled();
      expect(stateOf(h, id).items[item.key]?.state).toBe('done');
      expect(h.fake.calls.some((c) => c.method === 'chat.update' && c.response.error === code)).toBe(true);
      const told = h.fake.ephemerals({ user: PEOPLE.dev }).at(-1);
      expect(told).toMatchObject({ via: 'response_url', channel: CHANNELS.deploys });
      expect(told?.text).toContain(`Your change to DEP-${id} is saved`);
      expect(told?.text).toContain(explainSlackError(code));
      // An ephemeral answer: the message itself was not replaced.
      expect(h.fake.responses.at(-1)?.body).toMatchObject({ response_type: 'ephemeral', replace_original: false });
      expect(
        h.logs.some((l) => l.includes('told the person clicking that the token is refused') && l.includes(`DEP-${id}`)),
      ).toBe(true);
      figures.faultsInjected++;
      figures.explanationsChecked++;
    },
  );
});
