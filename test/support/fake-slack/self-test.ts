/** Helpers for the fake's own tests: the real @slack/web-api client pointed at it, and what a refused call said. */
import { LogLevel, WebClient, type WebAPIPlatformError, type WebClientOptions } from '@slack/web-api';
import type { FakeSlack } from './types.js';

const silent = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  setLevel() {},
  getLevel: () => LogLevel.ERROR,
  setName() {},
};

/** A WebClient on the fake, without retries unless `options` asks, logging nothing (refusals are expected here). */
export function webClientOn(fake: FakeSlack, token: string | undefined, options: WebClientOptions = {}): WebClient {
  return new WebClient(token, { slackApiUrl: fake.url, retryConfig: { retries: 0 }, logger: silent, ...options });
}

export async function refusal(call: Promise<unknown>): Promise<{ error: string; messages: string[] }> {
  try {
    await call;
  } catch (e) {
    const data = (e as Partial<WebAPIPlatformError>).data as
      | { error: string; response_metadata?: { messages?: string[] } }
      | undefined;
    if (!data) throw e;
    return { error: data.error, messages: data.response_metadata?.messages ?? [] };
  }
  throw new Error('expected Slack to refuse the call, but it succeeded');
}
