import type { WebClient } from '@slack/web-api';
import type { DeploymentEvent } from '../core/deployment/events.js';
import { ENVIRONMENT_LABELS, type Deployment } from '../core/deployment/types.js';
import { slackErrorCode } from '../slack/errors.js';
import type { MessageSync } from '../slack/sync.js';
import { section } from '../slack/views/blocks.js';
import { clip } from '../slack/views/format.js';
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

/** What the thread is told about the hook call: plainly, including failures. */
export function hookResultText(d: Deployment, r: RollbackHookResult): string {
  const manual = 'Follow the rollback checklist by hand.';
  switch (r.kind) {
    case 'answered': {
      const body = r.body.trim() ? `\n> ${clip(r.body.trim().replace(/\s+/g, ' '), 500)}` : '';
      return r.ok
        ? `🪝 The rollback hook answered *${r.status}* in ${r.ms} ms. The checklist still needs confirming.${body}`
        : `❌ The rollback hook answered *${r.status}*: it did not accept the rollback. ${manual}${body}`;
    }
    case 'timeout':
      return `⏱️ The rollback hook did not answer within ${r.timeoutMs} ms; whether it started anything is unknown. ${manual}`;
    case 'refused_host':
      return `🚫 The rollback hook was not called: its host ${clip(r.host, 200)} is not among the allowed hosts for ${clip(d.service, 80)} in ${ENVIRONMENT_LABELS[d.environment]}. ${manual}`;
    case 'failed':
      return `❌ The rollback hook could not be reached (${clip(r.message, 200)}). ${manual}`;
  }
}

/**
 * What follows a rollback's start outside the database: the call to the
 * rollback hook, after the change is committed and Slack acknowledged; never
 * throws. The rollback notices (started, completed, failed) are not sent
 * here: they are scheduler jobs planned in the change's own transaction
 * (`planChange`), so a crash between the commit and the post cannot lose them.
 */
export function createRollbackEffects({ client, repos, sync, logger, hookFor, fetchImpl }: RollbackEffectsDeps) {
  const running = new Set<Promise<void>>();

  async function postInThread(d: Deployment, text: string): Promise<void> {
    await sync.sync(d.id); // the rollback plan first, then what the hook said
    const parent = repos.messages.list(d.id).get('parent');
    if (!parent?.ts) return;
    try {
      await client.chat.postMessage({ channel: parent.channelId, thread_ts: parent.ts, text, blocks: [section(text)], unfurl_links: false });
    } catch (error) {
      logger.with('warn', 'could not post the rollback hook result', { deployment: d.ref, code: slackErrorCode(error) });
    }
  }

  async function callHook(d: Deployment): Promise<void> {
    const config = hookFor(d);
    if (!config) return;
    const result = await callRollbackHook(config, hookRequestOf(d), fetchImpl);
    logger.with(result.kind === 'answered' && result.ok ? 'info' : 'warn', 'rollback hook called', {
      deployment: d.ref,
      result: result.kind,
      ...(result.kind === 'answered' ? { status: result.status } : {}),
    });
    await postInThread(d, hookResultText(d, result));
  }

  function track(work: Promise<void>) {
    const p = work.catch((error: unknown) => logger.with('error', 'rollback follow-up failed', { error }));
    running.add(p);
    void p.finally(() => running.delete(p));
  }

  return {
    /** Called with every committed change (outside the transaction). */
    onChange(d: Deployment, events: DeploymentEvent[]): void {
      if (events.some((e) => e.type === 'rollback_started')) track(callHook(d));
    },
    /** Resolves when no follow-up is running (graceful stop, tests). */
    async idle(): Promise<void> {
      while (running.size) await Promise.all([...running]);
    },
  };
}

export type RollbackEffects = ReturnType<typeof createRollbackEffects>;
