import type { App } from '@slack/bolt';
import { ActionId } from '../../ids.js';
import { tell } from '../../reply.js';
import { plural } from '../../views/format.js';
import { onButton } from '../button.js';
import type { ListenerDeps } from '../deps.js';

/** *Run health checks*: the use case plans the run and Slack is answered; the result follows in the thread. */
export function registerHealthCheckActions(app: App, deps: ListenerDeps): void {
  onButton(
    app,
    deps,
    ActionId.runHealthChecks,
    async ({ ref, user, where, log, ack }) => {
      const { checks } = deps.healthChecks.request(ref.d, user);
      await ack();
      await tell(
        deps.client,
        where,
        { text: `🩺 Running ${plural(checks, 'health check')}; the result follows in the thread.` },
        log,
      );
    },
    { ackAfter: true, quietOnRetry: 'already_done' },
  );
}
