import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { textOf } from '../support/flows.js';
import { CHANNELS, startHarness, type Harness } from '../support/harness.js';
import { parentTsOf } from '../support/schedule.js';
import { completed, stateOf } from '../rollback/helpers.js';
import { progressOf } from '../../src/core/deployment/progress.js';

/** A deployment completed through overridden gates: its card reads 100 %, and says what was left unconfirmed. */
let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.stop();
});

describe('a deployment completed through an override', () => {
  it('its card says how many required items were left unconfirmed beside the 100 %', async () => {
    const { id } = await completed(h);
    const p = progressOf(stateOf(h, id));
    expect(p.done).toBeLessThan(p.total);
    const card = textOf(h.fake.message(CHANNELS.deploys, parentTsOf(h, id))!);
    expect(card).toContain(`100% (${p.done}/${p.total} required`);
    expect(card).toContain(`· ${p.total - p.done} left unconfirmed`);
  });
});
