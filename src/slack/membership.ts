import type { WebClient } from '@slack/web-api';
import { visibleTo, type ChannelAccess } from '../core/policy/visibility.js';
import type { Logger } from '../support/logger.js';
import type { Sights } from '../usecases/seen.js';
import { slackErrorCode } from './errors.js';

/** Members asked for per conversations.members page, and the most pages read (200 × 50 = 10,000 people). */
const PAGE = 200;
const MAX_PAGES = 50;

/**
 * Unknown channels from which one conversations.list pass (Tier 2, a thousand channels a page)
 * is cheaper than a conversations.info each (Tier 3, about 50 a minute): App Home at an
 * organisation with eighty deploy channels would otherwise wait for Slack's pace for minutes.
 */
const LIST_FROM = 8;
/** Channels asked for per conversations.list page, and the most pages read (1,000 × 20 = 20,000 channels). */
const LIST_PAGE = 1_000;
const LIST_MAX_PAGES = 20;

export interface ChannelAccessLookup extends Sights {
  /** Whether a channel is public or private (`unknown` when Slack did not say). */
  kindOf(channel: string): Promise<ChannelAccess['kind']>;
  /** Resolves once no question to Slack is pending (those asked in the background included). */
  idle(): Promise<void>;
  /** member_joined_channel / member_left_channel: the cached members follow at once. */
  joined(channel: string, user: string): void;
  left(channel: string, user: string): void;
}

/**
 * What Slack says about a channel: conversations.info (is_private) and, for a
 * private one, conversations.members (paginated), kept current by the
 * membership events. An answer older than `ttlMs` is still used while Slack is
 * asked again in the background (a list or App Home never waits for it), up
 * to `maxAgeMs`: older than that (Slack unreachable that long, or events
 * missed), a request waits for Slack's answer. A failure is not cached and
 * reads as `unknown` (nothing shown).
 */
export function createChannelAccess({
  client,
  now,
  logger,
  ttlMs = 60_000,
  maxAgeMs = 10 * 60_000,
}: {
  client: WebClient;
  now: () => number;
  logger: Logger;
  ttlMs?: number;
  maxAgeMs?: number;
}): ChannelAccessLookup {
  const cache = new Map<string, { access: ChannelAccess; at: number }>();
  const asking = new Map<string, Promise<ChannelAccess>>();
  /** The membership events heard while a channel is being asked about: applied to Slack's answer too. */
  const heard = new Map<string, Array<{ user: string; joined: boolean }>>();
  /** The conversations.list pass running, if any: asks made meanwhile wait for it. */
  let listing: Promise<void> | null = null;

  /** How old what is known of `channel` is (Infinity: nothing known). */
  const age = (channel: string) => {
    const hit = cache.get(channel);
    return hit ? now() - hit.at : Number.POSITIVE_INFINITY;
  };

  /**
   * Learns which channels are public from one conversations.list pass (public channels, and the
   * private ones the bot is in, with is_private); a private channel's members are still read by
   * `load`. A failure leaves every channel to `load`.
   */
  async function listKinds(): Promise<void> {
    try {
      let cursor: string | undefined;
      for (let page = 0; page < LIST_MAX_PAGES; page++) {
        const res = await client.conversations.list({
          types: 'public_channel,private_channel',
          limit: LIST_PAGE,
          ...(cursor ? { cursor } : {}),
        });
        const at = now();
        for (const ch of res.channels ?? [])
          if (ch.id && ch.is_private === false) cache.set(ch.id, { access: { kind: 'public' }, at });
        cursor = res.response_metadata?.next_cursor || undefined;
        if (!cursor) break;
      }
    } catch (error) {
      logger.with('warn', 'could not list the channels; asking about each one instead', {
        code: slackErrorCode(error),
      });
    }
  }

  async function load(channel: string): Promise<ChannelAccess> {
    try {
      const info = await client.conversations.info({ channel });
      if (!info.channel?.is_private) return { kind: 'public' };
      const members = new Set<string>();
      let cursor: string | undefined;
      for (let page = 0; page < MAX_PAGES; page++) {
        const res = await client.conversations.members({ channel, limit: PAGE, ...(cursor ? { cursor } : {}) });
        for (const m of res.members ?? []) members.add(m);
        cursor = res.response_metadata?.next_cursor || undefined;
        if (!cursor) break;
      }
      return { kind: 'private', members };
    } catch (error) {
      logger.with('warn', 'could not tell who may see a channel; its deployments are shown to nobody for now', {
        channel,
        code: slackErrorCode(error),
      });
      return { kind: 'unknown' };
    }
  }

  /** Asks Slack about `channel` (once at a time); a failure keeps what was known. */
  function ask(channel: string): Promise<ChannelAccess> {
    let pending = asking.get(channel);
    if (!pending) {
      heard.set(channel, []);
      pending = load(channel).then((access) => {
        // An answer made before someone joined or left must not undo what the event said.
        for (const { user, joined } of heard.get(channel) ?? [])
          if (access.kind === 'private') (access.members as Set<string>)[joined ? 'add' : 'delete'](user);
        heard.delete(channel);
        if (access.kind !== 'unknown') cache.set(channel, { access, at: now() });
        return access;
      });
      asking.set(channel, pending);
      void pending.finally(() => asking.delete(channel));
    }
    return pending;
  }

  async function accessOf(channel: string): Promise<ChannelAccess> {
    const hit = cache.get(channel);
    const old = age(channel);
    if (hit && old < ttlMs) return hit.access;
    // Known, not too old: used now, asked again meanwhile (unless a list pass is already asking).
    if (hit && old < maxAgeMs) {
      if (!listing) void ask(channel);
      return hit.access;
    }
    if (listing) {
      await listing;
      return accessOf(channel);
    }
    return ask(channel);
  }

  const members = (channel: string) => {
    const access = cache.get(channel)?.access;
    return access?.kind === 'private' ? (access.members as Set<string>) : null;
  };

  return {
    async sights(actor, wanted) {
      const channels = [...wanted];
      const stale = channels.filter((c) => age(c) >= ttlMs && !asking.has(c));
      if (stale.length >= LIST_FROM) {
        // The list pass, then the private channels' members (what it cannot say).
        listing ??= listKinds()
          .then(() => Promise.all(stale.filter((c) => age(c) >= ttlMs).map(ask)))
          .then(() => undefined)
          .finally(() => {
            listing = null;
          });
        // Waited for only when something is not known well enough to be used meanwhile.
        if (stale.some((c) => age(c) >= maxAgeMs)) await listing;
      }
      const access = await Promise.all(channels.map(accessOf));
      return new Map(channels.map((c, i) => [c, visibleTo(actor, access[i]!)] as const));
    },
    kindOf: async (channel) => (await accessOf(channel)).kind,
    async idle() {
      while (listing || asking.size) await Promise.allSettled([listing, ...asking.values()]);
    },
    joined: (channel, user) => {
      members(channel)?.add(user);
      heard.get(channel)?.push({ user, joined: true });
    },
    left: (channel, user) => {
      members(channel)?.delete(user);
      heard.get(channel)?.push({ user, joined: false });
    },
  };
}
