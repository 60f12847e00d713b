import type { App, BlockAction, ButtonAction, Middleware, SlackActionMiddlewareArgs } from '@slack/bolt';
import { ActionId, decodeHistoryPage } from '../../ids.js';
import { presentError, tell } from '../../reply.js';
import { historyMessage } from '../../views/history.js';
import type { ListenerDeps } from '../deps.js';
import type { HomePublisher } from '../../home.js';
import { permalinksOf } from '../permalinks.js';
import { historySeenBy } from '../../../usecases/seen.js';

type PageButton = Middleware<SlackActionMiddlewareArgs<BlockAction<ButtonAction>>>;

const STALE = { text: 'That button is out of date. Run `/deploy history` again.' };

/** Previous/Next under a history page: the ephemeral answer is replaced in place; Home is republished. */
export function registerHistoryActions(app: App, deps: ListenerDeps, homes: HomePublisher): void {
  const inMessage: PageButton = async ({ ack, body, action, respond }) => {
    await ack();
    const where = { user: body.user.id, channel: body.channel?.id, respond };
    const log = deps.logger.child({ user: body.user.id, action: action.action_id });
    const ref = decodeHistoryPage(action.value);
    try {
      if (!ref) return void (await tell(deps.client, where, STALE, log));
      const page = await historySeenBy(deps, body.user.id, { service: ref.s, environment: ref.e }, ref.p);
      const answer = historyMessage(page, await permalinksOf(deps, page.deployments));
      await respond({ response_type: 'ephemeral', replace_original: true, ...answer } as never);
    } catch (error) {
      await tell(deps.client, where, presentError(error, log), log);
    }
  };
  const inHome: PageButton = async ({ ack, body, action }) => {
    await ack();
    await homes.publish(body.user.id, decodeHistoryPage(action.value)?.p ?? 1);
  };
  for (const id of [ActionId.historyPrevious, ActionId.historyNext]) app.action(id, inMessage);
  for (const id of [ActionId.homeHistoryPrevious, ActionId.homeHistoryNext]) app.action(id, inHome);
}
