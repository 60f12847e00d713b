import type { SlashCommand } from '@slack/bolt';
import { ENVIRONMENT_LABELS, type Environment } from '../../../core/deployment/types.js';
import { slackErrorCode } from '../../errors.js';
import { DomainError } from '../../../core/errors.js';
import { lockLine } from '../../views/locks.js';
import { clip, slackDate } from '../../views/format.js';
import { rollbackModal } from '../../views/modals/rollback.js';
import type { ListenerDeps } from '../deps.js';
import type { DeployCommand } from './parse.js';

type Ack = (answer?: object) => Promise<void>;
type RollbackCommand = Extract<DeployCommand, { kind: 'rollback' | 'lock' | 'unlock' }>;

const ephemeral = (text: string) => ({ response_type: 'ephemeral', text });

/**
 * `/deploy rollback DEP-12` (opens the same confirmation modal as the button),
 * `/deploy lock SERVICE ENV [reason]` and `/deploy unlock SERVICE ENV`.
 * Errors are thrown for the deploy command's one error handler.
 */
export async function runRollbackCommand(
  deps: ListenerDeps,
  command: SlashCommand,
  parsed: RollbackCommand,
  ack: Ack,
): Promise<void> {
  const { rollback, service, client } = deps;
  const user = command.user_id;
  if (parsed.kind === 'rollback') {
    if (!parsed.ref) return ack(ephemeral('Which deployment? For example `/deploy rollback DEP-12`.'));
    const d = service.findByRef(parsed.ref);
    const { deployment, previous } = rollback.prepare(d.id, user);
    await ack();
    await client.views.open({
      trigger_id: command.trigger_id,
      view: rollbackModal({ d: deployment, toVersion: previous?.version ?? null }) as never,
    });
    return;
  }
  if (!parsed.service || !parsed.environment) {
    throw new DomainError(
      'invalid_input',
      `Name the service and the environment, for example \`/deploy ${parsed.kind} checkout production\`.`,
    );
  }
  const where = `${clip(parsed.service, 80)} in ${ENVIRONMENT_LABELS[parsed.environment]}`;
  if (parsed.kind === 'unlock') {
    const released = rollback.unlock(parsed.service, parsed.environment, user);
    await ack(ephemeral(`🔓 ${where} is unlocked: new deployments can start again.`));
    if (released.admin)
      await tellOps(
        deps,
        released,
        `🛡️ <@${user}> (admin) released the lock of ${where} that <@${released.lockedBy}> held: “${clip(released.reason, 300)}”`,
      );
    return;
  }
  const { lock, created, admin } = rollback.lock(parsed.service, parsed.environment, parsed.reason ?? '', user);
  const lapses = lock.expiresAt ? ` It lapses ${slackDate(lock.expiresAt)} unless released sooner.` : '';
  await ack(ephemeral(`${created ? 'Locked.' : 'The reason is updated.'} ${lockLine(lock)}${created ? lapses : ''}`));
  if (admin) await tellOps(deps, lock, `🛡️ <@${user}> (admin) locked ${where}: “${clip(lock.reason, 300)}”`);
}

/** An admin's action on a lock, told to the ops channel of that service's environment (when it has one). */
async function tellOps(
  deps: ListenerDeps,
  lock: { service: string; environment: Environment },
  text: string,
): Promise<void> {
  const channel = deps.team.settingsFor(lock.service, lock.environment)?.opsChannel;
  if (!channel) return;
  try {
    await deps.client.chat.postMessage({ channel, text });
  } catch (error) {
    deps.logger.with('warn', 'could not tell the ops channel about an admin action', { code: slackErrorCode(error) });
  }
}
