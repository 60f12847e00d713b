import { SocketModeReceiver } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { Check } from '../health/probes.js';
import { slackErrorCode } from './errors.js';

/** auth.test's answers that mean the token itself is refused (Slack's auth.test reference). */
const REFUSED = new Set([
  'invalid_auth',
  'not_authed',
  'account_inactive',
  'token_revoked',
  'token_expired',
  'not_allowed_token_type',
]);

export type TokenVerdict = { ok: true } | { ok: false; refused: string | null };

/** auth.test with the configured token: accepted, refused (with Slack's code), or Slack unreachable (`refused: null`). */
export async function verifyToken(client: Pick<WebClient, 'auth'>, withinMs: number): Promise<TokenVerdict> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<TokenVerdict>(
    (resolve) => (timer = setTimeout(() => resolve({ ok: false, refused: null }), withinMs)),
  );
  const asked = client.auth.test().then(
    (): TokenVerdict => ({ ok: true }),
    (error: unknown): TokenVerdict => {
      const code = slackErrorCode(error);
      return { ok: false, refused: code && REFUSED.has(code) ? code : null };
    },
  );
  try {
    return await Promise.race([asked, late]);
  } finally {
    clearTimeout(timer);
  }
}

export interface SlackReadiness {
  check(): Promise<Check>;
  /** Records a verdict found elsewhere (the start's own auth.test). */
  record(verdict: TokenVerdict): void;
}

/**
 * Slack's half of /readyz: the token was accepted by auth.test (asked again
 * once the last answer is `recheckMs` old) and, in Socket Mode, the socket
 * is connected (`socket` tells; null in HTTP mode).
 */
export function createSlackReadiness({
  client,
  socket,
  now = Date.now,
  recheckMs = 60_000,
  withinMs = 3_000,
}: {
  client: Pick<WebClient, 'auth'>;
  socket: (() => boolean) | null;
  now?: () => number;
  recheckMs?: number;
  withinMs?: number;
}): SlackReadiness {
  let last: { verdict: TokenVerdict; at: number } | null = null;
  let asking: Promise<TokenVerdict> | null = null;
  const record = (verdict: TokenVerdict) => (last = { verdict, at: now() });
  return {
    record,
    async check() {
      if (!last || !last.verdict.ok || now() - last.at >= recheckMs) {
        asking ??= verifyToken(client, withinMs).finally(() => (asking = null));
        record(await asking);
      }
      const verdict = last!.verdict;
      if (!verdict.ok) {
        return {
          ok: false,
          problem: verdict.refused ? `Slack refuses SLACK_BOT_TOKEN (${verdict.refused})` : 'Slack cannot be reached',
        };
      }
      if (socket && !socket()) return { ok: false, problem: 'the Socket Mode connection is not open' };
      return { ok: true };
    },
  };
}

/** Socket Mode: whether the socket is connected now, from the client's own state events; null in HTTP mode. */
export function socketConnected(receiver: unknown): (() => boolean) | null {
  if (!(receiver instanceof SocketModeReceiver)) return null;
  let connected = false;
  receiver.client.on('connected', () => (connected = true));
  for (const state of ['connecting', 'reconnecting', 'disconnecting', 'disconnected'])
    receiver.client.on(state, () => (connected = false));
  return () => connected;
}
