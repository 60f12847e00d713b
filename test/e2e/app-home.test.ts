import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { gateReport } from '../../src/core/deployment/gates.js';
import { ActionId } from '../../src/slack/ids.js';
import { press, startDeployment } from '../support/flows.js';
import { CHANNELS, PEOPLE, startHarness, type Harness } from '../support/harness.js';
import { stateOf } from '../support/schedule.js';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.stop();
});

/** Opens the Home tab as `user` and returns the text of the view published for them. */
async function openHome(user: string): Promise<string> {
  await h.slack.event({ type: 'app_home_opened', user, tab: 'home', channel: 'D123' });
  await h.settled();
  const call = h.fake
    .callsTo('views.publish')
    .filter((c) => (c.args as { user_id?: string }).user_id === user)
    .at(-1);
  expect(call).toBeDefined();
  return JSON.stringify((call!.args as { view: unknown }).view);
}

describe('App Home: waiting for you', () => {
  it('an approver sees the approval waiting for them, linked to its thread, until they approve', async () => {
    const { id, parentTs } = await startDeployment(h);
    const link = `https://fake.slack.test/archives/${CHANNELS.deploys}/p${parentTs.replace('.', '')}`;
    const before = await openHome(PEOPLE.qa);
    expect(before).toContain('Waiting for you');
    expect(before).toContain(`<${link}|DEP-1>`);
    expect(before).toContain('approve as *QA Lead*');
    expect(before).not.toContain('Development Lead*');

    await press(h, PEOPLE.qa, ActionId.approve, { d: id, r: 'qa_lead' });
    expect(stateOf(h, id).approvals.qa_lead?.by).toBe(PEOPLE.qa);
    const after = await openHome(PEOPLE.qa);
    expect(after).not.toContain('approve as');
    expect(after).toContain('Nothing is waiting for you right now.');
    // The general list still shows the deployment to everyone.
    expect(after).toContain('DEP-1');
  });

  it('the deployer sees their deployment with the start gate’s missing count; a stranger has nothing waiting', async () => {
    const { id } = await startDeployment(h);
    await press(h, PEOPLE.dev, ActionId.approve, { d: id, r: 'dev_lead' });
    const missing = gateReport(stateOf(h, id), 'start').missing.length;
    expect(missing).toBeGreaterThan(1);
    const home = await openHome(PEOPLE.deployer);
    expect(home).toContain(`start gate closed, ${missing} things missing`);
    expect(home).not.toContain('approve as');
    expect(await openHome(PEOPLE.stranger)).toContain('Nothing is waiting for you right now.');
  });

  it('a deployer with more deployments waiting than Home lists sees the first ten and how many more', async () => {
    for (let i = 0; i < 12; i++) await startDeployment(h, { service: `svc${i}`, version: `1.${i}.0` });
    const home = await openHome(PEOPLE.deployer);
    expect(home.match(/start gate closed/g)).toHaveLength(10);
    expect(home).toContain('_and 2 more_');
  });
});
