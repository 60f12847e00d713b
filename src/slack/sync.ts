import { createHash } from 'node:crypto';
import type { WebClient } from '@slack/web-api';
import type { Clock } from '../core/clock.js';
import { awaitingRoom, homeChannelOf } from '../core/deployment/room.js';
import type { Deployment } from '../core/deployment/types.js';
import type { Repositories } from '../storage/index.js';
import type { Logger } from '../support/logger.js';
import { isTokenRefused, slackErrorCode } from './errors.js';
import { findByMetadata } from './history.js';
import { renderDeployment } from './views/deployment/index.js';

/** Slack errors about the channel itself: retrying the next message will not help. */
const CHANNEL_ERRORS = new Set([
  'not_in_channel',
  'channel_not_found',
  'is_archived',
  'restricted_action',
  'token_revoked',
  'invalid_auth',
  'account_inactive',
]);

export interface MessageSyncDeps {
  client: WebClient;
  /** Posts new messages without blind retries (a post that timed out may have landed); default `client`. */
  postClient?: WebClient;
  repos: Repositories;
  clock: Clock;
  logger: Logger;
  /** Told once per sync when a deployment's messages cannot be delivered; a stop waits for it. */
  onUndeliverable?: (d: Deployment, code: string) => void | Promise<void>;
  /** First wait before a redraw that failed on a passing Slack problem is tried again (doubles each time). */
  retryDelayMs?: number;
}

/** Passes of retries after a redraw failed on a passing problem (5xx, timeouts, 429s beyond the client's own retries). */
const MAX_RETRY_PASSES = 10;

/** The message metadata a deployment's messages carry, so a post whose answer was lost can be found. */
export const MESSAGE_EVENT = 'liftoff_message';

/** Slack's clock and ours may differ a little: look this far before the deployment's creation. */
const SKEW_S = 5 * 60;

/** `renderedHash` of a message whose post was sent but not answered (yet). */
const POSTING = 'posting';

/** A failure after which the message may have been posted all the same (a timeout, a 5xx, an unexpected error). */
const mayHaveLanded = (code: string | null) => code === null || code === 'request_failed';

/** How long a 429 asks to wait (its Retry-After), at most a minute. */
const retryAfterMs = (error: unknown) =>
  Math.min(60, Math.max(0, Number((error as { retryAfter?: unknown }).retryAfter) || 1)) * 1000;

const hashOf = (text: string, blocks: unknown) =>
  createHash('sha1').update(text).update('\0').update(JSON.stringify(blocks)).digest('base64url');

/**
 * Brings every Slack message of a deployment in line with the database:
 * posts what is missing, updates what changed, leaves the rest alone. Calls
 * for one deployment are coalesced: while a sync runs, further requests only
 * mark it dirty and one more pass follows with the latest state.
 */
