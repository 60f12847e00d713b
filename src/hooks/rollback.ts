import type { Deployment, Environment } from '../core/deployment/types.js';
import type { HookCall, HookWording } from './report.js';

/** The JSON body of the rollback hook's call. */
export interface RollbackHookRequest {
  deployment: string;
  service: string;
  environment: Environment;
  fromVersion: string;
  toVersion: string | null;
  rollbackId: string;
}

/** The rollback's id, stable for one rollback of one deployment. */
export const rollbackIdOf = (d: Deployment): string =>
  `${d.ref}-rollback-${Math.floor((d.rollback?.started.at ?? 0) / 1000)}`;

export function rollbackRequestOf(d: Deployment): RollbackHookRequest {
  return {
    deployment: d.ref,
    service: d.service,
    environment: d.environment,
    fromVersion: d.rollback?.fromVersion ?? d.version,
    toVersion: d.rollback?.toVersion ?? null,
    rollbackId: rollbackIdOf(d),
  };
}

const USER_AGENT = 'Liftoff rollback hook';

const WORDING: HookWording = {
  name: 'rollback hook',
  okNote: ' The checklist still needs confirming.',
  what: 'the rollback',
  unknown: 'started anything',
  manual: 'Follow the rollback checklist by hand.',
  recheck:
    'Check the pipeline it triggers; if the rollback did not start there, run it by hand (the checklist stays either way).',
};

/**
 * The call to the rollback hook when a rollback starts (e.g. a CI pipeline
 * trigger): a scheduler job (`rollback_hook`) planned in the rollback's own
 * transaction, called at most once by the scheduler (`src/hooks/jobs.ts`),
 * after Slack is acknowledged.
 */
export const rollbackHookCall = (d: Deployment): HookCall => ({
  wording: WORDING,
  body: rollbackRequestOf(d),
  userAgent: USER_AGENT,
});
