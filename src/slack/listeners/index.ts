import type { App } from '@slack/bolt';
import { registerActions } from './actions/index.js';
import { registerDeployCommand } from './commands/deploy.js';
import type { ListenerDeps } from './deps.js';
import { registerHome } from './events/home.js';
import { registerReasonViews } from './views/reasons.js';
import { registerStartView } from './views/start.js';

/** Every Bolt listener, by surface. */
export function registerListeners(app: App, deps: ListenerDeps): void {
  registerDeployCommand(app, deps);
  registerActions(app, deps);
  registerStartView(app, deps);
  registerReasonViews(app, deps);
  registerHome(app, deps);
}
