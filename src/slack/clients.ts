import { WebClient, type WebAPICallResult, type WebClientOptions } from '@slack/web-api';
import { createPacer, PACED_METHODS, SLACK_POST_PACE, type Pace, type Pacer } from './pacing.js';

/**
 * A Web API client whose posts and edits wait for their channel's turn
 * (see pacing.ts). Every chat.* method of WebClient goes through `apiCall`.
 */
class PacedWebClient extends WebClient {
  constructor(
    token: string,
    options: WebClientOptions,
    private readonly pacer: Pacer,
  ) {
    super(token, options);
  }

  override async apiCall(method: string, options?: Record<string, unknown>): Promise<WebAPICallResult> {
    const channel = options?.channel;
    if (PACED_METHODS.has(method) && typeof channel === 'string') await this.pacer.turn(channel);
    return super.apiCall(method, options);
  }
}

export interface SlackClients {
  /** Messages, redraws, channels and invites: posts and edits paced per channel; retries 5xx, timeouts and 429s. */
  client: WebClient;
  /**
   * Posts that must not be repeated blindly (a post that timed out may have
   * landed): no retries; a 429 is rejected at once (nothing was posted). Paced
   * with `client`, as both post to the same channels.
   */
  once: WebClient;
  /**
   * What a person waits for: views.open/update/push/publish, ephemerals, App
   * Home. A client of its own, so a Retry-After pause of the posting client
   * never holds a `trigger_id` (valid 3 s) in its queue. A 429 here is
   * answered at once: a retry after Retry-After would come too late anyway.
   */
  interactive: WebClient;
}

/** The three Web API clients Liftoff uses outside Bolt's own, sharing one posting pace. */
export function createSlackClients(
  token: string,
  options: WebClientOptions,
  pace: Pace = SLACK_POST_PACE,
): SlackClients {
  const pacer = createPacer(pace);
  return {
    client: new PacedWebClient(token, options, pacer),
    once: new PacedWebClient(token, { ...options, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true }, pacer),
    interactive: new WebClient(token, {
      ...options,
      retryConfig: { retries: 1, factor: 1, minTimeout: 100, maxTimeout: 300 },
      rejectRateLimitedCalls: true,
    }),
  };
}
