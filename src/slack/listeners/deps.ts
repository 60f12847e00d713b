import type { WebClient } from '@slack/web-api';
import type { Clock } from '../../core/clock.js';
import type { TemplateCatalog } from '../../core/template/catalog.js';
import type { Logger } from '../../support/logger.js';
import type { DeploymentService } from '../../usecases/deployments.js';
import type { MessageSync } from '../sync.js';

/** What every listener may use. Passed explicitly; nothing global. */
export interface ListenerDeps {
  service: DeploymentService;
  templates: TemplateCatalog;
  sync: MessageSync;
  client: WebClient;
  clock: Clock;
  logger: Logger;
}
