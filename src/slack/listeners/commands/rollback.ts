import type { SlashCommand } from '@slack/bolt';
import { ENVIRONMENT_LABELS } from '../../../core/deployment/types.js';
import { DomainError } from '../../../core/errors.js';
import { lockLine } from '../../views/locks.js';
import { clip } from '../../views/format.js';
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
export async function runRollbackCommand(deps: ListenerDeps, command: SlashCommand, parsed: RollbackCommand, ack: Ack): Promise<void> {
  const { rollback, service, client } = deps;
  const user = command.user_id;
  if (parsed.kind === 'rollback') {
    if (!parsed.ref) return ack(ephemeral('Which deployment? For example `/deploy rollback DEP-12`.'));
    const d = service.findByRef(parsed.ref);
    const { deployment, previous } = rollback.prepare(d.id, user);
    await ack();
    await client.views.open({ trigger_id: command.trigger_id, view: rollbackModal({ d: deployment, toVersion: previous?.version ?? null }) as never });
    return;
  }
  if (!parsed.service || !parsed.environment) {
    throw new DomainError('invalid_input', `Name the service and the environment, for example \`/deploy ${parsed.kind} checkout production\`.`);
  }
  const where = `${clip(parsed.service, 80)} in ${ENVIRONMENT_LABELS[parsed.environment]}`;
  if (parsed.kind === 'unlock') {
    rollback.unlock(parsed.service, parsed.environment, user);
    return ack(ephemeral(`🔓 ${where} is unlocked: new deployments can start again.`));
  }
  const { lock, created } = rollback.lock(parsed.service, parsed.environment, parsed.reason ?? 'Locked by hand', user);
  return ack(ephemeral(`${created ? 'Locked.' : 'The reason is updated.'} ${lockLine(lock)}`));
}
