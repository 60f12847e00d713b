import type { App, BlockAction, StaticSelectAction, ViewSubmitAction } from '@slack/bolt';
import { parseDeploymentInput, type FieldErrors } from '../../../core/deployment/input.js';
import { ActionId, StartField, ViewId } from '../../ids.js';
import { presentError, tell } from '../../reply.js';
import { startModal } from '../../views/modals/index.js';
import type { ListenerDeps } from '../deps.js';
import { channelOf, dateTimeOf, metadataOf, optionOf, textOf, usersOf, userOf, type ViewValues } from './values.js';

/** Maps an input field to the block that shows its error. */
const BLOCK_OF: Record<string, string> = {
  service: StartField.service,
  version: StartField.version,
  environment: StartField.environment,
  type: StartField.type,
  templateId: StartField.template,
  windowStart: StartField.windowStart,
  windowEnd: StartField.windowEnd,
  deployerId: StartField.deployer,
  announceChannelId: StartField.announceChannel,
  branch: StartField.branch,
  changes: StartField.changes,
  tickets: StartField.tickets,
  channelId: StartField.service,
};

function toBlockErrors(errors: FieldErrors): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [field, message] of Object.entries(errors)) {
    if (!message) continue;
    const block = field.startsWith('approver:') ? field : (BLOCK_OF[field] ?? StartField.service);
    out[block] ??= message.charAt(0).toUpperCase() + message.slice(1);
  }
  return out;
}

export function registerStartView(app: App, deps: ListenerDeps): void {
  const { service, templates, client, clock, logger } = deps;

  app.view<ViewSubmitAction>(ViewId.start, async ({ ack, body, view }) => {
    const user = body.user.id;
    const values = view.state.values as ViewValues;
    const meta = metadataOf(view.private_metadata);
    const channelId = typeof meta?.c === 'string' ? meta.c : '';
    const templateId = optionOf(values, StartField.template) ?? templates.defaultId;
    const plan = templates.get(templateId);
    const roles = plan?.approvals ?? [];
    const parsed = parseDeploymentInput(
      {
        service: textOf(values, StartField.service) ?? '',
        version: textOf(values, StartField.version) ?? '',
        environment: optionOf(values, StartField.environment) as never,
        type: optionOf(values, StartField.type) as never,
        templateId,
        windowStart: dateTimeOf(values, StartField.windowStart) as number,
        windowEnd: dateTimeOf(values, StartField.windowEnd) as number,
        deployerId: userOf(values, StartField.deployer) ?? '',
        approvers: Object.fromEntries(roles.map((r) => [r.role, usersOf(values, StartField.approver(r.role))])),
        channelId,
        announceChannelId: channelOf(values, StartField.announceChannel),
        branch: textOf(values, StartField.branch),
        changes: textOf(values, StartField.changes),
        tickets: textOf(values, StartField.tickets),
      },
      {
        now: clock.now(),
        roles,
        templateIds: templates.all().map((t) => t.id),
        deployerMayApprove: service.policy.deployerMayApprove,
      },
    );
    if (!parsed.ok || !plan) {
      await ack({ response_action: 'errors', errors: parsed.ok ? { [StartField.template]: 'Choose one of the listed templates' } : toBlockErrors(parsed.errors) });
      return;
    }
    const log = logger.child({ user, view: view.id });
    try {
      const { deployment, created } = service.start(parsed.input, plan, user, view.id);
      await ack();
      log.with('info', created ? 'deployment started' : 'repeated submission ignored', { deployment: deployment.ref });
    } catch (error) {
      const answer = presentError(error, log);
      await ack({ response_action: 'errors', errors: { [StartField.service]: answer.text.slice(0, 150) } });
    }
  });

  // Choosing another template redraws the approver fields for its roles; typed values stay.
  app.action<BlockAction<StaticSelectAction>>(ActionId.startTemplateChanged, async ({ ack, body, action }) => {
    await ack();
    const view = body.view;
    if (!view) return;
    const meta = metadataOf(view.private_metadata);
    try {
      await client.views.update({
        view_id: view.id,
        hash: view.hash,
        view: startModal({
          templates: templates.all().map((t) => ({ id: t.id, name: t.name, roles: t.approvals })),
          templateId: templates.get(action.selected_option.value) ? action.selected_option.value : templates.defaultId,
          prefill: {},
          deployerId: body.user.id,
          channelId: typeof meta?.c === 'string' ? meta.c : '',
          now: clock.now(),
        }) as never,
      });
    } catch (error) {
      await tell(client, { user: body.user.id }, presentError(error, logger), logger);
    }
  });
}
