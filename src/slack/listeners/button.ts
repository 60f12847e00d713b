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
  /**
   * Acknowledges now (before opening a form or telling the person something); later calls do nothing.
   * With `ackAfter`, it resolves once the press's change is on disk: what the handler shows next shows
   * nothing that a crash of the machine could take back.
   */
  ack(): Promise<void>;
}

export interface ButtonOptions {
  /**
   * Acknowledge only after the handler ran (a command that is quick and synchronous), so Slack's retry finds
   * it done. Its commits are not synced to disk at once (they survive a crash of the process); the log is
   * synced off the event loop, and nothing that shows the change (the redraw, an answer to the person)
   * goes out before that.
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
    let acked: Promise<void> | undefined;
    // A button's acknowledgement shows the person nothing (the redraw shows the change): it is sent once the
    // change is committed. Whatever is shown after it waits until the change is on disk (`beforeShowing`); a
    // press that shows nothing more asks for no sync of its own: its redraw waits for one, and one sync
    // covers every change made before it (a burst of clicks shares it).
    const ackOnce = async () => {
      acked ??= ack();
      await acked;
    };
    const beforeShowing = async () => {
      await ackOnce();
      if (o.ackAfter) await deps.durability.durable();
    };
    if (!o.ackAfter) await ackOnce();
    const where = whereClicked(body, respond);
    const ref = decodeRef(action.value);
    const log = deps.logger.child({ user: body.user.id, deploymentId: ref?.d, action: actionId });
    try {
      const run = (r: ActionRef) => () =>
        handle({ ref: r, user: body.user.id, triggerId: body.trigger_id, where, log, ack: beforeShowing });
      const result = !ref ? 'stale' : await (o.ackAfter ? deps.durability.deferred(run(ref)) : run(ref)());
      await ackOnce();
      if (result === 'stale') {
        await beforeShowing();
        await tell(deps.client, where, STALE_BUTTON, log);
      }
    } catch (error) {
      // A refusal is recorded before it is answered: the answer waits for that record to be on disk.
      await beforeShowing();
      if (context.retryNum && o.quietOnRetry && (error as { code?: string }).code === o.quietOnRetry) return;
      await tell(deps.client, where, presentError(error, log), log);
    }
  });
}