export function createMessageSync({
  client,
  postClient = client,
  repos,
  clock,
  logger,
  onUndeliverable,
  retryDelayMs = 2_000,
}: MessageSyncDeps) {
  const running = new Map<number, Promise<void>>();
  const dirty = new Set<number>();
  const retries = new Map<number, { attempt: number; timer: NodeJS.Timeout }>();

  /** Tries a deployment again later, with a growing delay; gives up (loudly) after MAX_RETRY_PASSES. */
  function retryLater(id: number) {
    const attempt = (retries.get(id)?.attempt ?? 0) + 1;
    if (attempt > MAX_RETRY_PASSES) {
      retries.delete(id);
      logger.with('error', 'gave up bringing Slack messages in line until the next change or restart', {
        deploymentId: id,
        attempts: attempt - 1,
      });
      return;
    }
    const timer = setTimeout(() => void sync(id), Math.min(retryDelayMs * 2 ** (attempt - 1), 5 * 60_000));
    timer.unref();
    retries.set(id, { attempt, timer });
  }

  /** One pass over a deployment's messages; false when a passing Slack problem left some out of date. */
  async function syncOnce(id: number): Promise<boolean> {
    let complete = true;
    const d = repos.deployments.get(id);
    if (!d) return complete;
    // A deployment living in its own channel shows nothing until that channel is created (or given up on).
    if (awaitingRoom(d)) return complete;
    const home = homeChannelOf(d);
    const records = repos.messages.list(id);
    let parentTs = records.get('parent')?.ts ?? null;
    for (const m of renderDeployment(d, clock.now())) {
      const record = records.get(m.key);
      const hash = hashOf(m.text, m.blocks);
      if (record?.ts && (m.once || record.renderedHash === hash)) continue;
      if (m.placement === 'thread' && !parentTs) return complete;
      const channel = record?.channelId ?? (m.placement === 'mirror' ? d.channelId : home);
      const threadTs = m.placement === 'thread' && parentTs ? parentTs : undefined;
      let posting = false;
      try {
        let ts = record?.ts ?? null;
        // A post tried before whose answer never came may have landed: look for it before posting again.
        if (!ts && record?.renderedHash === POSTING) {
          const seen = await findByMetadata(
            client,
            { channel, threadTs },
            (meta) =>
              meta.event_type === MESSAGE_EVENT &&
              meta.event_payload?.deployment === id &&
              meta.event_payload.key === m.key,
            d.created.at / 1000 - SKEW_S,
          );
          if (seen === 'unavailable') {
            logger.with('warn', 'cannot tell whether a message was posted; trying again later', {
              deployment: d.ref,
              key: m.key,
            });
            return false;
          }
          if (seen !== 'absent') {
            ts = seen.found;
            if (m.key === 'parent') parentTs = ts;
          }
        }
        if (ts) {
          await client.chat.update({ channel, ts, text: m.text, blocks: m.blocks });
        } else {
          // Tried: if the answer is lost, the next pass looks for it instead of posting a second copy.
          repos.messages.save(
            { deploymentId: id, key: m.key, channelId: channel, ts: null, renderedHash: POSTING },
            clock.now(),
          );
          posting = true;
          const res = await postClient.chat.postMessage({
            channel,
            text: m.text,
            blocks: m.blocks,
            unfurl_links: false,
            unfurl_media: false,
            ...(threadTs ? { thread_ts: threadTs } : {}),
            metadata: { event_type: MESSAGE_EVENT, event_payload: { deployment: id, key: m.key } },
          });
          ts = res.ts ?? null;
          if (m.key === 'parent') parentTs = ts;
        }
        repos.messages.save({ deploymentId: id, key: m.key, channelId: channel, ts, renderedHash: hash }, clock.now());
      } catch (error) {
        const code = slackErrorCode(error);
        logger.with('warn', 'could not bring a Slack message in line', { deployment: d.ref, key: m.key, code, error });
        if (posting && !mayHaveLanded(code))
          repos.messages.save(
            { deploymentId: id, key: m.key, channelId: channel, ts: null, renderedHash: null },
            clock.now(),
          );
        // Slack said "not now" (nothing was posted): wait what it asks, then this pass's loop goes again.
        if (code === 'ratelimited') {
          await new Promise((resolve) => setTimeout(resolve, retryAfterMs(error)));
          dirty.add(id);
          return false;
        }
        // The next pass looks for it first; the thread waits, so its messages keep their order.
        if (posting && mayHaveLanded(code)) return false;
        if (code && CHANNEL_ERRORS.has(code)) {
          await onUndeliverable?.(d, code);
          // The mirror in the deploy channel failing does not hold up the dedicated channel
          // (a refused token fails every call alike: stop, so the person is told once).
          if (m.placement === 'mirror' && !isTokenRefused(code)) continue;
          return complete;
        }
        complete = false;
      }
    }
    return complete;
  }

  function sync(id: number): Promise<void> {
    const current = running.get(id);
    if (current) {
      dirty.add(id);
      return current;
    }
    const run = (async () => {
      let complete = true;
      do {
        dirty.delete(id);
        complete = await syncOnce(id);
      } while (dirty.has(id));
      clearTimeout(retries.get(id)?.timer);
      if (complete) retries.delete(id);
      else retryLater(id);
    })()
      .catch((error: unknown) => logger.with('error', 'message sync failed', { deploymentId: id, error }))
      .finally(() => running.delete(id));
    running.set(id, run);
    return run;
  }

  return {
    sync,
    /** Brings every active deployment (and ones finished in the last day) in line. */
    async reconcileAll(): Promise<void> {
      const since = clock.now() - 24 * 3600_000;
      const ids = new Set(repos.deployments.listActive().map((d) => d.id));
      for (const id of repos.deployments.recentlyFinished(since)) ids.add(id);
      await Promise.all([...ids].map(sync));
    },
    /** Cancels the retries waiting for later (graceful stop). */
    stop(): void {
      for (const r of retries.values()) clearTimeout(r.timer);
      retries.clear();
    },
    /** Resolves when no sync is running (graceful stop, tests). */
    async idle(): Promise<void> {
      while (running.size) await Promise.all([...running.values()]);
    },
  };
}

export type MessageSync = ReturnType<typeof createMessageSync>;
