/**
 * The bot token scopes Liftoff asks for, each with the reason it is needed.
 * manifest.yml's `oauth_config.scopes.bot` must list exactly these names, in
 * this order (test/manifest.test.ts checks it). Add a scope here only together
 * with the code that needs it, and remove it with the last such call.
 */
export interface BotScope {
  /** The OAuth scope name as Slack spells it. */
  readonly scope: string;
  /** Which Web API calls or features need it. */
  readonly why: string;
}

export const BOT_SCOPES = [
  {
    scope: 'commands',
    why: 'The /deploy slash command.',
  },
  {
    scope: 'chat:write',
    why:
      'chat.postMessage and chat.update for deployment messages, chat.postEphemeral for ' +
      'ephemeral answers, and direct messages to the deployer.',
  },
  {
    scope: 'chat:write.public',
    why: 'Post in public channels the bot has not joined, without joining them.',
  },
  {
    scope: 'usergroups:read',
    why: 'usergroups.list (handles to ids) and usergroups.users.list to resolve approver user groups into their members.',
  },
  {
    scope: 'channels:manage',
    why:
      'conversations.create, conversations.invite and conversations.archive for a dedicated ' +
      'deployment channel (location: channel in the team configuration).',
  },
  {
    scope: 'groups:write',
    why:
      'The same calls for a private dedicated deployment channel (dedicated_channels.private: true, or a deployment whose deploy channel is private), ' +
      'and conversations.archive on it once the deployment has ended.',
  },
  {
    scope: 'channels:history',
    why:
      'conversations.history and conversations.replies in public channels, only when a post was interrupted ' +
      '(a restart, a timeout, a 5xx): to find out whether it was posted (by its message metadata) before sending it again.',
  },
  {
    scope: 'channels:join',
    why:
      'conversations.join, only when conversations.history or conversations.replies answers not_in_channel: the bot posts in ' +
      'public channels without joining (chat:write.public), but reads the history only of channels it is a member of.',
  },
  {
    scope: 'groups:history',
    why: 'The same check in private channels the bot was invited to.',
  },
  {
    scope: 'channels:read',
    why:
      'conversations.list, only when conversations.create answers name_taken for a dedicated deployment channel: ' +
      'to find whether that channel is one the bot created and a stopped run never recorded, and adopt it ' +
      "instead of leaving it empty and creating a suffixed one. Also conversations.info (is the deployment's channel " +
      'private?) for /deploy list, /deploy status and App Home, or one conversations.list pass when they show many ' +
      'channels not asked about in the last minute, and the member_joined_channel / member_left_channel events.',
  },
  {
    scope: 'groups:read',
    why:
      'The same lookup among private channels (dedicated_channels.private: true); conversations.list shows only those the bot is in. ' +
      'Also conversations.info and conversations.members of a private channel: a deployment there is shown only to its members, ' +
      'and the membership events of private channels.',
  },
  {
    scope: 'files:write',
    why:
      'files.getUploadURLExternal and files.completeUploadExternal: /deploy report uploads the full record of a ' +
      'deployment as a Markdown file to its thread; /deploy stats shares its chart (PNG) where it was typed.',
  },
  {
    scope: 'users:read.email',
    why: 'users.lookupByEmail, when a pipeline names the deployer of a deployment it starts by e-mail address (HTTP API).',
  },
] as const satisfies readonly BotScope[];

export type BotScopeName = (typeof BOT_SCOPES)[number]['scope'];

export const BOT_SCOPE_NAMES: readonly BotScopeName[] = BOT_SCOPES.map((s) => s.scope);
