import type { App, BlockAction, StaticSelectAction, ViewSubmitAction } from '@slack/bolt';
import type { FieldErrors } from '../../../core/deployment/input.js';
import { ActionId, StartField, ViewId } from '../../ids.js';
import { presentError, tell } from '../../reply.js';
import { slackErrorCode } from '../../errors.js';
import { clip } from '../../views/format.js';
import { overlapWarning } from '../../views/calendar.js';
import { ENVIRONMENT_LABELS } from '../../../core/deployment/types.js';
import { typedTimings } from './start-checks.js';
import { findTimingBlock } from '../../views/modals/start-timings.js';
import { TIMING_FIELDS } from '../../../core/deployment/input-timings.js';
import type { ApprovalRole } from '../../../core/template/schema.js';
import { filledBlock } from '../../views/modals/start.js';
import { isEnvironment, settingsOf, startForm } from './start-form.js';
import type { ListenerDeps } from '../deps.js';
import { hiddenLockLine } from '../../views/locks.js';
import { locksSeenBy, releasersFor } from '../seen.js';
import type { StartRequest } from '../../../usecases/start.js';
import { channelOf, dateTimeOf, metadataOf, optionOf, textOf, usersOf, userOf, type ViewValues } from './values.js';

/** Maps an input field to the block that shows its error (`at` gives a filled field its block id). */
function blockOf(field: string, at: (id: string) => string, shown: Set<string>): string {
  const block: Record<string, string> = {
    service: StartField.service,
    version: StartField.version,
    environment: StartField.environment,
    type: StartField.type,
    templateId: at(StartField.template),
    windowStart: StartField.windowStart,
    windowEnd: StartField.windowEnd,
    deployerId: StartField.deployer,
    announceChannelId: at(StartField.announceChannel),
    branch: StartField.branch,
    changes: StartField.changes,
    tickets: StartField.tickets,
    emergency: StartField.emergency,
    channelId: at(StartField.deployChannel),
  };
  const timing = TIMING_FIELDS.find((f) => field === `timing:${f}`);
  const id = field.startsWith('approver:') ? at(field) : timing ? findTimingBlock(timing, shown) : block[field];
  // A field the configuration locked is not in the form: its error shows under the service.
  return id && shown.has(id) ? id : StartField.service;
}

function toBlockErrors(
  errors: FieldErrors,
  at: (id: string) => string,
  shown: Set<string>,
  roles: ApprovalRole[],
  asWritten = false,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [field, message] of Object.entries(errors)) {
    if (!message) continue;
    const block = blockOf(field, at, shown);
    const role =
      field.startsWith('approver:') && block === StartField.service
        ? roles.find((r) => `approver:${r.role}` === field)
        : undefined;
    const text = role ? `${role.label} (team configuration): ${message}` : message;
    out[block] ??= asWritten ? text : text.charAt(0).toUpperCase() + text.slice(1);
  }
  return out;
}

/**
 * The form's values with the choice just made, and each select's initial option where the
 * state does not give it (a field nobody touched shows its initial option).
 */
function withChoice(
  state: ViewValues,
  blocks: ReadonlyArray<{ block_id?: string; element?: unknown }>,
  changed?: { blockId: string; value: string },
): ViewValues {
  const values: ViewValues = { ...state };
  for (const id of [StartField.service, StartField.environment]) {
    if (optionOf(values, id)) continue;
    const element = blocks.find((b) => b.block_id === id)?.element as
      | { initial_option?: { value?: string } }
      | undefined;
    const initial = element?.initial_option?.value;
    if (initial) values[id] = { value: { type: 'static_select', selected_option: { value: initial } } };
  }
  if (changed)
    values[changed.blockId] = { value: { type: 'static_select', selected_option: { value: changed.value } } };
  return values;
}

/** Role → the people picked in each approver field the form shows (in its current fill). */
function approversOf(values: ViewValues, shown: Set<string>, fill: number): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const prefix = StartField.approver('');
  for (const id of shown) {
    if (!id.startsWith(prefix) || id !== filledBlock(id.replace(/~\d+$/, ''), fill)) continue;
    out[id.slice(prefix.length).replace(/~\d+$/, '')] = usersOf(values, id);
  }
  return out;
}

/** The service the form names: the other-service field when filled, else the select (or the text field). */
const serviceOf = (values: ViewValues) =>
  textOf(values, StartField.otherService)?.trim() ||
  optionOf(values, StartField.service) ||
  textOf(values, StartField.service) ||
  '';

