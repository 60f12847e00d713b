import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import type { Logger } from '../../support/logger.js';
import { decodeRef, type ActionRef } from '../ids.js';
import { presentError, tell, whereClicked, type Where } from '../reply.js';
import type { ListenerDeps } from './deps.js';

export const STALE_BUTTON = { text: 'That button is out of date. Use the latest message in the thread.' };

/** What a button's handler gets: the decoded reference, who pressed it, where to answer them. */
export interface Press {
  ref: ActionRef;
  user: string;
  triggerId: string;
  where: Where;
  log: Logger;
  /** Acknowledges now (before opening a form); later calls do nothing. */
  ack(): Promise<void>;
}

export interface ButtonOptions {
  /**
   * Acknowledge only after the handler ran (a command that is quick and synchronous), so Slack's retry finds
   * it done. Its commits are synced to disk off the event loop, and the acknowledgement waits for that.
   */
  ackAfter?: boolean;
  /** An error code that a retry of Slack's (the first try did the work) answers with silence. */
  quietOnRetry?: string;
}

/**
 * One button's listener, with what every button needs: decode its reference
 * (a stale or forged one is answered as out of date), a logger with its
 * context, and any error answered to the person who pressed it. The handler
 * returns 'stale' when the reference does not fit the deployment any more.
 */
export function onButton(
  app: App,
  deps: Pick<ListenerDeps, 'client' | 'logger' | 'durability'>,
  actionId: string,
  handle: (p: Press) => Promise<void | 'stale'> | void | 'stale',
  o: ButtonOptions = {},
): void {
  app.action<BlockAction<ButtonAction>>(actionId, async ({ ack, body, action, respond, context }) => {
    let acked = false;
    const ackOnce = async () => {
      if (acked) return;
      acked = true;
      // What the press changed is on disk before Slack is told it is done.
      if (o.ackAfter) await deps.durability.durable();
      await ack();
    };
    if (!o.ackAfter) await ackOnce();
    const where = whereClicked(body, respond);
    const ref = decodeRef(action.value);
    const log = deps.logger.child({ user: body.user.id, deploymentId: ref?.d, action: actionId });
    try {
      const run = (r: ActionRef) => () =>
        handle({ ref: r, user: body.user.id, triggerId: body.trigger_id, where, log, ack: ackOnce });
      const result = !ref ? 'stale' : await (o.ackAfter ? deps.durability.deferred(run(ref)) : run(ref)());
      await ackOnce();
      if (result === 'stale') await tell(deps.client, where, STALE_BUTTON, log);
    } catch (error) {
      await ackOnce();
      if (context.retryNum && o.quietOnRetry && (error as { code?: string }).code === o.quietOnRetry) return;
      await tell(deps.client, where, presentError(error, log), log);
    }
  });
}
