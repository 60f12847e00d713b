import type { WebClient } from '@slack/web-api';
import { homeChannelOf } from '../core/deployment/room.js';
import type { Deployment } from '../core/deployment/types.js';
import type { Logger } from '../support/logger.js';
import { explainSlackError } from './errors.js';
import { answerRequesterTokenRefused, type AskedBy, type Responders } from './reply.js';

/**
 * Tells people, in plain words, that a deployment's messages cannot be posted
 * (the channel refuses: not_in_channel, is_archived, channel_not_found, a
 * refused token): the deployer by direct message, once per deployment and
 * code; with a refused token, which fails that message too, the person whose
 * click the redraw follows, through its response_url.
 */
export function createUndeliverableNotifier({
  client,
  logger,
  responders,
}: {
  client: WebClient;
  logger: Logger;
  /** How to answer the people who clicked lately (their clicks' response_urls). */
  responders: Responders;
}) {
  const warned = new Set<string>();
  return async (d: Deployment, code: string, askedBy: AskedBy | undefined): Promise<void> => {
    await answerRequesterTokenRefused(code, d.ref, askedBy, responders, logger);
    const key = `${d.id}:${code}`;
    if (warned.has(key)) return;
    warned.add(key);
    const where = `<#${homeChannelOf(d)}>`;
    const text = `I could not post ${d.ref} (${d.service} ${d.version}) in ${where}: ${explainSlackError(code, where, true)}`;
    await client.chat.postMessage({ channel: d.deployerId, text }).then(
      () =>
        logger.with('warn', 'told the deployer a deployment cannot be posted', {
          deployment: d.ref,
          user: d.deployerId,
          code,
        }),
      (error: unknown) =>
        logger.with('error', 'could not warn the deployer about an undeliverable deployment', {
          deployment: d.ref,
          user: d.deployerId,
          code,
          error,
        }),
    );
  };
}
