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
import { clip, hinted, plainHinted } from '../format.js';
import { escapeMrkdwn } from '../../../core/text.js';
import { input, option, textInput } from './inputs.js';
import { timingFields } from './start-timings.js';
import type { TimingOverrides } from '../../../core/deployment/types.js';

/** What the team configuration fills in for the chosen service and environment. */
export interface StartFill {
  /**
   * Bumped on each fill: the filled fields get new block ids (`template~2`), because
   * Slack keeps what a field showed across views.update when its block id stays.
   */
  version: number;
  approvers?: Record<string, string[]>;
  deployChannelId?: string | null;
  announceChannelId?: string | null;
  /** Fields the deployer may not change: shown as text, taken from the configuration. */
  locked?: ReadonlyArray<'template' | 'approvers' | 'channels'>;
  /** `channel`: the deployment gets a dedicated channel; the deploy channel shows a copy of its card. */
  location?: 'thread' | 'channel';
}

/** The block id of a field the configuration fills, in fill `version`. */
export const filledBlock = (blockId: string, version: number) => (version > 0 ? `${blockId}~${version}` : blockId);

export interface StartModalInput {
  /** Configured services: the service becomes a select; `freeText` adds a field for another one. */
  services?: { names: string[]; freeText: boolean };
  fill?: StartFill;
  templates: Array<{ id: string; name: string; roles: ApprovalRole[] }>;
  /** The template whose approval roles get a field; the first one when unknown. */
  templateId: string;
  prefill: { service?: string | undefined; version?: string | undefined; environment?: Environment | undefined };
  deployerId: string;
  channelId: string;
  now: number;
  /** The communication timings the deployment gets unless the deployer changes them (shown as fields). */
  timings?: Required<TimingOverrides>;
  /**
   * Where a deploy calendar is in use: what it says about the chosen environment (its hours, a freeze),
   * and the emergency field.
   */
  calendar?: { note: string | null };
  /** Problems to show above the form when it is drawn again: messages, or block id → message. */
  errors?: string[] | Record<string, string>;
}

const HOUR = 3_600_000;
const MAX_APPROVERS = 30;

/** What the deploy calendar says about the environment, and the field to deploy outside it as an emergency. */
const calendarFields = (note: string | null): KnownBlock[] => [
  ...(note ? [context(`🗓️ ${clip(note, 2900)}`)] : []),
  input(
    StartField.emergency,
    'Emergency (outside the calendar)',
    textInput({ maxLength: 1000, placeholder: 'Payments fail for every card: the fix cannot wait' }),
    {
      optional: true,
      hint: 'Only when the window is outside the allowed hours or in a freeze and cannot wait: say why. It then waits for a second person (an approver other than the deployer, or an admin) to grant it, and is flagged as an emergency.',
    },
  ),
];

/** A text field, or with configured services a select (and, when allowed, a field for another one). */
function serviceFields(services: StartModalInput['services'], initial: string | undefined): KnownBlock[] {
  if (!services)
    return [input(StartField.service, 'Service', textInput({ initial, maxLength: 80, placeholder: 'checkout-api' }))];
  const options = services.names.slice(0, 100).map((n) => option(n, n));
  const selected = options.find((o) => o.value === initial);
  const other = !selected && initial && services.freeText ? initial : undefined;
  const fields: KnownBlock[] = [
    input(
      StartField.service,
      'Service',
      {
        type: 'static_select',
        action_id: ActionId.startServiceChanged,
        options,
        placeholder: plain('Choose a service'),
        ...(selected ? { initial_option: selected } : {}),
      },
      {
        dispatch: true,
        optional: services.freeText,
        hint: 'Fills in the channels, the template and the approvers the team configured.',
      },
    ),
  ];
  if (services.freeText) {
    fields.push(
      input(
        StartField.otherService,
        'Or another service',
        textInput({ initial: other, maxLength: 80, placeholder: 'billing-worker' }),
        { optional: true },
      ),
    );
  }
  return fields;
}

