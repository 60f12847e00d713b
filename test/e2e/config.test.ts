import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startLiftoff } from '../../src/liftoff.js';
import { input } from '../support/slack-requests.js';
import { startValues } from '../support/flows.js';
import { CHANNELS, PEOPLE, SIGNING_SECRET, startHarness, TOKEN, type Harness } from '../support/harness.js';
import { stateOf as storedState } from '../support/stored.js';

const CONFIG = `
user_groups: {}
defaults:
  announce_channel: ${CHANNELS.announce}
services:
  checkout:
    deploy_channel: ${CHANNELS.deploys}
    template: standard-release
    approvers:
      dev_lead: ${PEOPLE.dev}
      qa_lead: "@qa"
      ops_lead: [${PEOPLE.ops}]
    rollback_users: ["@oncall"]
    communication: { monitoring_minutes: 45 }
    environments:
      staging:
        template: deployment-task
        deployer_may_approve: true
        approvers:
          qa_lead: [${PEOPLE.deployer}]
      production:
        locked: [approvers, channels, template]
  search:
    approvers:
      qa_lead: "@nosuchgroup"
`;

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

/** A harness whose Liftoff reads `yaml` as its team configuration; QA and on-call are user groups. */
async function withConfig(yaml: string) {
  const file = join(mkdtempSync(join(tmpdir(), 'liftoff-team-')), 'liftoff.yml');
  writeFileSync(file, yaml);
  const harness = await startHarness({ env: { LIFTOFF_CONFIG: file } });
  harness.fake.addUserGroup('S0QA00001', 'qa', [PEOPLE.qa]);
  harness.fake.addUserGroup('S0ONCALL1', 'oncall', [PEOPLE.stranger]);
  return harness;
}

/** Waits until the user groups have been looked up (start-up does not wait for it). */
async function groupsLookedUp(harness: Harness) {
  for (let i = 0; i < 100 && !harness.logs.some((l) => l.includes('user groups looked up')); i++)
    await new Promise((r) => setTimeout(r, 20));
  expect(harness.logs.some((l) => l.includes('user groups looked up'))).toBe(true);
  // The first lookup may have run before the test added the groups to the fake: look again.
  await harness.liftoff.refreshUserGroups();
}

type Block = { type: string; block_id?: string; element?: Record<string, any>; elements?: Array<{ text: string }> };
const blocksOf = (harness: Harness) => (harness.fake.lastView()!.view.blocks ?? []) as Block[];
const block = (harness: Harness, id: string) => blocksOf(harness).find((b) => b.block_id === id);

