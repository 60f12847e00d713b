import type { App } from '@slack/bolt';
import type { Where } from '../reply.js';
import { registerActions } from './actions/index.js';
import { registerHistoryActions } from './actions/history.js';
import { registerHealthCheckActions } from './actions/health-checks.js';
import { registerRollbackActions } from './actions/rollback.js';
import { registerDeployCommand } from './commands/deploy.js';
import type { ListenerDeps } from './deps.js';
import { drawHome, registerHome } from './events/home.js';
import { createHomePublisher } from '../home.js';
import { registerMembership } from './events/membership.js';
import { registerReasonViews } from './views/reasons.js';
import { registerRescheduleActions } from './actions/reschedule.js';
import { registerRescheduleView } from './views/reschedule.js';
import { registerRollbackViews } from './views/rollback.js';
import { registerStartView } from './views/start.js';
import { registerUnknownRequests } from './unknown.js';
import { guardModalErrors } from './modal-errors.js';
import { routedById } from './router.js';

/** Every Bolt listener, by surface (buttons and forms found by their id in one lookup: router.ts). */
export function registerListeners(bolt: App, deps: ListenerDeps): void {
  const app = routedById(bolt);
  guardModalErrors(app);
  // Whoever clicked can be answered through the click's response_url by what the click set off (a redraw that fails on the token).
  app.use(async (args) => {
    const { body, next } = args;
    const respond = (args as { respond?: Where['respond'] }).respond;
    const user = (body as { user?: { id?: unknown } }).user?.id;
    if (respond && typeof user === 'string') deps.responders.note({ user, respond });
    await next();
  });
  registerDeployCommand(app, deps);
  registerActions(app, deps);
  registerStartView(app, deps);
  registerReasonViews(app, deps);
  registerRescheduleActions(app, deps);
  registerRescheduleView(app, deps);
  registerRollbackActions(app, deps);
  registerRollbackViews(app, deps);
  // One publisher for the Home tab and its history pages: a person's asks coalesce (home.ts).
  const homes = createHomePublisher({
    client: deps.homeClient,
    draw: (user, page) => drawHome(deps, user, page),
    logger: deps.logger,
  });
  registerHome(app, homes);
  registerHistoryActions(app, deps, homes);
  registerHealthCheckActions(app, deps);
  registerUnknownRequests(app, deps);
  registerMembership(app, deps);
}
