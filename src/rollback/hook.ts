import type { Deployment, Environment } from '../core/deployment/types.js';
import { callHook, type HookConfig, type HookResult } from '../hooks/call.js';

export { refusedHost } from '../hooks/call.js';

/** The rollback hook's configuration: a hook like any other (`src/hooks/call.ts`). */
export type RollbackHookConfig = HookConfig;

/** The JSON body of the call. */
export interface RollbackHookRequest {
  deployment: string;
  service: string;
  environment: Environment;
  fromVersion: string;
  toVersion: string | null;
  rollbackId: string;
}

/** What came of a call: always one of these, never a throw. */
export type RollbackHookResult = HookResult;

/** The rollback's id, stable for one rollback of one deployment. */
export const rollbackIdOf = (d: Deployment): string => `${d.ref}-rollback-${Math.floor((d.rollback?.started.at ?? 0) / 1000)}`;

export function hookRequestOf(d: Deployment): RollbackHookRequest {
  return {
    deployment: d.ref,
    service: d.service,
    environment: d.environment,
    fromVersion: d.rollback?.fromVersion ?? d.version,
    toVersion: d.rollback?.toVersion ?? null,
    rollbackId: rollbackIdOf(d),
  };
}

export const ROLLBACK_USER_AGENT = 'Liftoff rollback hook';

/** POSTs the rollback to its hook (allowed hosts only, with its timeout, no redirects: see `callHook`). */
export function callRollbackHook(config: RollbackHookConfig, request: RollbackHookRequest, fetchImpl: typeof fetch = fetch): Promise<RollbackHookResult> {
  return callHook(config, request, ROLLBACK_USER_AGENT, fetchImpl);
}
