import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/storage/db.js';
import { createRepositories } from '../../src/storage/index.js';
import { CHANNELS, PEOPLE, startHarness, type Harness } from '../support/harness.js';
import { seedPastDeployments } from '../support/past-deployments.js';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.stop();
});

describe('/deploy stats', () => {
  it('answers the four DORA measures over the period asked for, for one service', async () => {
    const db = openDatabase(h.dbFile);
    // One a day over the last 40 days, outcomes in turn: completed, rolled back, cancelled, rollback failed.
    seedPastDeployments(createRepositories(db), 40, {
      from: h.clock.now() - 40 * 86_400_000 + 60_000,
      service: () => 'web',
    });
    seedPastDeployments(createRepositories(db), 3, { from: h.clock.now() - 5 * 86_400_000, service: () => 'api' });
    db.close();
    await h.slack.command('stats web prod 4w', { user: PEOPLE.stranger, channel: CHANNELS.deploys });
    await h.settled();
    const answer = h.fake.ephemerals({ user: PEOPLE.stranger }).at(-1)!;
    const text = JSON.stringify(answer.blocks);
    // The last 28 days hold deployments 13 to 40: 7 of each outcome.
    expect(text).toContain('*Deployment frequency:* 21 in 28 days');
    expect(text).toContain('7 cancelled before going out');
    expect(text).toContain('*Change failure rate:* 67% (14 of 21 rolled back or failed their rollback)');
    expect(text).toContain('*Time to restore:* < 1 min median over 7');
    expect(text).toContain('*Lead time for changes:*');
    expect(answer.text).toContain('web in Production, last 28 days');
  });
});
