import type { SlashCommand } from '@slack/bolt';
import { DomainError } from '../../../core/errors.js';
import { slackErrorCode } from '../../errors.js';
import { freezeAnnouncement, freezeAnswer } from '../../views/calendar.js';
import type { ListenerDeps } from '../deps.js';
import type { DeployCommand } from './parse.js';

type Ack = (answer?: object) => Promise<void>;
type FreezeCommand = Extract<DeployCommand, { kind: 'freeze' | 'unfreeze' }>;

/**
 * `/deploy freeze ENV [until DATE [HH:MM]] REASON` and `/deploy unfreeze ENV`: the calendar use case decides
 * (who may, the date, the reason); the person is answered, and the ops channels of the environment are told.
 * Errors are thrown for the deploy command's one error handler.
 */
export async function runFreezeCommand(
  deps: ListenerDeps,
  command: SlashCommand,
  parsed: FreezeCommand,
  ack: Ack,
): Promise<void> {
  if (!parsed.environment)
    throw new DomainError(
      'invalid_input',
      `Name the environment, for example \`/deploy ${parsed.kind === 'freeze' ? 'freeze production until 2027-01-05 quarter end' : 'unfreeze production'}\`.`,
    );
  const user = command.user_id;
  const lifted = parsed.kind === 'unfreeze';
  const outcome = lifted
    ? deps.calendar.unfreeze(parsed.environment, user)
    : deps.calendar.freeze(parsed.environment, parsed.until, parsed.reason, user);
  await ack({ response_type: 'ephemeral', text: freezeAnswer(outcome, lifted) });
  const text = freezeAnnouncement(outcome, user, lifted);
  for (const channel of opsChannelsOf(deps, parsed.environment)) {
    try {
      await deps.client.chat.postMessage({ channel, text });
    } catch (error) {
      deps.logger.with('warn', 'could not tell the ops channel about a freeze', { code: slackErrorCode(error) });
    }
  }
}

/** Every ops channel the team configuration names for the environment (its services', or the defaults'), once. */
function opsChannelsOf(deps: ListenerDeps, environment: NonNullable<FreezeCommand['environment']>): string[] {
  const channels = new Set<string>();
  for (const service of ['', ...deps.team.services]) {
    const ops = deps.team.settingsFor(service, environment)?.opsChannel;
    if (ops) channels.add(ops);
  }
  return [...channels];
}
