import type { InputBlock, ModalView } from '@slack/types';
import { describe, expect, it } from 'vitest';
import { ActionId, decodeRef, INPUT_ACTION, ModalField, StartField, ViewId } from '../../src/slack/ids.js';
import { evidenceModal, failStepModal, reasonModal, startModal } from '../../src/slack/views/modals/index.js';
import { hugeTemplate, realisticTemplate, T0 } from './fixtures.js';
import { allTextOf } from './helpers.js';

const templates = [realisticTemplate, hugeTemplate].map((t) => ({ id: t.id, name: t.name, roles: t.approvals }));
const start = (over: Partial<Parameters<typeof startModal>[0]> = {}) =>
  startModal({
    templates,
    templateId: realisticTemplate.id,
    prefill: {},
    deployerId: 'U0DEPLOYER1',
    channelId: 'C0DEPLOYS01',
    now: T0 + 17 * 60_000,
    ...over,
  });
const inputs = (v: ModalView) => v.blocks.filter((b): b is InputBlock => b.type === 'input');
const field = (v: ModalView, id: string) => {
  const b = inputs(v).find((x) => x.block_id === id);
  if (!b) throw new Error(`no input ${id}`);
  return b as InputBlock & { element: Record<string, any> };
};

describe('startModal', () => {
  it('is the start form: title, submit, callback and channel in the metadata', () => {
    const v = start();
    expect(v).toMatchObject({
      type: 'modal',
      callback_id: ViewId.start,
      title: { text: 'Start a deployment' },
      submit: { text: 'Start' },
    });
    expect(JSON.parse(v.private_metadata!)).toEqual({ c: 'C0DEPLOYS01' });
  });

  it('has every field, each with INPUT_ACTION except the template select', () => {
    const v = start();
    expect(inputs(v).map((b) => b.block_id)).toEqual([
      StartField.service,
      StartField.version,
      StartField.environment,
      StartField.type,
      StartField.template,
      StartField.windowStart,
      StartField.windowEnd,
      StartField.deployer,
      ...realisticTemplate.approvals.map((a) => StartField.approver(a.role)),
      StartField.announceChannel,
      StartField.branch,
      StartField.changes,
      StartField.tickets,
    ]);
    for (const b of inputs(v)) {
      expect(b.element.action_id).toBe(
        b.block_id === StartField.template ? ActionId.startTemplateChanged : INPUT_ACTION,
      );
    }
    expect(field(v, StartField.template)).toMatchObject({
      dispatch_action: true,
      element: { type: 'static_select', initial_option: { value: 'standard-release' } },
    });
  });

  it('offers the environments and types the core knows', () => {
    const v = start();
    expect(field(v, StartField.environment).element.options.map((o: any) => [o.text.text, o.value])).toEqual([
      ['Production', 'production'],
      ['Staging', 'staging'],
      ['UAT', 'uat'],
      ['Development', 'development'],
    ]);
    expect(field(v, StartField.type).element.options.map((o: any) => o.value)).toEqual([
      'release',
      'hotfix',
      'rollback',
      'config_update',
    ]);
  });

  it('fills in what the command gave, the user as deployer and the next full hour as window', () => {
    const v = start({ prefill: { service: 'checkout-api', version: '2.14.0', environment: 'staging' } });
    expect(field(v, StartField.service).element.initial_value).toBe('checkout-api');
    expect(field(v, StartField.version).element.initial_value).toBe('2.14.0');
    expect(field(v, StartField.environment).element.initial_option.value).toBe('staging');
    expect(field(v, StartField.deployer).element).toMatchObject({ type: 'users_select', initial_user: 'U0DEPLOYER1' });
    expect(field(v, StartField.windowStart).element).toMatchObject({
      type: 'datetimepicker',
      initial_date_time: (T0 + 3_600_000) / 1000,
    });
    expect(field(v, StartField.windowEnd).element.initial_date_time).toBe((T0 + 7_200_000) / 1000);
  });

  it('asks for approvers per role of the chosen template, optional ones optional', () => {
    const v = start();
    expect(field(v, StartField.approver('qa_lead'))).toMatchObject({
      label: { text: 'QA Lead approval' },
      element: { type: 'multi_users_select' },
    });
    expect(field(v, StartField.approver('qa_lead')).optional).toBeUndefined();
    expect(field(v, StartField.approver('product_owner')).optional).toBe(true);
    const other = start({ templateId: hugeTemplate.id });
    expect(inputs(other).filter((b) => b.block_id!.startsWith('approver:'))).toHaveLength(
      hugeTemplate.approvals.length,
    );
  });

  it('has the optional fields: channel (no bots), branch, changes, tickets with the format hint', () => {
    const v = start();
    expect(field(v, StartField.announceChannel)).toMatchObject({
      optional: true,
      element: { type: 'conversations_select', filter: { include: ['public', 'private'], exclude_bot_users: true } },
    });
    for (const id of [StartField.branch, StartField.changes, StartField.tickets])
      expect(field(v, id).optional).toBe(true);
    expect(field(v, StartField.changes).element.multiline).toBe(true);
    expect(field(v, StartField.tickets).hint?.text).toBe(
      'One ticket per line, like PAY-123: what it changes (a leading # is fine).',
    );
    expect(field(v, StartField.changes).hint?.text).toBe('One change per line.');
    // Who hears what there, and where those notices go without it.
    expect(field(v, StartField.announceChannel).hint?.text).toMatch(
      /start, any issue or rollback, and the end\. Left empty, these notices show in the deploy channel\./,
    );
  });

  it('says where the deployment will live: a thread by default, its own channel when the team configuration says so', () => {
    const thread = allTextOf(start({ fill: { version: 1, deployChannelId: 'C0DEPLOYS01' } }).blocks);
    expect(thread).toContain('Run in');
    expect(thread).toContain('Everything in the thread is visible to the channel.');
    const own = start({ fill: { version: 1, deployChannelId: 'C0DEPLOYS01', location: 'channel' } });
    expect(allTextOf(own.blocks)).toContain('The deployment runs in a channel of its own, created when you start it.');
    expect(allTextOf(own.blocks)).not.toContain('Everything in the thread is visible to the channel.');
    expect(field(own, 'deploy_channel~1').label.text).toBe('Card copy in');
    const locked = allTextOf(
      start({ fill: { version: 1, deployChannelId: 'C0DEPLOYS01', location: 'channel', locked: ['channels'] } }).blocks,
    );
    expect(locked).toContain('Runs in its own channel, with a copy of its card in <#C0DEPLOYS01>');
  });

  it('offers the communication timings as optional number fields, prefilled, their block ids carrying the offer', () => {
    const v = start({
      timings: {
        announcementHoursBefore: 24,
        reminderHoursBefore: 1.5,
        progressEveryMinutes: 30,
        monitoringMinutes: 0,
      },
    });
    const timing = inputs(v).filter((b) => b.block_id!.startsWith('timing:')) as Array<
      InputBlock & { element: Record<string, any> }
    >;
    expect(timing.map((b) => [b.block_id, b.element.type, b.element.initial_value, b.optional])).toEqual([
      ['timing:announcementHoursBefore~24', 'number_input', '24', true],
      ['timing:reminderHoursBefore~1.5', 'number_input', '1.5', true],
      ['timing:progressEveryMinutes~30', 'number_input', '30', true],
      ['timing:monitoringMinutes~0', 'number_input', '0', true],
    ]);
    expect(timing.map((b) => b.element.is_decimal_allowed)).toEqual([true, true, false, false]);
    expect(inputs(start()).some((b) => b.block_id!.startsWith('timing:'))).toBe(false);
  });

  it('shows problems above the form, escaped', () => {
    const v = start({ errors: { [StartField.service]: 'Service <!channel> is required' } });
    expect(allTextOf(v.blocks[0])).toBe('⚠️ Service &lt;!channel&gt; is required');
  });
});