/** The form behind `/deploy start`. Block ids come from StartField; values are read by listeners/views/start.ts. */
export function startModal({
  templates,
  templateId,
  prefill,
  deployerId,
  channelId,
  now,
  errors = [],
  services,
  fill,
  timings,
  calendar,
}: StartModalInput): ModalView {
  const v = fill?.version ?? 0;
  const locked = new Set(fill?.locked ?? []);
  const at = (blockId: string) => filledBlock(blockId, v);
  const shown = templates.slice(0, 100);
  const chosen = shown.find((t) => t.id === templateId) ?? shown[0];
  const windowStart = Math.floor(now / HOUR) * HOUR + HOUR;
  const environments = ENVIRONMENTS.map((e) => option(ENVIRONMENT_LABELS[e], e));
  const types = DEPLOYMENT_TYPES.map((t) => option(DEPLOYMENT_TYPE_LABELS[t], t));
  const templateOptions = shown.map((t) => option(plainHinted(t.name), t.id));
  const chosenOption = templateOptions.find((o) => o.value === chosen?.id);

  const blocks: KnownBlock[] = [];
  const problems = Array.isArray(errors) ? errors : Object.values(errors);
  if (problems.length)
    blocks.push(
      section(
        problems
          .slice(0, 10)
          .map((e) => `⚠️ ${clip(e, 280)}`)
          .join('\n'),
      ),
    );
  blocks.push(...serviceFields(services, prefill.service));
  blocks.push(
    input(StartField.version, 'Version', textInput({ initial: prefill.version, maxLength: 64, placeholder: '2.14.0' })),
    input(
      StartField.environment,
      'Environment',
      {
        type: 'static_select',
        options: environments,
        placeholder: plain('Choose an environment'),
        ...(prefill.environment ? { initial_option: environments[ENVIRONMENTS.indexOf(prefill.environment)]! } : {}),
        // With configured services, the environment chooses their settings too.
        ...(services ? { action_id: ActionId.startServiceChanged } : {}),
      },
      services ? { dispatch: true } : {},
    ),
    input(StartField.type, 'Type', { type: 'static_select', options: types, initial_option: types[0]! }),
    locked.has('template') && chosen
      ? context(`Template: *${hinted(escapeMrkdwn(chosen.name))}* (set by the team configuration)`)
      : input(
          at(StartField.template),
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
    input(StartField.windowEnd, 'Window ends', {
      type: 'datetimepicker',
      initial_date_time: (windowStart + HOUR) / 1000,
    }),
    ...(calendar ? calendarFields(calendar.note) : []),
    input(StartField.deployer, 'Deployer', { type: 'users_select', initial_user: deployerId }),
  );
  const ownChannel = fill?.location === 'channel';
  if (fill?.deployChannelId) {
    blocks.push(
      locked.has('channels')
        ? context(
            ownChannel
              ? `Runs in its own channel, with a copy of its card in <#${fill.deployChannelId}> (set by the team configuration)`
              : `Runs in <#${fill.deployChannelId}> (set by the team configuration)`,
          )
        : input(
            at(StartField.deployChannel),
            ownChannel ? 'Card copy in' : 'Run in',
            {
              type: 'conversations_select',
              initial_conversation: fill.deployChannelId,
              filter: { include: ['public', 'private'], exclude_bot_users: true },
            },
            {
              hint: ownChannel
                ? 'The deployment gets its own channel (the deployer and approvers are invited); this channel shows a copy of its card.'
                : 'The channel of the deployment message and its thread.',
            },
          ),
    );
  }
  for (const role of chosen?.roles ?? []) {
    const named = (fill?.approvers?.[role.role] ?? []).slice(0, MAX_APPROVERS);
    const label = plainHinted(role.label); // a blank the template left (`[Role]`) never shows raw
    if (locked.has('approvers')) {
      blocks.push(
        context(
          `${hinted(clip(role.label, 200))}: ${named.length ? named.map((u) => `<@${u}>`).join(', ') : 'nobody'} (set by the team configuration)`,
        ),
      );
      continue;
    }
    blocks.push(
      input(
        at(StartField.approver(role.role)),
        `${label} approval`,
        {
          type: 'multi_users_select',
          max_selected_items: Math.max(5, named.length),
          placeholder: plain('Choose who may sign'),
          ...(named.length ? { initial_users: named } : {}),
        },
        {
          optional: !role.required,
          hint: role.required
            ? `Any one of them can approve as ${label}.`
            : `Optional: name someone only if a ${label} approval is wanted.`,
        },
      ),
    );
  }
  blocks.push(
    locked.has('channels') && fill
      ? context(
          fill.announceChannelId
            ? `Announced in <#${fill.announceChannelId}> (set by the team configuration)`
            : 'No announcement channel (set by the team configuration)',
        )
      : input(
          at(StartField.announceChannel),
          'Announce in',
          {
            type: 'conversations_select',
            filter: { include: ['public', 'private'], exclude_bot_users: true },
            ...(fill?.announceChannelId ? { initial_conversation: fill.announceChannelId } : {}),
          },
          {
            optional: true,
            hint: 'Stakeholders there hear of the start, any issue or rollback, and the end. Left empty, these notices show in the deploy channel.',
          },
        ),
    input(StartField.branch, 'Branch', textInput({ maxLength: 200, placeholder: 'release/2.14' }), { optional: true }),
    input(
      StartField.changes,
      'Changes',
      textInput({ multiline: true, maxLength: 3000, placeholder: 'Retry failed card captures' }),
      {
        optional: true,
        hint: 'One change per line.',
      },
    ),
    input(
      StartField.tickets,
      'Tickets',
      textInput({ multiline: true, maxLength: 3000, placeholder: 'PAY-123: Retry failed card captures' }),
      {
        optional: true,
        hint: 'One ticket per line, like PAY-123: what it changes (a leading # is fine).',
      },
    ),
    ...(timings ? timingFields(timings) : []),
    context(
      ownChannel
        ? 'The deployment runs in a channel of its own, created when you start it. Approvers are asked there.'
        : 'Everything in the thread is visible to the channel. Approvers are asked in the thread.',
    ),
  );
  return {
    type: 'modal',
    callback_id: ViewId.start,
    title: plain('Start a deployment', 24),
    submit: plain('Start', 24),
    close: plain('Cancel', 24),
    private_metadata: JSON.stringify(v ? { c: channelId, v } : { c: channelId }),
    blocks,
  };
}
