import type { Deployment, RoomState } from './types.js';

/** Slack channel names: lowercase letters, digits, `-` and `_`, at most 80 characters. */
export const MAX_CHANNEL_NAME = 80;

/** A part of a channel name: lowercase ASCII, anything else becomes `-`, no leading, trailing or repeated `-`. */
function slug(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[-_]+|[-_]+$/g, '');
}

const trimEnd = (name: string, max: number) => name.slice(0, max).replace(/[-_]+$/, '');

/**
 * The dedicated channel's name for a deployment: `prefix-service-version`,
 * e.g. `deploy-checkout-2-4-0`, valid for Slack whatever the service and
 * version hold. `suffix` (e.g. `dep-12`, used when the name is taken) is kept
 * whole: the rest is shortened to make room for it.
 */
export function roomName(prefix: string, service: string, version: string, suffix?: string): string {
  const parts = [slug(prefix) || 'deploy', slug(service), slug(version)].filter(Boolean);
  const tail = suffix ? slug(suffix) : '';
  const base = parts.join('-');
  if (!tail) return trimEnd(base, MAX_CHANNEL_NAME);
  return `${trimEnd(base, MAX_CHANNEL_NAME - tail.length - 1)}-${tail}`;
}

/** The names to try, in order: the plain name, then with the deployment's ref, then numbered. */
export function roomNames(prefix: string, d: Pick<Deployment, 'service' | 'version' | 'ref'>, extra = 3): string[] {
  const ref = d.ref.toLowerCase();
  const names = [roomName(prefix, d.service, d.version), roomName(prefix, d.service, d.version, ref)];
  for (let n = 2; n < 2 + extra; n++) names.push(roomName(prefix, d.service, d.version, `${ref}-${n}`));
  return [...new Set(names)];
}

/** The dedicated channel, once created. */
export const roomOf = (d: Pick<Deployment, 'room'>): Extract<RoomState, { channelId: string }> | null =>
  d.room && 'channelId' in d.room ? d.room : null;

/**
 * Private stays private: a deployment in a private dedicated channel has no mirror card in the deploy
 * channel (whoever reads it may not be a member), so its stakeholder notices stay in its own thread.
 */
export const hasMirror = (d: Pick<Deployment, 'room'>): boolean => {
  const room = roomOf(d);
  return !!room && !room.private;
};

/** A `location: channel` deployment whose channel is neither created nor given up on: nothing is posted yet. */
export const awaitingRoom = (d: Pick<Deployment, 'location' | 'room'>): boolean => d.location === 'channel' && !d.room;

/** The channel holding the deployment's card and thread: its dedicated channel, else the deploy channel. */
export const homeChannelOf = (d: Pick<Deployment, 'room' | 'channelId'>): string => roomOf(d)?.channelId ?? d.channelId;
