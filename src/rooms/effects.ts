import type { WebClient } from '@slack/web-api';
import type { Clock } from '../core/clock.js';
import type { DeploymentEvent } from '../core/deployment/events.js';
import { participants } from '../core/deployment/decide.js';
import { awaitingRoom, roomNames } from '../core/deployment/room.js';
import { FINISHED, type Deployment } from '../core/deployment/types.js';
import { slackErrorCode } from '../slack/errors.js';
import type { Repositories } from '../storage/index.js';
import type { Logger } from '../support/logger.js';
import { adoptable, botUserIdOf } from './adopt.js';

/** The team configuration's `dedicated_channels`. */
export interface RoomSettings {
  prefix: string;
  archiveAfterHours: number;
  private: boolean;
}

type RoomEvent = Extract<DeploymentEvent, { type: 'room_opened' | 'room_failed' }>;

export interface RoomEffectsDeps {
  client: WebClient;
  clock: Clock;
  repos: Repositories;
  logger: Logger;
  settings: RoomSettings;
  /** Whether a channel is public or private (`unknown` when Slack did not say): a deployment started in one not known public gets a private channel. */
  kindOf: (channel: string) => Promise<'public' | 'private' | 'unknown'>;
  /** Records what became of the channel (the deployment service's `recordRoom`). */
  record: (deploymentId: number, event: RoomEvent) => unknown;
  /** First wait before a creation that failed on a passing problem is tried again (doubles each time). */
  retryDelayMs?: number;
  /** The bot's user id (default: auth.test, asked once), to recognise the channels it created. */
  botUserId?: () => Promise<string | undefined>;
}

/** Answers after which trying again later may work; any other refusal is final. */
const PASSING = new Set([
  'ratelimited',
  'request_failed',
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
]);
const MAX_ATTEMPTS = 5;
/** Invite answers that mean there is nothing to do. */
const HARMLESS_INVITE = new Set(['already_in_channel', 'cant_invite_self']);

/** Users per conversations.invite call (Slack's method docs: up to 100). */
export const INVITE_BATCH = 100;

interface Uninvited {
  user: string;
  code: string;
}

/** Who could not be invited, and why, for the channel itself (`deployChannel`: where its card is mirrored, if anywhere). */
function uninvitedText(missed: Uninvited[], deployChannel: string | null): string {
  const reasons = [...new Set(missed.map((m) => m.code))].join(', ');
  const people = missed.filter((m) => /^[UW][A-Z0-9]+$/.test(m.user)).map((m) => `<@${m.user}>`);
  const who = people.length
    ? people.slice(0, 20).join(', ') + (people.length > 20 ? ` and ${people.length - 20} more` : '')
    : 'some of the people on this deployment';
  const follow = deployChannel ? `, or they can follow the deployment card in <#${deployChannel}>` : '';
  return `:warning: I could not invite ${who} to this channel (Slack answered ${reasons}). Add them with \`/invite\`${follow}.`;
}

/** Why Slack would not create the channel, in plain words. */
function refusalText(code: string): string {
  if (code === 'restricted_action') return 'this workspace does not let me create channels (restricted_action)';
  if (code === 'missing_scope')
    return 'I lack the permission to create channels; the app must be reinstalled with its manifest (missing_scope)';
  if (code.startsWith('invalid_name')) return `Slack refused the channel name (${code})`;
  return `Slack refused to create it (${code})`;
}

/**
 * Creates the dedicated channel of each `location: channel` deployment after
 * its start is committed and acknowledged: the channel (another name when
 * taken), the deployer and approvers invited, then `room_opened` recorded
 * (the redraw posts the card and thread there). A name taken by a channel
 * the bot created and never recorded (a run stopped in between) is adopted
 * rather than left empty. A refusal records
 * `room_failed`, so the deployment falls back to the deploy channel's
 * thread; passing problems are retried, and `provisionPending` at start
 * picks up whatever a stopped process left waiting. Never throws.
 */