export function registerStartView(app: App, deps: ListenerDeps): void {
  const { starts, team, client, clock, logger, access, durability } = deps;

  app.view<ViewSubmitAction>(ViewId.start, async ({ ack, body, view }) => {
    const user = body.user.id;
    const values = view.state.values as ViewValues;
    const meta = metadataOf(view.private_metadata);
    const fill = typeof meta?.v === 'number' ? meta.v : 0;
    const at = (id: string) => filledBlock(id, fill);
    const shown = new Set(view.blocks.map((b) => b.block_id).filter((id): id is string => !!id));
    const log = logger.child({ user, view: view.id });
    try {
      // The form only translates: the start use case resolves it against the team configuration and decides.
      const request: StartRequest = {
        service: serviceOf(values),
        version: textOf(values, StartField.version) ?? '',
        environment: optionOf(values, StartField.environment),
        type: optionOf(values, StartField.type),
        templateId: optionOf(values, at(StartField.template)),
        windowStart: dateTimeOf(values, StartField.windowStart),
        windowEnd: dateTimeOf(values, StartField.windowEnd),
        deployerId: userOf(values, StartField.deployer) ?? '',
        approvers: approversOf(values, shown, fill),
        channelId: channelOf(values, at(StartField.deployChannel)),
        requestChannelId: typeof meta?.c === 'string' ? meta.c : '',
        announceChannelId: channelOf(values, at(StartField.announceChannel)),
        branch: textOf(values, StartField.branch),
        changes: textOf(values, StartField.changes),
        tickets: textOf(values, StartField.tickets),
        timings: typedTimings(values, shown),
        emergency: textOf(values, StartField.emergency),
      };
      // A chosen announcement channel is taken only for a deployment in a public channel: Slack says which it is.
      if (request.announceChannelId) request.deployChannelKind = await access.kindOf(starts.deployChannelOf(request));
      // The modal closes with the acknowledgement (that tells the person it is accepted): once it is on disk.
      const outcome = await durability.synced(() => starts.start(request, user, view.id));
      if (!outcome.ok) {
        // A lock of a deployment in a private channel the submitter is not in: only that it is locked, and who can release it.
        const [lock] = outcome.lock ? await locksSeenBy(deps, user, [outcome.lock]) : [];
        if (lock?.hidden) outcome.errors.service = `${hiddenLockLine(lock)} Released by ${releasersFor(deps)(lock)}.`;
        await ack({
          response_action: 'errors',
          errors: toBlockErrors(outcome.errors, at, shown, outcome.roles, !!outcome.refused),
        });
        if (outcome.refused === 'not_allowed')
          log.with('info', 'start refused', { reason: Object.values(outcome.errors)[0] });
        return;
      }
      await ack();
      const d = outcome.deployment;
      // A window that overlaps another deployment of the same service and environment is flagged to its submitter, not refused.
      if (outcome.created && outcome.overlapping.length)
        await tell(client, { user, channel: d.channelId }, overlapWarning(d, outcome.overlapping), log);
      log.with('info', outcome.created ? 'deployment started' : 'repeated submission ignored', { deployment: d.ref });
      // Someone named as another person's deployer is told, by DM (chat.postMessage to their user id).
      if (outcome.created && d.deployerId !== user) {
        const text = `🚀 <@${user}> named you the deployer of ${d.ref}, ${clip(d.service, 80)} ${clip(d.version, 64)} → ${ENVIRONMENT_LABELS[d.environment]}. Follow it in <#${d.channelId}>.`;
        await client.chat
          .postMessage({ channel: d.deployerId, text })
          .catch((error: unknown) =>
            log.with('warn', 'could not tell the named deployer', { code: slackErrorCode(error) }),
          );
      }
    } catch (error) {
      const answer = presentError(error, log);
      await ack({ response_action: 'errors', errors: { [StartField.service]: answer.text.slice(0, 150) } });
    }
  });

  /** Draws the form again from what it shows now; `refill` applies the configuration of the chosen service again. */
  async function redraw(
    body: BlockAction,
    o: { templateId?: string; refill: boolean; changed?: { blockId: string; value: string } },
  ) {
    const view = body.view;
    if (!view) return;
    const meta = metadataOf(view.private_metadata);
    const fill = typeof meta?.v === 'number' ? meta.v : 0;
    const values = withChoice(view.state.values as ViewValues, view.blocks, o.changed);
    const serviceName = serviceOf(values) || undefined;
    const env = optionOf(values, StartField.environment);
    const environment = isEnvironment(env) ? env : undefined;
    const current = optionOf(values, filledBlock(StartField.template, fill));
    const configured = settingsOf(team, serviceName, environment)?.templateId;
    try {
      await client.views.update({
        view_id: view.id,
        hash: view.hash,
        view: startForm(deps, {
          service: serviceName,
          version: textOf(values, StartField.version) ?? undefined,
          environment,
          templateId: o.templateId ?? (o.refill && configured ? undefined : current),
          deployerId: userOf(values, StartField.deployer) ?? body.user.id,
          channelId: typeof meta?.c === 'string' ? meta.c : '',
          fill: o.refill ? fill + 1 : fill,
          now: clock.now(),
        }) as never,
      });
    } catch (error) {
      await tell(client, { user: body.user.id }, presentError(error, logger), logger);
    }
  }

  // Choosing another template redraws the approver fields for its roles; typed values stay.
  app.action<BlockAction<StaticSelectAction>>(ActionId.startTemplateChanged, async ({ ack, body, action }) => {
    await ack();
    await redraw(body, { templateId: action.selected_option.value, refill: false });
  });

  // Choosing a configured service (or another environment) fills in what the team configured for it.
  app.action<BlockAction<StaticSelectAction>>(ActionId.startServiceChanged, async ({ ack, body, action }) => {
    await ack();
    await redraw(body, { refill: true, changed: { blockId: action.block_id, value: action.selected_option.value } });
  });
}
