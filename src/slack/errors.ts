/** The Slack error code of a failed Web API call (`not_in_channel`, …), if it is one. */
export function slackErrorCode(error: unknown): string | null {
  if (typeof error !== 'object' || error === null) return null;
  const e = error as { data?: { error?: unknown }; code?: unknown };
  if (typeof e.data?.error === 'string') return e.data.error;
  if (e.code === 'slack_webapi_rate_limited_error') return 'ratelimited';
  if (e.code === 'slack_webapi_request_error') return 'request_failed';
  return null;
}

/** Slack refused Liftoff's token itself: every Web API call (a redraw, an ephemeral, a DM) fails the same way. */
export const isTokenRefused = (code: string | null): boolean =>
  code === 'token_revoked' || code === 'invalid_auth' || code === 'account_inactive';

/**
 * What to tell a person when Slack refused something, in plain words. `catchesUp`: what failed is
 * a deployment's messages, which are drawn again once Liftoff is in the channel (nothing else is).
 */
export function explainSlackError(code: string | null, where = 'this channel', catchesUp = false): string {
  switch (code) {
    case 'not_in_channel':
      return `I am not a member of ${where}. Invite me with \`/invite @Liftoff\`${catchesUp ? ' and I will catch up' : ''}.`;
    case 'channel_not_found':
      return `I cannot see ${where}. If it is private, invite me with \`/invite @Liftoff\`.`;
    case 'is_archived':
      return `${where} is archived, so I cannot post there. Unarchive it or start the deployment elsewhere.`;
    case 'token_revoked':
    case 'invalid_auth':
    case 'account_inactive':
      return 'My Slack token is no longer valid. Ask the operator to reinstall Liftoff.';
    case 'expired_trigger_id':
      return 'Slack took too long to let me open that form. Please try again.';
    default:
      return 'Slack did not accept that just now. Please try again in a moment.';
  }
}