describe('team configuration in /deploy start', () => {
  it('the service is a select of the configured services; choosing one and an environment fills channels, template and approvers', async () => {
    h = await withConfig(CONFIG.replace(/^user_groups.*$/m, 'user_groups: { qa: S0QA00001 }'));
    await groupsLookedUp(h);
    await h.slack.command('start', { user: PEOPLE.deployer, channel: CHANNELS.deploys });
    await h.settled();
    const opened = h.fake.lastView()!;
    expect(block(h, 'service')?.element).toMatchObject({ type: 'static_select', action_id: 'start.service' });
    expect(block(h, 'service')?.element?.options.map((o: any) => o.value)).toEqual(['checkout', 'search']);
    expect(block(h, 'service_other')).toBeUndefined(); // free text is not allowed when services are listed

    await h.slack.action({
      user: PEOPLE.deployer,
      actionId: 'start.service',
      viewId: opened.id,
      selectedOption: { value: 'checkout' },
    });
    await h.settled();
    await h.slack.action({
      user: PEOPLE.deployer,
      actionId: 'start.service',
      blockId: 'environment',
      viewId: opened.id,
      selectedOption: { value: 'staging' },
    });
    await h.settled();
    const meta = JSON.parse(h.fake.lastView()!.view.private_metadata);
    expect(meta).toEqual({ c: CHANNELS.deploys, v: 2 });
    expect(block(h, 'template~2')?.element?.initial_option.value).toBe('deployment-task');
    expect(block(h, 'deploy_channel~2')?.element?.initial_conversation).toBe(CHANNELS.deploys);
    expect(block(h, 'announce_channel~2')?.element?.initial_conversation).toBe(CHANNELS.announce);
    expect(block(h, 'approver:dev_lead~2')?.element?.initial_users).toEqual([PEOPLE.dev]);
    expect(block(h, 'approver:qa_lead~2')?.element?.initial_users).toEqual([PEOPLE.deployer]);

    // The deployer adjusts what is not locked (here: keeps it) and submits; staging lets the deployer approve.
    const values = startValues(h, { environment: 'staging', template: 'deployment-task', approvers: {} });
    delete values.template;
    Object.assign(values, {
      service: { 'start.service': input.select('checkout') },
      environment: { 'start.service': input.select('staging') },
      'template~2': { 'start.template': input.select('deployment-task') },
      'deploy_channel~2': { value: input.conversation(CHANNELS.deploys) },
      'announce_channel~2': { value: input.conversation(CHANNELS.announce) },
      'approver:dev_lead~2': { value: input.users([PEOPLE.dev]) },
      'approver:qa_lead~2': { value: input.users([PEOPLE.deployer]) },
      'approver:ops_lead~2': { value: input.users([PEOPLE.ops]) },
    });
    const submitted = await h.slack.submitView({
      user: PEOPLE.deployer,
      callbackId: 'deploy.start',
      privateMetadata: JSON.stringify(meta),
      values,
      viewId: opened.id,
    });
    expect(submitted.status).toBe(200);
    await h.settled();
    expect(h.fake.views.find((v) => v.id === opened.id)?.errors).toBeUndefined();
    const d = storedState(h);
    expect(d).toMatchObject({
      service: 'checkout',
      environment: 'staging',
      channelId: CHANNELS.deploys,
      announceChannelId: CHANNELS.announce,
    });
    expect(d.approvers).toEqual({ dev_lead: [PEOPLE.dev], qa_lead: [PEOPLE.deployer], ops_lead: [PEOPLE.ops] });
    expect(d.plan.id).toBe('deployment-task');
  });

  it('/deploy start checkout … prod opens the form filled in; locked fields are shown as text and taken from the configuration', async () => {
    h = await withConfig(CONFIG);
    await groupsLookedUp(h);
    await h.slack.command('start checkout 2.4.0 prod', { user: PEOPLE.deployer, channel: CHANNELS.announce });
    await h.settled();
    const opened = h.fake.lastView()!;
    expect(block(h, 'service')?.element?.initial_option.value).toBe('checkout');
    expect(blocksOf(h).some((b) => b.block_id?.startsWith('approver:'))).toBe(false);
    expect(blocksOf(h).some((b) => b.block_id?.startsWith('template'))).toBe(false);
    const texts = blocksOf(h)
      .filter((b) => b.type === 'context')
      .map((b) => b.elements!.map((e) => e.text).join(' '))
      .join('\n');
    expect(texts).toContain(`QA Lead: <@${PEOPLE.qa}> (set by the team configuration)`);
    expect(texts).toContain(`Runs in <#${CHANNELS.deploys}>`);

    const values = startValues(h, { approvers: {} });
    delete values.template;
    values.service = { 'start.service': input.select('checkout') };
    values.environment = { 'start.service': input.select('production') };
    const submitted = await h.slack.submitView({
      user: PEOPLE.deployer,
      callbackId: 'deploy.start',
      privateMetadata: opened.view.private_metadata,
      values,
      viewId: opened.id,
    });
    expect(submitted.status).toBe(200);
    await h.settled();
    const d = storedState(h);
    // The command was typed in #announcements, but checkout deploys in #deploys.
    expect(d).toMatchObject({ channelId: CHANNELS.deploys, announceChannelId: CHANNELS.announce });
    expect(d.approvers).toEqual({ dev_lead: [PEOPLE.dev], qa_lead: [PEOPLE.qa], ops_lead: [PEOPLE.ops] });
    expect(h.fake.messages(CHANNELS.deploys).length).toBeGreaterThan(0);
  });

  it('user groups are looked up after start; an unknown one is logged with its path in the file', async () => {
    h = await withConfig(CONFIG);
    await groupsLookedUp(h);
    expect(h.fake.callsTo('usergroups.list').length).toBeGreaterThan(0);
    expect([...new Set(h.fake.callsTo('usergroups.users.list').map((c) => c.args.usergroup))].sort()).toEqual([
      'S0ONCALL1',
      'S0QA00001',
    ]);
    expect(h.logs.join('\n')).toContain(
      'team configuration: services.search.approvers.qa_lead: unknown user group @nosuchgroup',
    );

    // Membership changes are picked up by the next lookup (every 15 minutes, or now).
    h.fake.addUserGroup('S0QA00001', 'qa', [PEOPLE.product]);
    expect(await h.liftoff.refreshUserGroups()).toEqual([
      { path: 'services.search.approvers.qa_lead', message: 'unknown user group @nosuchgroup' },
    ]);
    await h.slack.command('start checkout 2.4.0 uat', { user: PEOPLE.deployer, channel: CHANNELS.deploys });
    await h.settled();
    expect(block(h, 'approver:qa_lead')?.element?.initial_users).toEqual([PEOPLE.product]);
  });
});

describe('a team configuration with mistakes', () => {
  it('stops the start with every mistake and its path', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'liftoff-team-')), 'liftoff.yml');
    writeFileSync(
      file,
      'services:\n  checkout:\n    template: nope\n    environments:\n      production:\n        approvers:\n          qa_lead: qa\n',
    );
    const env = {
      SLACK_BOT_TOKEN: TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      PORT: '0',
      LIFTOFF_DB: join(file, '..', 'x.db'),
      LIFTOFF_CONFIG: file,
    };
    await expect(startLiftoff({ env, writeLog: () => undefined })).rejects.toThrow(
      /2 mistakes:\n {2}- services\.checkout\.environments\.production\.approvers\.qa_lead: "qa" is neither .*\(line 7\)\n {2}- services\.checkout\.template: unknown template "nope"/,
    );
  });
});
