import type { App } from '@slack/bolt';
import type { ListenerDeps } from '../deps.js';

/** member_joined_channel / member_left_channel (channels the bot is in): who sees a private deployment follows at once. */
export function registerMembership(app: App, deps: Pick<ListenerDeps, 'access'>): void {
  app.event('member_joined_channel', async ({ event }) => deps.access.joined(event.channel, event.user));
  app.event('member_left_channel', async ({ event }) => deps.access.left(event.channel, event.user));
}
