import { createHash } from 'node:crypto';
import type { WebClient } from '@slack/web-api';
import type { Clock } from '../core/clock.js';
import { awaitingRoom, homeChannelOf } from '../core/deployment/room.js';
import { timerFace } from '../core/schedule/timer-face.js';
import type { Deployment } from '../core/deployment/types.js';
import type { Repositories } from '../storage/index.js';
import type { Durability } from '../storage/durability.js';
import type { MessageRecord } from '../storage/messages.js';
import type { Logger } from '../support/logger.js';
import { isTokenRefused, slackErrorCode } from './errors.js';
import { findByMetadata } from './history.js';
import type { AskedBy } from './reply.js';
import { atUrgency, createUrgency, type Urgency } from './pacing.js';
import { codeFingerprint } from './code-fingerprint.js';
import { createDeploymentRenderer, type SlackMessage } from './views/deployment/index.js';

export interface SyncOptions {
  /** A one-off look that reads, compares and drops (the start-up reconciliation). */
  once?: boolean;
  /** The person whose change the redraw shows. */
  by?: string | undefined;
}

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
  /**
   * Told once per sync when a deployment's messages cannot be delivered, with who asked for the redraw
   * (the person whose change it shows), if anyone; a stop waits for it.
   */
  onUndeliverable?: (d: Deployment, code: string, askedBy: AskedBy | undefined) => void | Promise<void>;
  /** First wait before a redraw that failed on a passing Slack problem is tried again (doubles each time). */
  retryDelayMs?: number;
  /**
   * Commits synced off the event loop (storage/durability.ts): the marks a pass makes before it posts
   * are committed without waiting for the disk, and its first post goes once they are on disk.
   * Without it, the marks sync at once.
   */
  durability?: Pick<Durability, 'deferred' | 'durable'>;
}

/** Passes of retries after a redraw failed on a passing problem (5xx, timeouts, 429s beyond the client's own retries). */
const MAX_RETRY_PASSES = 10;

/**
 * Who is waiting for a redraw: `now`, a person who just changed something (their calls go first in
 * Slack's lanes, pacing.ts); `background`, start-up reconciliation and timer redraws (they fill only
 * part of Slack's minute). A background redraw that a change catches up with becomes `now`.
 */
export type RedrawPriority = 'now' | 'background';

/** Deployments brought in line at once at start (each waits for its Slack calls). */
const RECONCILE_AT_ONCE = 4;

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
 * What a deployment's messages are in line with: its revision, the code that draws them and
 * every message record (where each is, what it last showed). Equal digests: nothing to draw.
 */
const inLineDigest = (revision: number, records: Iterable<MessageRecord>) => {
  const hash = createHash('sha1').update(codeFingerprint()).update(`\0${revision}`);
  for (const r of [...records].sort((a, b) => (a.key < b.key ? -1 : 1)))
    hash.update(`\0${r.key}\0${r.channelId}\0${r.ts ?? ''}\0${r.renderedHash ?? ''}`);
  return hash.digest('base64url');
};

/** Between the in-line digest and the timer face it was drawn at, in the `drawn` row. */
const FACE_MARK = '@';

/** The `drawn` note: the in-line digest and the timer face the messages were drawn at. */
const noteOf = (digest: string, face: string) => `${digest}${FACE_MARK}${face}`;

/** A `drawn` note read back (one written before faces were noted has none: ''). `@` is not base64url. */
function readNote(note: string): { digest: string; face: string } {
  const mark = note.indexOf(FACE_MARK);
  return mark < 0 ? { digest: note, face: '' } : { digest: note.slice(0, mark), face: note.slice(mark + 1) };
}

/**
 * Renders with each part remembered by what it read (a click renders only what shows it again) and
 * hashes a message once: an unchanged part returns the same message object, whose hash is kept.
 */
