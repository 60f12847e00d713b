import type { FetchFunction } from '@slack/web-api';
import { keptAliveFetch, type FetchResponse } from '../slack/fetch.js';
import type { OnAcked } from '../slack/acks.js';
import type { MessageSync, RedrawPriority, SyncOptions } from '../slack/sync.js';
import type { Metrics } from './index.js';

const seconds = (since: number) => (performance.now() - since) / 1000;

/** A Web API method name from its URL (`…/api/chat.postMessage` → `chat.postMessage`); anything else is `other`. */
function methodOf(url: string | URL): string {
  const last = String(url).split('?')[0]!.split('/').pop() ?? '';
  return /^[a-z][a-zA-Z]*(\.[a-zA-Z]+){1,3}$/.test(last) ? last : 'other';
}

/** Slack's error codes are lower-case words joined by underscores; anything else is not a label. */
const codeOf = (error: unknown) =>
  typeof error === 'string' && /^[a-z_]{1,60}$/.test(error) ? error : 'unknown_error';

/**
 * The Web API client's fetch, counting every HTTP request (retries included)
 * by method and outcome. It reads a copy of the answer; the client gets it whole.
 */
export function measuredFetch(metrics: Metrics, inner: FetchFunction = keptAliveFetch()): FetchFunction {
  return async (url, init) => {
    const method = methodOf(url);
    const start = performance.now();
    try {
      const res = (await inner(url, init)) as FetchResponse & { clone(): FetchResponse };
      let outcome = res.status === 429 ? '429' : res.status === 200 ? 'ok' : `http_${res.status}`;
      if (res.status === 200) {
        const body = (await res
          .clone()
          .json()
          .catch(() => null)) as { ok?: boolean; error?: unknown } | null;
        if (body?.ok !== true) outcome = codeOf(body?.error);
      }
      metrics.apiCalled(method, outcome, seconds(start));
      return res;
    } catch (error) {
      const timeout =
        (error as Error | null)?.name === 'TimeoutError' || (error as Error | null)?.name === 'AbortError';
      metrics.apiCalled(method, timeout ? 'timeout' : 'network_error', seconds(start));
      throw error;
    }
  };
}

/** The kind of a Slack request, from a fixed list (never anything the request says beyond its type). */
function kindOf(body: Record<string, unknown>): string {
  if (typeof body.command === 'string') return 'command';
  if (body.type === 'event_callback') return 'event';
  const known = ['block_actions', 'view_submission', 'view_closed', 'shortcut', 'message_action', 'block_suggestion'];
  return typeof body.type === 'string' && known.includes(body.type) ? body.type : 'other';
}

/** Each request's acknowledgement timed by kind (`watchAcks` hears them: HTTP and Socket Mode alike). */
export const ackTimer =
  (metrics: Metrics): OnAcked =>
  (body, seconds) =>
    metrics.acked(kindOf(body), seconds);

/** The same MessageSync, counting redraws asked for, how many wait, and how long each took to land. */
export function measureRedraws<S extends Pick<MessageSync, 'sync'>>(sync: S, metrics: Metrics): S {
  const waiting = new Map<number, number>();
  metrics.redrawsPending(() => waiting.size);
  return {
    ...sync,
    sync(id: number, priority?: RedrawPriority, options?: SyncOptions) {
      const start = performance.now();
      metrics.redrawQueued();
      waiting.set(id, (waiting.get(id) ?? 0) + 1);
      return sync.sync(id, priority, options).finally(() => {
        metrics.redrawDone(seconds(start));
        const left = (waiting.get(id) ?? 1) - 1;
        if (left > 0) waiting.set(id, left);
        else waiting.delete(id);
      });
    },
  };
}
