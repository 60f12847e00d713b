import type { KnownBlock, ModalView } from '@slack/types';
import {
  DEPLOYMENT_TYPE_LABELS,
  DEPLOYMENT_TYPES,
  ENVIRONMENT_LABELS,
  ENVIRONMENTS,
  type Environment,
} from '../../../core/deployment/types.js';
import type { ApprovalRole } from '../../../core/template/schema.js';
import { ActionId, StartField, ViewId } from '../../ids.js';
import { context, plain, section } from '../blocks.js';
import { clip } from '../format.js';
import { input, option, textInput } from './inputs.js';

export interface StartModalInput {
  templates: Array<{ id: string; name: string; roles: ApprovalRole[] }>;
  /** The template whose approval roles get a field; the first one when unknown. */
  templateId: string;
  prefill: { service?: string | undefined; version?: string | undefined; environment?: Environment | undefined };
  deployerId: string;
  channelId: string;
  now: number;
  /** Problems to show above the form when it is drawn again: messages, or block id → message. */
  errors?: string[] | Record<string, string>;
}

const HOUR = 3_600_000;

/** The form behind `/deploy start`. Block ids come from StartField; values are read by listeners/views/start.ts. */
export function startModal({ templates, templateId, prefill, deployerId, channelId, now, errors = [] }: StartModalInput): ModalView {
  const shown = templates.slice(0, 100);
  const chosen = shown.find((t) => t.id === templateId) ?? shown[0];
  const windowStart = Math.floor(now / HOUR) * HOUR + HOUR;
  const environments = ENVIRONMENTS.map((e) => option(ENVIRONMENT_LABELS[e], e));
  const types = DEPLOYMENT_TYPES.map((t) => option(DEPLOYMENT_TYPE_LABELS[t], t));
  const templateOptions = shown.map((t) => option(t.name, t.id));
  const chosenOption = templateOptions.find((o) => o.value === chosen?.id);

  const blocks: KnownBlock[] = [];
  const problems = Array.isArray(errors) ? errors : Object.values(errors);
  if (problems.length) blocks.push(section(problems.slice(0, 10).map((e) => `⚠️ ${clip(e, 280)}`).join('\n')));
  blocks.push(
    input(StartField.service, 'Service', textInput({ initial: prefill.service, maxLength: 80, placeholder: 'checkout-api' })),
    input(StartField.version, 'Version', textInput({ initial: prefill.version, maxLength: 64, placeholder: '2.14.0' })),
    input(StartField.environment, 'Environment', {
      type: 'static_select',
      options: environments,
      placeholder: plain('Choose an environment'),
      ...(prefill.environment ? { initial_option: environments[ENVIRONMENTS.indexOf(prefill.environment)]! } : {}),
    }),
    input(StartField.type, 'Type', { type: 'static_select', options: types, initial_option: types[0]! }),
    input(
      StartField.template,
      'Template',
      {
        type: 'static_select',
        action_id: ActionId.startTemplateChanged,
        options: templateOptions,
        ...(chosenOption ? { initial_option: chosenOption } : {}),
      },
      { dispatch: true, hint: 'The checklist and approvals the deployment follows.' },
    ),
    input(StartField.windowStart, 'Window starts', { type: 'datetimepicker', initial_date_time: windowStart / 1000 }),
    input(StartField.windowEnd, 'Window ends', { type: 'datetimepicker', initial_date_time: (windowStart + HOUR) / 1000 }),
    input(StartField.deployer, 'Deployer', { type: 'users_select', initial_user: deployerId }),
  );
  for (const role of chosen?.roles ?? []) {
    blocks.push(
      input(
        StartField.approver(role.role),
        `${role.label} approval`,
        { type: 'multi_users_select', max_selected_items: 5, placeholder: plain('Choose who may sign') },
        {
          optional: !role.required,
          hint: role.required
            ? `Any one of them can approve as ${role.label}.`
            : `Optional: name someone only if a ${role.label} approval is wanted.`,
        },
      ),
    );
  }
  blocks.push(
    input(
      StartField.announceChannel,
      'Announce in',
      { type: 'conversations_select', filter: { include: ['public', 'private'], exclude_bot_users: true } },
      { optional: true, hint: 'A channel to tell about the start and the end, besides this one.' },
    ),
    input(StartField.branch, 'Branch', textInput({ maxLength: 200, placeholder: 'release/2.14' }), { optional: true }),
    input(StartField.changes, 'Changes', textInput({ multiline: true, maxLength: 3000, placeholder: 'One change per line' }), {
      optional: true,
      hint: 'One per line.',
    }),
    input(StartField.tickets, 'Tickets', textInput({ multiline: true, maxLength: 3000, placeholder: 'PAY-123: Retry failed card captures' }), {
      optional: true,
      hint: '#TICKET-1: description, one per line',
    }),
    context('Everything in the thread is visible to the channel. Approvers are asked in the thread.'),
  );
  return {
    type: 'modal',
    callback_id: ViewId.start,
    title: plain('Start a deployment', 24),
    submit: plain('Start', 24),
    close: plain('Cancel', 24),
    private_metadata: JSON.stringify({ c: channelId }),
    blocks,
  };
}