describe('evidenceModal', () => {
  const v = evidenceModal({
    d: 12,
    key: 'pre.code-preparation.tests-passing',
    label: 'Link to test results',
    hint: '[URL]',
    kind: 'url',
    itemText: 'All tests <!here>',
  });

  it('carries the item in its metadata and asks for one field', () => {
    expect(v).toMatchObject({ callback_id: ViewId.evidence, submit: { text: 'Confirm' } });
    expect(decodeRef(v.private_metadata)).toEqual({ d: 12, k: 'pre.code-preparation.tests-passing' });
    expect(inputs(v).map((b) => b.block_id)).toEqual([ModalField.evidence]);
    expect(field(v, ModalField.evidence)).toMatchObject({
      label: { text: 'Link to test results' },
      element: { type: 'url_text_input', action_id: INPUT_ACTION },
    });
    expect(allTextOf(v.blocks)).toContain('*All tests &lt;!here&gt;*');
  });

  it('asks for text when the evidence is text', () => {
    const t = evidenceModal({
      d: 12,
      key: 'k.k',
      label: 'Backup ID',
      hint: '[Details]',
      kind: 'text',
      itemText: 'Backup',
    });
    expect(field(t, ModalField.evidence).element).toMatchObject({
      type: 'plain_text_input',
      max_length: 1000,
      // The seed's blank, shown as a hint, never as raw brackets.
      placeholder: { text: '✎ Details' },
    });
  });
});

