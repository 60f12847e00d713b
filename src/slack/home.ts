import type { HomeView } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import type { Logger } from '../support/logger.js';
import { drawnAtTurn } from './clients.js';

/** App Home, published to Slack: what each open of the Home tab, and each page of its history, asks for. */
export interface HomePublisher {
  /**
   * Publishes `user`'s Home with page `page` of its history. Resolves once Slack has it, or once it
   * failed (logged: the person opens Home again to retry).
   */
  publish(user: string, page?: number): Promise<void>;
}

interface Asked {
  page: number;
  /** The view is being drawn or sent: what changes from now on needs one more publish. */
  drawn: boolean;
  again: boolean;
  done: Promise<void>;
}

/**
 * App Home publishing, one person at a time each.
 * - Nothing asked is lost: a publish waits for its turn in views.publish's minute however long it
 *   takes (`client` has no deadline). A Home has no trigger_id to expire; refused after a second,
 *   as a form would be, it stayed as it was until the person opened it again.
 * - What goes is what is true when it goes: the view is drawn when the call's turn comes.
 * - A person's asks coalesce: while their Home waits for its turn, another open only sets the page;
 *   once it is drawn, one more publish follows with what changed meanwhile, never one per open.
 */
export function createHomePublisher({
  client,
  draw,
  logger,
}: {
  client: WebClient;
  draw: (user: string, page: number) => Promise<HomeView>;
  logger: Logger;
}): HomePublisher {
  const asked = new Map<string, Asked>();

  /** Publishes `user`'s Home, once more each time it was asked again while being drawn or sent. */
  async function publishLatest(user: string, a: Asked): Promise<void> {
    try {
      do {
        a.again = false;
        a.drawn = false;
        try {
          await client.views.publish(
            drawnAtTurn(async () => {
              a.drawn = true;
              return { user_id: user, view: await draw(user, a.page) };
            }),
          );
        } catch (error) {
          logger.with('warn', 'could not publish App Home', { user, error });
        }
      } while (a.again);
    } finally {
      asked.delete(user);
    }
  }

  return {
    publish(user, page = 1) {
      const waiting = asked.get(user);
      if (waiting) {
        waiting.page = page;
        if (waiting.drawn) waiting.again = true;
        return waiting.done;
      }
      const a: Asked = { page, drawn: false, again: false, done: Promise.resolve() };
      asked.set(user, a);
      a.done = publishLatest(user, a);
      return a.done;
    },
  };
}
