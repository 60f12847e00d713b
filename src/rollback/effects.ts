import type { WebClient } from '@slack/web-api';
import type { DeploymentEvent } from '../core/deployment/events.js';
import type { Deployment } from '../core/deployment/types.js';
import { createTracker, hookOutcomeText, reportHookResult, type HookWording } from '../hooks/report.js';
import type { MessageSync } from '../slack/sync.js';
import type { Repositories } from '../storage/index.js';
import type { Logger } from '../support/logger.js';
import { callRollbackHook, hookRequestOf, type RollbackHookLookup, type RollbackHookResult } from './hook.js';

export interface RollbackEffectsDeps {
  client: WebClient;
  repos: Repositories;
  sync: MessageSync;
  logger: Logger;
  hookFor: RollbackHookLookup;
  fetchImpl?: typeof fetch;
}

const ROLLBACK_HOOK: HookWording = {
  name: 'rollback hook',
  okNote: ' The checklist still needs confirming.',
  what: 'the rollback',
  unknown: 'started anything',
  manual: 'Follow the rollback checklist by hand.',
};

/** What the thread is told about the hook call: plainly, including failures. */
export const hookResultText = (d: Deployment, r: RollbackHookResult): string => hookOutcomeText(d, r, ROLLBACK_HOOK);

/**
 * What follows a rollback's start outside the database: the call to the
 * rollback hook, after the change is committed and Slack acknowledged; never
 * throws. The rollback notices (started, completed, failed) are not sent
 * here: they are scheduler jobs planned in the change's own transaction
 * (`planChange`), so a crash between the commit and the post cannot lose them.
 */
export function createRollbackEffects({ client, repos, sync, logger, hookFor, fetchImpl }: RollbackEffectsDeps) {
  const tracker = createTracker(logger, 'rollback follow-up');

  async function callHook(d: Deployment): Promise<void> {
    const config = hookFor(d);
    if (!config) return;
    const result = await callRollbackHook(config, hookRequestOf(d), fetchImpl);
    await reportHookResult({ client, repos, sync, logger }, d, ROLLBACK_HOOK.name, result, hookResultText(d, result));
  }

  return {
    /** Called with every committed change (outside the transaction). */
    onChange(d: Deployment, events: DeploymentEvent[]): void {
      if (events.some((e) => e.type === 'rollback_started')) tracker.track(callHook(d));
    },
    /** Resolves when no follow-up is running (graceful stop, tests). */
    idle: tracker.idle,
  };
}

export type RollbackEffects = ReturnType<typeof createRollbackEffects>;
