import type { App } from '@slack/bolt';
import type { Deployment } from '../../../core/deployment/types.js';
import { ViewId } from '../../ids.js';
import { presentError, tell, type Where } from '../../reply.js';
import { helpMessage, listMessage, statusMessage, usageMessage } from '../../views/answers.js';
import { reasonModal } from '../../views/modals/index.js';
import { templatesMessage } from '../../views/templates.js';
import type { ListenerDeps } from '../deps.js';
import { startForm } from '../views/start-form.js';
import { parseDeployCommand } from './parse.js';
import { rescheduleModal } from '../../views/modals/reschedule.js';
import { runRollbackCommand } from './rollback.js';
import { runReportCommand } from './report.js';
import { runFreezeCommand } from './freeze.js';
import { withFreezes } from '../../views/calendar.js';
import { withLocks } from '../../views/locks.js';
import { permalinkOf, permalinksOf } from '../permalinks.js';
import { historyMessage } from '../../views/history.js';
import { privateStatusMessage, withHidden } from '../../views/private.js';
import { historySeenBy, seenBy } from '../../../usecases/seen.js';
import { locksSeenBy, releasersFor } from '../seen.js';
import { runStatsCommand } from './stats.js';

/** `/deploy …`: every answer is ephemeral; forms open before any slow work. */
export function registerDeployCommand(app: App, deps: ListenerDeps): void {
  const { service, templates, client, clock, logger } = deps;

  app.command('/deploy', async ({ command, ack, respond }) => {
    const parsed = parseDeployCommand(command.text ?? '');
    const where: Where = { user: command.user_id, channel: command.channel_id, respond };
    const log = logger.child({ user: command.user_id, command: parsed.kind });
    try {
      switch (parsed.kind) {
        case 'help':
          await ack({ response_type: 'ephemeral', ...helpMessage() } as never);
          return;
        case 'unknown':
          await ack({ response_type: 'ephemeral', ...usageMessage(parsed.input) } as never);
          return;
        case 'templates':
          await ack({ response_type: 'ephemeral', ...templatesMessage(templates) } as never);
          return;
        case 'start': {
          await ack();
          await client.views.open({
            trigger_id: command.trigger_id,
            view: startForm(deps, {
              service: parsed.service,
              version: parsed.version,
              environment: parsed.environment,
              deployerId: command.user_id,
              channelId: command.channel_id,
              fill: 0,
              now: clock.now(),
            }) as never,
          });
          return;
        }
        case 'list': {
          await ack();
          // Who may see what from the listing rows; only the snapshots shown are read.
          const { shown, hidden } = await seenBy(deps, command.user_id, service.activeListing());
          const listed = service.shown(shown.slice(0, 20));
          const links = await permalinksOf(deps, listed);
          const items = listed.map((d) => ({ d, link: links.get(d.id) ?? null }));
          await tell(
            client,
            where,
            withFreezes(
              withLocks(
                withHidden(
                  listMessage(items, clock.now()),
                  hidden.map((d) => d.ref),
                ),
                await locksSeenBy(deps, command.user_id, deps.rollback.locks()),
                releasersFor(deps),
              ),
              deps.calendar.freezes(),
              deps.calendar.timeZone,
            ),
            log,
          );
          return;
        }
        case 'history': {
          await ack();
          const visible = await historySeenBy(
            deps,
            command.user_id,
            { service: parsed.service, environment: parsed.environment },
            parsed.page,
          );
          await tell(client, where, historyMessage(visible, await permalinksOf(deps, visible.deployments)), log);
          return;
        }
        case 'stats':
          await runStatsCommand(deps, parsed, ack as never, where, log);
          return;
        case 'report':
          await runReportCommand(deps, parsed.ref, ack as never, where, log);
          return;
        case 'status': {
          if (!parsed.ref) {
            await ack({
              response_type: 'ephemeral',
              text: 'Which deployment? For example `/deploy status DEP-12`.',
            } as never);
            return;
          }
          const d = service.findByRef(parsed.ref);
          await ack();
          if ((await seenBy(deps, command.user_id, [d])).hidden.length) {
            await tell(client, where, privateStatusMessage(d.ref), log);
            return;
          }
          const lock = deps.rollback.lockOf(d.service, d.environment);
          await tell(
            client,
            where,
            withLocks(
              statusMessage(d, await permalinkOf(deps, d), clock.now()),
              await locksSeenBy(deps, command.user_id, lock ? [lock] : []),
              releasersFor(deps),
            ),
            log,
          );
          return;
        }
        case 'freeze':
        case 'unfreeze':
          await runFreezeCommand(deps, command, parsed, ack as never);
          return;
        case 'rollback':
        case 'lock':
        case 'unlock':
          await runRollbackCommand(deps, command, parsed, ack as never);
          return;
        case 'reschedule': {
          if (!parsed.ref) {
            await ack({
              response_type: 'ephemeral',
              text: 'Which deployment? For example `/deploy reschedule DEP-12`.',
            } as never);
            return;
          }
          const d = service.findByRef(parsed.ref);
          // Refuses at once (not the deployer, already started) before the form opens.
          service.mayOpen(d.id, { type: 'reschedule' }, command.user_id);
          await ack();
          await client.views.open({ trigger_id: command.trigger_id, view: rescheduleModal(d, clock.now()) as never });
          return;
        }
        case 'cancel': {
          if (!parsed.ref) {
            await ack({
              response_type: 'ephemeral',
              text: 'Which deployment? For example `/deploy cancel DEP-12 window moved`.',
            } as never);
            return;
          }
          const d = service.findByRef(parsed.ref);
          if (parsed.reason) {
            service.act(d.id, { type: 'cancel', reason: parsed.reason }, command.user_id);
            await ack({
              response_type: 'ephemeral',
              text: `${d.ref} is cancelled. Everyone following it can see why.`,
            } as never);
            return;
          }
          service.mayOpen(d.id, { type: 'cancel' }, command.user_id);
          await ack();
          await client.views.open({ trigger_id: command.trigger_id, view: cancelModal(d) as never });
          return;
        }
      }
    } catch (error) {
      const answer = presentError(error, log);
      try {
        await ack({ response_type: 'ephemeral', ...answer } as never);
      } catch {
        // Already acknowledged: answer another way.
        await tell(client, where, answer, log);
      }
    }
  });
}

const cancelModal = (d: Deployment) =>
  reasonModal({
    callbackId: ViewId.cancel,
    title: `Cancel ${d.ref}`,
    prompt: 'Why is it cancelled?',
    ref: { d: d.id },
    context: `${d.service} ${d.version}: everyone following the deployment will see the reason.`,
  });
