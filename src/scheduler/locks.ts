import type { WebClient } from '@slack/web-api';
import type { TeamConfig } from '../config/team.js';
import type { Clock } from '../core/clock.js';
import { ENVIRONMENT_LABELS } from '../core/deployment/types.js';
import { slackErrorCode } from '../slack/errors.js';
import { clip, slackDate } from '../slack/views/format.js';
import type { Lock } from '../storage/locks.js';
import type { Logger } from '../support/logger.js';
import type { RollbackService } from '../usecases/rollback.js';

export interface LockKeeperDeps {
  rollback: Pick<RollbackService, 'lapse'>;
  team: Pick<TeamConfig, 'settingsFor'>;
  client: WebClient;
  clock: Clock;
  logger: Logger;
}

const where = (l: Lock) => `${clip(l.service, 80)} in ${ENVIRONMENT_LABELS[l.environment]}`;

/**
 * Hand locks lapse on their own: each tick releases those past their expiry
 * (the holder is told, and the ops channel when the service's environment has
 * one) and reminds holders whose lock lapses soon. The database marks each
 * first (released, reminded): a message is sent at most once.
 */
export function createLockKeeper({ rollback, team, client, clock, logger }: LockKeeperDeps) {
  const post = async (channel: string, text: string) => {
    try {
      await client.chat.postMessage({ channel, text });
    } catch (error) {
      logger.with('warn', 'could not post a lock notice', { code: slackErrorCode(error) });
    }
  };
  return {
    async tick(): Promise<void> {
      const { lapsed, remind } = rollback.lapse(clock.now());
      for (const l of remind) {
        await post(
          l.lockedBy,
          `⏳ Your lock of ${where(l)} (“${clip(l.reason, 200)}”) lapses ${slackDate(l.expiresAt!)}. To keep it, lock it again with \`/deploy lock ${l.service} ${l.environment} REASON\` once it lapses; release it sooner with \`/deploy unlock ${l.service} ${l.environment}\`.`,
        );
      }
      for (const l of lapsed) {
        const text = `🔓 The lock of ${where(l)} by <@${l.lockedBy}> (“${clip(l.reason, 200)}”) lapsed: new deployments can start again.`;
        await post(l.lockedBy, text);
        const ops = team.settingsFor(l.service, l.environment)?.opsChannel;
        if (ops) await post(ops, text);
      }
    },
  };
}
