import type { WebClient } from '@slack/web-api';
import { ENVIRONMENT_LABELS, type Deployment } from '../core/deployment/types.js';
import { destinationOf, post } from '../scheduler/delivery.js';
import { slackErrorCode } from '../slack/errors.js';
import type { MessageSync } from '../slack/sync.js';
import { section } from '../slack/views/blocks.js';
import { clip } from '../slack/views/format.js';
import type { Notice } from '../slack/views/notices/index.js';
import type { Repositories } from '../storage/index.js';
import type { Logger } from '../support/logger.js';
import type { HookFailure, HookResult } from './call.js';

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
  /** What to check when nobody knows whether it was called, e.g. `Check the pipeline it triggers; …`. */
  recheck: string;
}

/** One call of a hook: how it is named in the thread, and what is sent. */
export interface HookCall {
  wording: HookWording;
  body: unknown;
  userAgent: string;
}

/** A failed call in plain words, followed by its host. */
export const FAILURE_WORDS: Record<HookFailure, string> = {
  name_not_resolved: 'could not be reached: no address was found for the name',
  connection_refused: 'could not be reached: the connection was refused by',
  tls_error: 'could not be reached: the secure connection (TLS) failed with',
  unreachable: 'could not be reached: the connection failed to',
  bad_request: 'was not called: the request could not be built (check its headers) for',
};

/** The host a redirect points to, for the thread (never the whole URL: it may carry a token). */
const redirectHost = (location: string): string => clip(hookHost(location) ?? 'another address on the same host', 200);

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
      return `⏱️ The ${w.name} (${clip(r.host, 200)}) did not answer within ${r.timeoutMs} ms; whether it ${w.unknown} is unknown. ${w.manual}`;
    case 'refused_host':
      return `🚫 The ${w.name} was not called: its host ${clip(r.host, 200)} is not among the allowed hosts for ${clip(d.service, 80)} in ${ENVIRONMENT_LABELS[d.environment]}. ${w.manual}`;
    case 'failed':
      return `❌ The ${w.name} ${FAILURE_WORDS[r.failure]} ${clip(r.host, 200)}. ${w.manual}`;
  }
}

/**
 * What the thread is told when Liftoff stopped while calling a hook: it may or
 * may not have been called, and it is not called again (at most once).
 */
export function uncertainText(w: HookWording, host: string | null): string {
  const where = host ? ` (Liftoff stopped while calling ${clip(host, 200)})` : '';
  return `⚠️ I may or may not have called the ${w.name} before a restart${where}. I did not call it again, so it is never called twice. ${w.recheck}`;
}

/** The host of a URL, for the thread (never the whole URL: it may carry a token); null when it is not one. */
export function hookHost(url: string): string | null {
  try {
    return new URL(url).host;
  } catch {
    return null;
  }
}

/** A short record of a call's result, kept with its job. */
export function resultSummary(r: HookResult): string {
  switch (r.kind) {
    case 'answered':
      return `answered ${r.status} in ${r.ms} ms${r.redirectedTo !== undefined ? ' (a redirect, not followed)' : ''}`;
    case 'timeout':
      return `no answer from ${r.host} within ${r.timeoutMs} ms`;
    case 'refused_host':
      return `not called: host ${r.host} is not allowed`;
    case 'failed':
      return `${FAILURE_WORDS[r.failure]} ${r.host}`.slice(0, 500);
  }
}

export interface HookReportDeps {
  client: WebClient;
  repos: Repositories;
  sync: MessageSync;
  logger: Logger;
}

/** Logs a hook's result and posts `text` in the deployment's thread, after its messages are in line; never throws. */
export async function reportHookResult(
  deps: HookReportDeps,
  d: Deployment,
  key: string,
  name: string,
  result: HookResult,
  text: string,
): Promise<void> {
  deps.logger.with(result.kind === 'answered' && result.ok ? 'info' : 'warn', `${name} called`, {
    deployment: d.ref,
    result: result.kind,
    ...(result.kind === 'answered' ? { status: result.status } : {}),
  });
  await postInThread(deps, d, key, name, text);
}

/**
 * Posts `text` (or a message of its own) about a hook in the deployment's thread, after its messages are
 * in line, the way the scheduler posts its notices (marked with the hook job's
 * `key`); never throws.
 */
export async function postInThread(
  { client, repos, sync, logger }: HookReportDeps,
  d: Deployment,
  key: string,
  name: string,
  text: string | Notice,
): Promise<void> {
  await sync.sync(d.id); // what the change shows first, then what the hook said
  const to = destinationOf(d, { payload: { target: 'thread' } }, repos.messages);
  if ('wait' in to) return;
  try {
    await post(client, to, typeof text === 'string' ? { text, blocks: [section(text)] } : text, key);
  } catch (error) {
    logger.with('warn', `could not post the ${name} result`, { deployment: d.ref, code: slackErrorCode(error) });
  }
}