export function createRoomEffects({
  client,
  clock,
  repos,
  logger,
  settings,
  kindOf,
  record,
  retryDelayMs = 30_000,
  botUserId = botUserIdOf(client),
}: RoomEffectsDeps) {
  const running = new Map<number, Promise<void>>();
  const attempts = new Map<number, number>();
  const timers = new Map<number, NodeJS.Timeout>();
  /** Channels created or adopted by a provisioning still running, not yet recorded (claimed synchronously, so two cannot take one). */
  const claimed = new Set<string>();

  /** The channel of `name`: created, or adopted when the name is taken by one of ours; null when taken otherwise. */
  async function create(
    d: Deployment,
    name: string,
    isPrivate: boolean,
  ): Promise<{ id: string; adopted: boolean } | null> {
    try {
      const res = await client.conversations.create({ name, is_private: isPrivate });
      if (!res.channel?.id) return null;
      claimed.add(res.channel.id);
      return { id: res.channel.id, adopted: false };
    } catch (error) {
      if (slackErrorCode(error) !== 'name_taken') throw error;
    }
    const claim = (channelId: string) => {
      if (claimed.has(channelId) || (repos.deployments.roomHolder(channelId) ?? d.id) !== d.id) return false;
      claimed.add(channelId);
      return true;
    };
    try {
      const id = await adoptable(client, name, { botUserId, claim });
      return id ? { id, adopted: true } : null;
    } catch (error) {
      const code = slackErrorCode(error) ?? 'no_answer';
      if (code === 'no_answer' || PASSING.has(code)) throw error;
      // Cannot tell (e.g. installed without channels:read): the next name, as if it were someone else's.
      logger.with('warn', 'could not look up a taken channel name; trying the next one', {
        deployment: d.ref,
        name,
        code,
      });
      return null;
    }
  }

  /**
   * Invites the deployer and approvers, at most INVITE_BATCH per call (Slack's
   * limit for conversations.invite). Returns who could not be invited, and why.
   */
  async function invite(d: Deployment, channel: string): Promise<Uninvited[]> {
    const users = [...participants(d)];
    const missed: Uninvited[] = [];
    for (let i = 0; i < users.length; i += INVITE_BATCH) {
      const batch = users.slice(i, i + INVITE_BATCH);
      try {
        await client.conversations.invite({ channel, users: batch.join(','), force: true });
      } catch (error) {
        const code = slackErrorCode(error) ?? 'no_answer';
        const perUser = (error as { data?: { errors?: Array<{ user?: string; error?: string }> } }).data?.errors;
        const failed = perUser?.length
          ? perUser.map((e) => ({ user: e.user ?? '', code: e.error ?? code }))
          : batch.map((user) => ({ user, code }));
        missed.push(...failed.filter((f) => !HARMLESS_INVITE.has(f.code)));
      }
    }
    if (missed.length)
      logger.with('warn', 'could not invite everyone to a dedicated channel', {
        deployment: d.ref,
        channel,
        codes: [...new Set(missed.map((m) => m.code))],
      });
    return missed;
  }

  /** Says in the new channel who could not be invited: the channel is usable all the same, and they can be added by hand. */
  async function tellUninvited(d: Deployment, channel: string, missed: Uninvited[], isPrivate: boolean): Promise<void> {
    if (!missed.length) return;
    const text = uninvitedText(missed, isPrivate ? null : d.channelId);
    await client.chat
      .postMessage({ channel, text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] })
      .catch((error: unknown) => {
        logger.with('warn', 'could not say in the dedicated channel who was not invited', {
          deployment: d.ref,
          channel,
          code: slackErrorCode(error),
        });
      });
  }

  function retryLater(d: Deployment, code: string) {
    const n = (attempts.get(d.id) ?? 0) + 1;
    attempts.set(d.id, n);
    if (n >= MAX_ATTEMPTS) {
      record(d.id, { type: 'room_failed', reason: `Slack could not be reached after ${n} tries (${code})` });
      return;
    }
    logger.with('warn', 'could not create a dedicated channel yet; will try again', {
      deployment: d.ref,
      code,
      attempts: n,
    });
    const timer = setTimeout(
      () => {
        timers.delete(d.id);
        void provision(d.id);
      },
      retryDelayMs * 2 ** (n - 1),
    );
    timer.unref();
    timers.set(d.id, timer);
  }

  async function open(id: number): Promise<void> {
    const d = repos.deployments.get(id);
    if (!d || !awaitingRoom(d)) return;
    if (FINISHED.has(d.status)) {
      record(id, { type: 'room_failed', reason: 'the deployment ended before its channel could be created' });
      return;
    }
    try {
      // Private stays private: a deployment started in a private channel (or one Slack could not tell) gets a private channel.
      const isPrivate = settings.private || (await kindOf(d.channelId)) !== 'public';
      for (const name of roomNames(settings.prefix, d)) {
        const channel = await create(d, name, isPrivate);
        if (!channel) continue;
        const channelId = channel.id;
        try {
          const missed = await invite(d, channelId);
          record(id, {
            type: 'room_opened',
            channelId,
            name,
            archiveAfterHours: settings.archiveAfterHours,
            ...(isPrivate ? { private: true } : {}),
          });
          await tellUninvited(d, channelId, missed, isPrivate);
        } finally {
          claimed.delete(channelId);
        }
        logger.with(
          'info',
          channel.adopted
            ? 'dedicated channel adopted (created before a stop, never recorded)'
            : 'dedicated channel created',
          { deployment: d.ref, channel: channelId, name },
        );
        return;
      }
      record(id, { type: 'room_failed', reason: 'every name I tried is taken' });
    } catch (error) {
      const code = slackErrorCode(error) ?? 'no_answer';
      if (code === 'no_answer' || PASSING.has(code)) return retryLater(d, code);
      logger.with('warn', 'a dedicated channel could not be created; the deployment runs in a thread', {
        deployment: d.ref,
        code,
      });
      record(id, { type: 'room_failed', reason: refusalText(code) });
    }
  }

  /** One provisioning per deployment at a time. */
  function provision(id: number): Promise<void> {
    const current = running.get(id);
    if (current) return current;
    const work = open(id)
      .catch((error: unknown) =>
        logger.with('error', 'dedicated channel provisioning failed', { deploymentId: id, error }),
      )
      .finally(() => running.delete(id));
    running.set(id, work);
    return work;
  }

  /** The start's look for deployments still waiting for their channel, while it runs. */
  let pending: Promise<void> | null = null;
  let stopped = false;
  async function checkPending(): Promise<void> {
    const ids = [...repos.deployments.activeIds(), ...repos.deployments.recentlyFinished(clock.now() - 7 * 86_400_000)];
    // A few snapshots at a time, with a turn of the event loop between: requests are answered meanwhile.
    for (const [i, id] of ids.entries()) {
      if (stopped) return;
      // From its listing row: thousands of deployments are looked at, their snapshots not parsed.
      if (repos.deployments.listed(id)?.awaitingRoom) void provision(id);
      if (i % 20 === 19) await new Promise((resolve) => setImmediate(resolve));
    }
  }

  return {
    /** Called with every committed change (outside the transaction). */
    onChange(d: Deployment, events: DeploymentEvent[]): void {
      if (events.some((e) => e.type === 'created') && awaitingRoom(d)) void provision(d.id);
    },
    /** At start: every deployment still waiting for its channel (a previous run stopped first; one that ended meanwhile falls back to a thread). */
    provisionPending(): Promise<void> {
      pending ??= checkPending().finally(() => (pending = null));
      return pending;
    },
    /** Resolves when no provisioning is running (graceful stop, tests). */
    async idle(): Promise<void> {
      while (running.size || pending) await Promise.all([...running.values(), pending]);
    },
    /** Cancels the retries waiting for later (graceful stop). */
    stop(): void {
      stopped = true;
      for (const t of timers.values()) clearTimeout(t);
      timers.clear();
    },
  };
}
