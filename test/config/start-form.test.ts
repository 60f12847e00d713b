import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkTeamSetup, NO_TEAM_CONFIG, type TeamConfig } from '../../src/config/team.js';
import { createCatalog } from '../../src/core/template/catalog.js';
import { startForm } from '../../src/slack/listeners/views/start-form.js';

const EXAMPLE = join(import.meta.dirname, '..', '..', 'data', 'liftoff.example.yml');
const setup = checkTeamSetup(EXAMPLE, {});
const templates = createCatalog(setup.templates!.map((t) => t.template));
const expandUsers = (entries: readonly string[]) =>
  entries.flatMap((e) => (e === '@qa' ? ['U0QAMEMBR1', 'U0QAMEMBR2'] : [e]));
const form = (team: TeamConfig, state: Partial<Parameters<typeof startForm>[1]> = {}) =>
  startForm(
    { templates, team, expandUsers },
    { deployerId: 'U0DEPLOYER', channelId: 'C0TYPEDIN1', fill: 0, now: Date.UTC(2026, 0, 5, 9), ...state },
  );
type Block = { type: string; block_id?: string; element?: Record<string, any>; elements?: Array<{ text: string }> };
const blocks = (v: ReturnType<typeof form>) => v.blocks as Block[];
const block = (v: ReturnType<typeof form>, id: string) => blocks(v).find((b) => b.block_id === id);
const texts = (v: ReturnType<typeof form>) =>
  blocks(v)
    .filter((b) => b.type === 'context')
    .flatMap((b) => b.elements!.map((e) => e.text));

describe('the start form and the team configuration', () => {
  it('without a configuration: the service is typed in, nothing is filled, as before', () => {
    const v = form(NO_TEAM_CONFIG, { service: 'checkout', environment: 'production' });
    expect(block(v, 'service')?.element).toMatchObject({ type: 'plain_text_input', initial_value: 'checkout' });
    expect(block(v, 'deploy_channel')).toBeUndefined();
    expect(block(v, 'approver:qa_lead')?.element?.initial_users).toBeUndefined();
    expect(JSON.parse(v.private_metadata!)).toEqual({ c: 'C0TYPEDIN1' });
  });

  it('with services: a select that dispatches, the environment too; a service and environment fill the form', () => {
    const v = form(setup.team!, { service: 'checkout', environment: 'staging' });
    expect(block(v, 'service')).toMatchObject({
      dispatch_action: true,
      element: { type: 'static_select', action_id: 'start.service', initial_option: { value: 'checkout' } },
    });
    expect(block(v, 'environment')).toMatchObject({ dispatch_action: true, element: { action_id: 'start.service' } });
    expect(block(v, 'service_other')).toBeUndefined();
    expect(block(v, 'deploy_channel')?.element?.initial_conversation).toBe('C0STAGING1');
    expect(block(v, 'announce_channel')?.element?.initial_conversation).toBe('C0ANNOUNCE');
    expect(block(v, 'template')?.element?.initial_option.value).toBe('standard-release');
    expect(block(v, 'approver:qa_lead')?.element?.initial_users).toEqual(['U0QAMEMBR1', 'U0QAMEMBR2']);
  });

  it('each fill gives the filled fields new block ids, so Slack shows the new values', () => {
    const v = form(setup.team!, { service: 'search', environment: 'uat', fill: 3 });
    expect(JSON.parse(v.private_metadata!)).toEqual({ c: 'C0TYPEDIN1', v: 3 });
    expect(block(v, 'template~3')?.element?.initial_option.value).toBe('deployment-task');
    expect(block(v, 'deploy_channel~3')?.element?.initial_conversation).toBe('C0SEARCH01');
    expect(block(v, 'approver:ops_lead~3')?.element?.initial_users).toEqual(['U0OPSLEAD1', 'U0OPSLEAD2']);
    expect(block(v, 'service')).toBeDefined(); // what the deployer typed keeps its block
  });

  it('locked fields are shown as text, not as inputs', () => {
    const v = form(setup.team!, { service: 'checkout', environment: 'production' });
    expect(blocks(v).some((b) => b.block_id?.startsWith('approver:'))).toBe(false);
    expect(texts(v)).toContain('QA Lead: <@U0QAMEMBR1>, <@U0QAMEMBR2>, <@U0QALEAD01> (set by the team configuration)');
  });

  it('free text allowed: a field for another service, prefilled when the command named an unlisted one', () => {
    const team = { ...setup.team!, freeTextServices: true };
    const v = form(team, { service: 'billing' });
    expect(block(v, 'service')).toMatchObject({ optional: true });
    expect(block(v, 'service')?.element?.initial_option).toBeUndefined();
    expect(block(v, 'service_other')?.element).toMatchObject({ type: 'plain_text_input', initial_value: 'billing' });
  });
});