function createHashedRenderer() {
  const render = createDeploymentRenderer();
  const hashes = new WeakMap<SlackMessage, string>();
  return (d: Deployment, now: number, keep: boolean) =>
    render(d, now, keep).map((m) => {
      let hash = hashes.get(m);
      if (hash === undefined) {
        hash = hashOf(m.text, m.blocks);
        if (keep) hashes.set(m, hash);
      }
      return { m, hash };
    });
}

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
  durability,
}: MessageSyncDeps) {
  const running = new Map<number, Promise<void>>();
  const dirty = new Set<number>();
  const retries = new Map<number, { attempt: number; timer: NodeJS.Timeout }>();
  /** The urgency of each running sync's Slack calls. */
  const urgencies = new Map<number, Urgency>();
  /** Who asked for each running sync, and when (the latest person whose change it shows). */
  const askedBy = new Map<number, AskedBy>();
  /** The start-up reconciliation while it runs; `stopped` ends it early (graceful stop). */
  let reconciling: Promise<void> | null = null;
  /**
   * Deployments whose running sync only the start-up reconciliation asked for: a one-off look that
   * reads, compares and drops (the caches keep what people act on). Anyone else asking keeps it.
   */
  const oneOff = new Set<number>();
  let stopped = false;
  const render = createHashedRenderer();

  /** Tries a deployment again later (as urgently as before), with a growing delay; gives up (loudly) after MAX_RETRY_PASSES. */
  function retryLater(id: number, priority: RedrawPriority) {
    const attempt = (retries.get(id)?.attempt ?? 0) + 1;
    if (attempt > MAX_RETRY_PASSES) {
      retries.delete(id);
      logger.with('error', 'gave up bringing Slack messages in line until the next change or restart', {
        deploymentId: id,
        attempts: attempt - 1,
      });
      return;
    }
    const timer = setTimeout(() => void sync(id, priority), Math.min(retryDelayMs * 2 ** (attempt - 1), 5 * 60_000));
    timer.unref();
    retries.set(id, { attempt, timer });
  }

  /**
   * One pass over a deployment's messages; false when a passing Slack problem left some out of date.
   * Its records are written in two commits, not two per message: every message it may post is marked
   * `POSTING` at once before the first post (a crash after a post leaves the mark, and the next pass
   * looks for the message before posting again), and what it drew is written when the pass ends (lost
   * in a crash, it is only drawn again). The parent's ts is written as soon as it is known: notices
   * and links wait for it.
   */
  async function syncOnce(id: number, urgency?: Urgency, stopWhenStale = false): Promise<boolean | 'stale'> {
    let complete = true;
    /** Calls this pass made: with `stopWhenStale`, a pass that made one stops before the next once a newer change came. */
    let calls = 0;
    /** No Slack call failed this pass (a mirror's failure leaves the pass complete, not in line). */
    let clean = true;
    const keep = !oneOff.has(id);
    const d = keep ? repos.deployments.get(id) : repos.deployments.peek(id);
    if (!d) return complete;
    // A deployment living in its own channel shows nothing until that channel is created (or given up on).
    if (awaitingRoom(d)) return complete;
    const home = homeChannelOf(d);
    const records = repos.messages.list(id);
    let parentTs = records.get('parent')?.ts ?? null;
    const channelOf = (m: SlackMessage) =>
      records.get(m.key)?.channelId ?? (m.placement === 'mirror' ? d.channelId : home);
    const drawnAt = clock.now();
    const messages = render(d, drawnAt, keep);
    const drawn = new Map<string, MessageRecord>();
    /** What the records hold as the pass goes (read once at its start, then kept here). */
    const held = new Map(records);
    /** Writes what was drawn since the last write (and, once all is in line, the note that says so) in one commit. */
    const flush = (inLine?: string) => {
      for (const [key, r] of drawn) held.set(key, r);
      if (drawn.size || inLine)
        repos.messages.saveDrawn(
          [...drawn.values()],
          clock.now(),
          inLine ? { deploymentId: id, digest: inLine } : undefined,
        );
      drawn.clear();
    };
    const parentPosted = !!parentTs || messages.some(({ m }) => m.key === 'parent');
    const marked = new Map(
      messages
        .filter(({ m }) => !records.get(m.key)?.ts && (m.placement !== 'thread' || parentPosted))
        .filter(({ m }) => records.get(m.key)?.renderedHash !== POSTING)
        .map(({ m }) => [
          m.key,
          { deploymentId: id, key: m.key, channelId: channelOf(m), ts: null, renderedHash: POSTING } as MessageRecord,
        ]),
    );
    if (marked.size) {
      const writeMarks = () => repos.messages.saveAll([...marked.values()], clock.now());
      if (durability) {
        durability.deferred(writeMarks);
        await durability.durable();
      } else writeMarks();
    }
    for (const [key, mark] of marked) held.set(key, mark);
    try {
      for (const { m, hash } of messages) {
        const record = records.get(m.key);
        if (record?.ts && (m.once || record.renderedHash === hash)) continue;
        if (m.placement === 'thread' && !parentTs) return complete;
        // What is left was rendered before a change that came while this pass waited for Slack's pace: the next pass
        // draws the newer state, instead of this one sending what is already out of date.
        if (stopWhenStale && calls > 0 && dirty.has(id)) return 'stale';
        calls++;
        const channel = channelOf(m);
        const threadTs = m.placement === 'thread' && parentTs ? parentTs : undefined;
        let posting = false;
        marked.delete(m.key);
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
              urgency,
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
            await client.chat.update(atUrgency(urgency, { channel, ts, text: m.text, blocks: m.blocks }));
          } else {
            // Marked before the pass: if the answer is lost, the next pass looks for it instead of posting a second copy.
            posting = true;
            const res = await postClient.chat.postMessage(
              atUrgency(urgency, {
                channel,
                text: m.text,
                blocks: m.blocks,
                unfurl_links: false,
                unfurl_media: false,
                ...(threadTs ? { thread_ts: threadTs } : {}),
                metadata: { event_type: MESSAGE_EVENT, event_payload: { deployment: id, key: m.key } },
              }),
            );
            ts = res.ts ?? null;
            if (m.key === 'parent') parentTs = ts;
          }
          drawn.set(m.key, { deploymentId: id, key: m.key, channelId: channel, ts, renderedHash: hash });
          if (m.key === 'parent') flush();
        } catch (error) {
          clean = false;
          const code = slackErrorCode(error);
          logger.with('warn', 'could not bring a Slack message in line', {
            deployment: d.ref,
            key: m.key,
            code,
            error,
          });
          if (posting && !mayHaveLanded(code))
            drawn.set(m.key, { deploymentId: id, key: m.key, channelId: channel, ts: null, renderedHash: null });
          // Slack said "not now" (nothing was posted): wait what it asks, then this pass's loop goes again.
          if (code === 'ratelimited') {
            flush();
            await new Promise((resolve) => setTimeout(resolve, retryAfterMs(error)));
            dirty.add(id);
            return false;
          }
          // The next pass looks for it first; the thread waits, so its messages keep their order.
          if (posting && mayHaveLanded(code)) return false;
          if (code && CHANNEL_ERRORS.has(code)) {
            await onUndeliverable?.(d, code, askedBy.get(id));
            // The mirror in the deploy channel failing does not hold up the dedicated channel
            // (a refused token fails every call alike: stop, so the person is told once).
            if (m.placement === 'mirror' && !isTokenRefused(code)) continue;
            return complete;
          }
          complete = false;
        }
      }
      // Every message shows this revision (a running timer as of now: the scheduler moves it): a restart need not draw it again.
      if (complete && clean && !marked.size) {
        for (const [key, r] of drawn) held.set(key, r);
        flush(noteOf(inLineDigest(d.revision, held.values()), timerFace(d, drawnAt)));
      }
      return complete;
    } finally {
      // Marked but not tried (the pass stopped first): nothing was posted, the mark is taken back.
      for (const [key, mark] of marked)
        drawn.set(key, { ...mark, renderedHash: records.get(key)?.renderedHash ?? null });
      flush();
    }
  }

  /**
   * What the deployment's messages are known to show: null when nothing is noted or what
   * `saveDrawn` noted no longer fits (a change, other code, another record since); else the timer
   * face they were drawn at (`timerFace`; '' when noted before faces were).
   */
  function shownFace(id: number): string | null {
    const noted = repos.messages.inLine(id);
    if (!noted) return null;
    const { digest, face } = readNote(noted.digest);
    return digest === inLineDigest(noted.revision, repos.messages.list(id).values()) ? face : null;
  }

  /** Whether the deployment's messages are known to be in line with its revision. */
  const inLine = (id: number): boolean => shownFace(id) !== null;

  /**
   * Brings deployment `id`'s messages in line (see `RedrawPriority`). `by`: the person whose change it
   * shows (told through their click if Slack refuses the token); `once`: a one-off look (start-up).
   */
  function sync(id: number, priority: RedrawPriority = 'now', { once = false, by }: SyncOptions = {}): Promise<void> {
    const current = running.get(id);
    if (by) askedBy.set(id, { user: by, at: clock.now() });
    if (!once) oneOff.delete(id);
    if (current) {
      dirty.add(id);
      // A person's change caught up with a background redraw: its waiting call goes first now.
      if (priority === 'now') urgencies.get(id)?.raise();
      return current;
    }
    const urgency = createUrgency(priority === 'now');
    urgencies.set(id, urgency);
    if (once) oneOff.add(id);
    const run = (async () => {
      let complete = true;
      // One pass of a run may stop early for a newer change; the next ones go to the end (a steady stream of
      // changes never holds back the later messages).
      let stopWhenStale = true;
      do {
        dirty.delete(id);
        const pass = await syncOnce(id, urgency, stopWhenStale);
        if (pass === 'stale') stopWhenStale = false;
        complete = pass !== false;
      } while (dirty.has(id));
      clearTimeout(retries.get(id)?.timer);
      if (complete) retries.delete(id);
      else retryLater(id, urgency.urgent ? 'now' : 'background');
    })()
      .catch((error: unknown) => logger.with('error', 'message sync failed', { deploymentId: id, error }))
      .finally(() => {
        running.delete(id);
        urgencies.delete(id);
        oneOff.delete(id);
        askedBy.delete(id);
      });
    running.set(id, run);
    return run;
  }

  return {
    sync,
    shownFace,
    /**
     * Brings every active deployment (and ones finished in the last day) in line: a few at a time,
     * giving the event loop a turn after each, so requests are answered while thousands are checked.
     * One whose messages were last fully drawn from its current revision by this code, with no record
     * written since, is in line without being rendered; a running timer is left to the scheduler, whose
     * first look renders it only when its shown minute moved (`shownFace`).
     */
    reconcileAll(): Promise<void> {
      codeFingerprint(); // read once now, not during a person's redraw
      const since = clock.now() - 24 * 3600_000;
      const ids = [...new Set([...repos.deployments.activeIds(), ...repos.deployments.recentlyFinished(since)])];
      let next = 0;
      let drawn = 0;
      const worker = async () => {
        while (next < ids.length && !stopped) {
          // A turn first: the requests waiting at start are answered before the first render.
          await new Promise((resolve) => setImmediate(resolve));
          if (next >= ids.length || stopped) break;
          const id = ids[next++]!;
          if (inLine(id)) continue;
          drawn++;
          await sync(id, 'background', { once: true });
        }
      };
      const all = Promise.all(Array.from({ length: RECONCILE_AT_ONCE }, worker)).then(() => {
        if (!stopped)
          logger.with('info', 'messages checked at start', {
            deployments: ids.length,
            inLine: ids.length - drawn,
            drawn,
          });
      });
      reconciling = all;
      void all.finally(() => {
        if (reconciling === all) reconciling = null;
      });
      return all;
    },
    /** Cancels the retries waiting for later (graceful stop). */
    stop(): void {
      stopped = true;
      for (const r of retries.values()) clearTimeout(r.timer);
      retries.clear();
    },
    /** Resolves when no sync is running and the start-up reconciliation is done (graceful stop, tests). */
    async idle(): Promise<void> {
      while (running.size || reconciling) await Promise.all([...running.values(), reconciling]);
    },
  };
}

export type MessageSync = ReturnType<typeof createMessageSync>;