describe('reasonModal', () => {
  it.each([
    [ViewId.reject, 'Reject'],
    [ViewId.overrideGate, 'Override'],
    [ViewId.cancel, 'Cancel deployment'],
  ])('%s asks for a reason of at most 1000 characters', (callbackId, submit) => {
    const v = reasonModal({
      callbackId,
      title: 'Override the gate of DEP-123456',
      prompt: 'Why?',
      ref: { d: 12, g: 'start' },
      context: 'checkout <@U1>',
    });
    expect(v).toMatchObject({ callback_id: callbackId, submit: { text: submit } });
    expect(v.title.text.length).toBeLessThanOrEqual(24);
    expect(decodeRef(v.private_metadata)).toEqual({ d: 12, g: 'start' });
    expect(field(v, ModalField.reason).element).toMatchObject({
      type: 'plain_text_input',
      multiline: true,
      max_length: 1000,
      action_id: INPUT_ACTION,
    });
    expect(allTextOf(v.blocks)).toContain('checkout &lt;@U1&gt;');
  });
});

describe('failStepModal', () => {
  it('lists the phase’s steps by key and asks what went wrong', () => {
    const phase = realisticTemplate.phases[1]!;
    const steps = phase.steps.map((item) => ({ key: `phase.${phase.id}.${item.id}`, item }));
    const v = failStepModal({ d: 12, phase, steps });
    expect(v.callback_id).toBe(ViewId.failStep);
    expect(decodeRef(v.private_metadata)).toEqual({ d: 12, p: phase.id });
    expect(field(v, ModalField.step).element.options.map((o: any) => o.value)).toEqual(steps.map((s) => s.key));
    expect(field(v, ModalField.reason).element).toMatchObject({ multiline: true, max_length: 1000 });
  });

  it('uses the step’s index when its key is too long for an option value', () => {
    const phase = hugeTemplate.phases[0]!;
    const steps = phase.steps.map((item) => ({ key: `phase.${phase.id}.${item.id}`, item }));
    expect(steps[0]!.key.length).toBeGreaterThan(75);
    const options = field(failStepModal({ d: 12, phase, steps }), ModalField.step).element.options;
    expect(options.map((o: any) => o.value)).toEqual(steps.map((_, i) => String(i)));
    for (const o of options) expect(o.text.text.length).toBeLessThanOrEqual(75);
  });
});
