import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ActionId } from '../../src/slack/ids.js';
import { press, startValues } from '../support/flows.js';
import { CHANNELS, PEOPLE, startHarness, type Harness } from '../support/harness.js';
import { input } from '../support/slack-requests.js';
import { stateOf as storedState } from '../support/stored.js';

// @devs holds the deployer too, and signs for two roles; @nosuchgroup is not in Slack.
const CONFIG = `
services:
  checkout:
    deploy_channel: ${CHANNELS.deploys}
    template: standard-release
    approvers:
      dev_lead: "@devs"
      qa_lead: "@devs"
      ops_lead: [${PEOPLE.ops}]
    communication: { announcement_hours_before: 12, monitoring_minutes: 45 }
    locked: [approvers]
  search:
    deploy_channel: ${CHANNELS.deploys}
    template: standard-release
    approvers:
      dev_lead: [${PEOPLE.dev}]
      qa_lead: "@nosuchgroup"
      ops_lead: [${PEOPLE.ops}]
    environments:
      production:
        locked: [approvers]
`;

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

async function withConfig() {
  const file = join(mkdtempSync(join(tmpdir(), 'liftoff-team-')), 'liftoff.yml');
  writeFileSync(file, CONFIG);
  const harness = await startHarness({ env: { LIFTOFF_CONFIG: file } });
  harness.fake.addUserGroup('S0DEVS0001', 'devs', [PEOPLE.dev, PEOPLE.qa, PEOPLE.deployer]);
  // The first lookup may run before the group exists in the fake: look again now.
  await harness.liftoff.refreshUserGroups();
  return harness;
}

type Block = { type: string; block_id?: string };
const blockIds = (harness: Harness) =>
  ((harness.fake.lastView()!.view.blocks ?? []) as Block[]).map((b) => b.block_id ?? '');
const stateOf = (harness: Harness) => storedState(harness);

/** Opens `/deploy start SERVICE 2.4.0 ENV` and submits it as the form shows it, with `extra` values. */
async function startAs(harness: Harness, service: string, env: string, extra: Record<string, unknown> = {}) {
  await harness.slack.command(`start ${service} 2.4.0 ${env}`, { user: PEOPLE.deployer, channel: CHANNELS.deploys });
  await harness.settled();
  const opened = harness.fake.lastView()!;
  const values: Record<string, unknown> = { ...startValues(harness, { approvers: {} }), ...extra };
  delete values.template;
  values.service = { 'start.service': input.select(service) };
  values.environment = { 'start.service': input.select(env === 'prod' ? 'production' : 'staging') };
  const res = await harness.slack.submitView({
    user: PEOPLE.deployer,
    callbackId: 'deploy.start',
    privateMetadata: (opened.view as { private_metadata: string }).private_metadata,
    values: values as never,
    viewId: opened.id,
  });
  await harness.settled();
  return res;
}

describe('approvers from user groups in /deploy start', () => {
  it('a locked group that holds the deployer and signs for two roles: the deployer can start; the deployer is no candidate; each person signs one role', async () => {
    h = await withConfig();
    const res = await startAs(h, 'checkout', 'prod');
    expect(res.json?.errors).toBeUndefined();
    const d = stateOf(h);
    expect(d.approvers).toEqual({
      dev_lead: [PEOPLE.dev, PEOPLE.qa],
      qa_lead: [PEOPLE.dev, PEOPLE.qa],
      ops_lead: [PEOPLE.ops],
    });
    // The configured timings are the deployment's; the configured monitoring wins like the others.
    expect(d.timings).toEqual({
      announcementHoursBefore: 12,
      reminderHoursBefore: 1,
      progressEveryMinutes: 30,
      monitoringMinutes: 45,
    });

    await press(h, PEOPLE.deployer, ActionId.approve, { d: d.id, r: 'dev_lead' });
    await press(h, PEOPLE.dev, ActionId.approve, { d: d.id, r: 'dev_lead' });
    await press(h, PEOPLE.dev, ActionId.approve, { d: d.id, r: 'qa_lead' });
    expect(h.fake.ephemerals({ user: PEOPLE.dev }).at(-1)?.text).toMatch(/one person signs for one role/);
    await press(h, PEOPLE.qa, ActionId.approve, { d: d.id, r: 'qa_lead' });
    const approvals = stateOf(h).approvals;
    expect(Object.fromEntries(Object.entries(approvals).map(([role, a]: [string, any]) => [role, a.by]))).toEqual({
      dev_lead: PEOPLE.dev,
      qa_lead: PEOPLE.qa,
    });
  });

  it('a locked role whose group Slack does not know refuses the form under the service, naming the group; nothing is created', async () => {
    h = await withConfig();
    const res = await startAs(h, 'search', 'prod');
    expect(res.json).toEqual({
      response_action: 'errors',
      errors: { service: 'QA Lead (team configuration): the user group @nosuchgroup has no members Slack knows of' },
    });
    expect(h.query('SELECT id FROM deployments')).toEqual([]);
  });

  it('an open role whose group Slack does not know shows the error under the role’s field', async () => {
    h = await withConfig();
    await h.slack.command('start search 2.4.0 staging', { user: PEOPLE.deployer, channel: CHANNELS.deploys });
    await h.settled();
    const qaField = blockIds(h).find((id) => id.startsWith('approver:qa_lead'))!;
    expect(qaField).toBeDefined();
    const res = await startAs(h, 'search', 'staging', {
      [qaField]: { value: input.users([]) },
      [blockIds(h).find((id) => id.startsWith('approver:dev_lead'))!]: { value: input.users([PEOPLE.dev]) },
      [blockIds(h).find((id) => id.startsWith('approver:ops_lead'))!]: { value: input.users([PEOPLE.ops]) },
    });
    expect(res.json?.errors).toEqual({ [qaField]: 'The user group @nosuchgroup has no members Slack knows of' });
    expect(h.query('SELECT id FROM deployments')).toEqual([]);
  });
});
