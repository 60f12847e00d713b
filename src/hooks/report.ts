import type { WebClient } from '@slack/web-api';
import { ENVIRONMENT_LABELS, type Deployment } from '../core/deployment/types.js';
import { slackErrorCode } from '../slack/errors.js';
import type { MessageSync } from '../slack/sync.js';
import { section } from '../slack/views/blocks.js';
import { clip } from '../slack/views/format.js';
import type { Repositories } from '../storage/index.js';
import type { Logger } from '../support/logger.js';
import type { HookResult } from './call.js';

/** How one kind of hook is named in the thread, and what people should do when it fails. */
export interface HookWording {
  /** e.g. `rollback hook`. */
  name: string;
  /** After a good answer (may be empty), e.g. ` The checklist still needs confirming.` */
  okNote: string;
  /** What it did not accept, e.g. `the rollback`. */
  what: string;
  /** What is unknown after a timeout: whether it `started anything`. */
  unknown: string;
  /** What to do when it failed, e.g. `Follow the rollback checklist by hand.` */
  manual: string;
}

/** The host a redirect points to, for the thread (never the whole URL: it may carry a token). */
function redirectHost(location: string): string {
  try {
    return clip(new URL(location).host, 200);
  } catch {
    return 'another address on the same host';
  }
}

/** What the thread is told about a hook call: plainly, including failures. */
export function hookOutcomeText(d: Deployment, r: HookResult, w: HookWording): string {
  switch (r.kind) {
    case 'answered': {
      const body = r.body.trim() ? `\n> ${clip(r.body.trim().replace(/\s+/g, ' '), 500)}` : '';
      return r.ok
        ? `🪝 The ${w.name} answered *${r.status}* in ${r.ms} ms.${w.okNote}${body}`
        : r.redirectedTo !== undefined
          ? `❌ The ${w.name} answered *${r.status}*, a redirect to ${redirectHost(r.redirectedTo)}; redirects are not followed, so it did not take ${w.what}. ${w.manual}${body}`
          : `❌ The ${w.name} answered *${r.status}*: it did not accept ${w.what}. ${w.manual}${body}`;
    }
    case 'timeout':
      return `⏱️ The ${w.name} did not answer within ${r.timeoutMs} ms; whether it ${w.unknown} is unknown. ${w.manual}`;
    case 'refused_host':
      return `🚫 The ${w.name} was not called: its host ${clip(r.host, 200)} is not among the allowed hosts for ${clip(d.service, 80)} in ${ENVIRONMENT_LABELS[d.environment]}. ${w.manual}`;
    case 'failed':
      return `❌ The ${w.name} could not be reached (${clip(r.message, 200)}). ${w.manual}`;
  }
}

export interface HookReportDeps {
  client: WebClient;
  repos: Repositories;
  sync: MessageSync;
  logger: Logger;
}

/** Logs a hook's result and posts `text` in the deployment's thread, after its messages are in line; never throws. */
export async function reportHookResult({ client, repos, sync, logger }: HookReportDeps, d: Deployment, name: string, result: HookResult, text: string): Promise<void> {
  logger.with(result.kind === 'answered' && result.ok ? 'info' : 'warn', `${name} called`, {
    deployment: d.ref,
    result: result.kind,
    ...(result.kind === 'answered' ? { status: result.status } : {}),
  });
  await sync.sync(d.id); // what the change shows first, then what the hook said
  const parent = repos.messages.list(d.id).get('parent');
  if (!parent?.ts) return;
  try {
    await client.chat.postMessage({ channel: parent.channelId, thread_ts: parent.ts, text, blocks: [section(text)], unfurl_links: false });
  } catch (error) {
    logger.with('warn', `could not post the ${name} result`, { deployment: d.ref, code: slackErrorCode(error) });
  }
}

/** Follow-ups run after the acknowledgement; `idle` waits for them (graceful stop, tests). */
export function createTracker(logger: Logger, what: string) {
  const running = new Set<Promise<void>>();
  return {
    track(work: Promise<void>): void {
      const p = work.catch((error: unknown) => logger.with('error', `${what} failed`, { error }));
      running.add(p);
      void p.finally(() => running.delete(p));
    },
    async idle(): Promise<void> {
      while (running.size) await Promise.all([...running]);
    },
  };
}
