import type { Deployment } from '../core/deployment/types.js';
import { hookOutcomeText, type HookCall, type HookWording } from '../hooks/report.js';
import { hookRequestOf, ROLLBACK_USER_AGENT, type RollbackHookResult } from './hook.js';

/**
 * What follows a rollback's start outside the database: the call to the
 * rollback hook. It is a scheduler job (`rollback_hook`) planned in the
 * rollback's own transaction, like the rollback notices, and called by the
 * scheduler (`src/hooks/jobs.ts`) at most once, after Slack is acknowledged.
 */
const ROLLBACK_HOOK: HookWording = {
  name: 'rollback hook',
  okNote: ' The checklist still needs confirming.',
  what: 'the rollback',
  unknown: 'started anything',
  manual: 'Follow the rollback checklist by hand.',
  recheck: 'Check the pipeline it triggers; if the rollback did not start there, run it by hand (the checklist stays either way).',
};

/** What the thread is told about the hook call: plainly, including failures. */
export const hookResultText = (d: Deployment, r: RollbackHookResult): string => hookOutcomeText(d, r, ROLLBACK_HOOK);

/** The call a rollback's hook job makes. */
export const rollbackHookCall = (d: Deployment): HookCall => ({ wording: ROLLBACK_HOOK, body: hookRequestOf(d), userAgent: ROLLBACK_USER_AGENT });
