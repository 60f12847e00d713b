import type { HomeView } from '@slack/types';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSlackClients } from '../../src/slack/clients.js';
import { createHomePublisher } from '../../src/slack/home.js';
import { createLogger } from '../../src/support/logger.js';
import { startFakeSlack, type FakeSlack } from '../support/fake-slack.js';

const TOKEN = 'xoxb-home-test';
let fake: FakeSlack;
beforeEach(async () => {
  fake = await startFakeSlack({ token: TOKEN });
  fake.addUser('UALICE', { name: 'alice' });
});
afterEach(async () => {
  await fake.stop();
});

/**
 * A publisher over the paced client, drawing "page N" views. `hold()` makes the next draw wait until
 * `release()`, and returns a promise resolved when that draw has started.
 */
function publisher() {
  const { client } = createSlackClients(TOKEN, { slackApiUrl: fake.url, retryConfig: { retries: 0 } });
  const drawn: number[] = [];
  let gate: { started: () => void; open: Promise<void> } | null = null;
  let release = () => {};
  const lines: string[] = [];
  const homes = createHomePublisher({
    client,
    logger: createLogger({ level: 'warn', write: (line) => lines.push(line) }),
    draw: async (_user, page): Promise<HomeView> => {
      drawn.push(page);
      const g = gate;
      gate = null;
      if (g) {
        g.started();
        await g.open;
      }
      return { type: 'home', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `page ${page}` } }] };
    },
  });
  return {
    homes,
    drawn,
    lines,
    hold: () =>
      new Promise<void>((started) => {
        gate = { started, open: new Promise<void>((r) => (release = r)) };
      }),
    release: () => release(),
  };
}

const shown = () =>
  fake.callsTo('views.publish').map((c) => JSON.stringify(c.args.view).match(/page (\d+)/)?.[1] ?? '?');

describe('App Home publishing', () => {
  it('asks made while a Home is being drawn give one more publish, with the last page asked', async () => {
    const p = publisher();
    const drawing = p.hold();
    const first = p.homes.publish('UALICE', 1);
    await drawing;
    expect(p.drawn).toEqual([1]);
    const later = [p.homes.publish('UALICE', 2), p.homes.publish('UALICE', 3)];
    p.release();
    await Promise.all([first, ...later]);
    expect(p.drawn).toEqual([1, 3]);
    expect(shown()).toEqual(['1', '3']);
  });

  it('a publish Slack refuses is logged without the view, and the next ask publishes again', async () => {
    const p = publisher();
    fake.fail('views.publish', { error: 'invalid_blocks' }, 1);
    await p.homes.publish('UALICE', 1);
    expect(p.lines.join('\n')).toMatch(/could not publish App Home/);
    expect(p.lines.join('\n')).not.toMatch(/page 1/);
    await p.homes.publish('UALICE', 2);
    expect(fake.callsTo('views.publish').filter((c) => c.response.ok)).toHaveLength(1);
    expect(shown()).toEqual(['1', '2']);
  });
});
