import type { WebClient } from '@slack/web-api';
import type { TeamConfig } from '../../config/team.js';
import type { Clock } from '../../core/clock.js';
import type { TemplateCatalog } from '../../core/template/catalog.js';
import type { Durability } from '../../storage/durability.js';
import type { Logger } from '../../support/logger.js';
import type { DeploymentService } from '../../usecases/deployments.js';
import type { HealthCheckUseCase } from '../../usecases/health-checks.js';
import type { HomeUseCase } from '../../usecases/home.js';
import type { RollbackService } from '../../usecases/rollback.js';
import type { StartUseCase } from '../../usecases/start.js';
import type { CalendarUseCase } from '../../usecases/calendar.js';
import type { ChannelAccessLookup } from '../membership.js';
import type { Responders } from '../reply.js';
import type { MessageSync } from '../sync.js';

/** What every listener may use. Passed explicitly; nothing global. */
export interface ListenerDeps {
  service: DeploymentService;
  /** Starting a deployment (the form's one door). */
  starts: StartUseCase;
  /** The deploy calendar: allowed hours, freezes (/deploy freeze, /deploy unfreeze), overlapping windows. */
  calendar: CalendarUseCase;
  templates: TemplateCatalog;
  /** The team configuration (NO_TEAM_CONFIG without a file). */
  team: TeamConfig;
  /** User ids for user ids, user group ids and @handles, from the last user group lookup. */
  expandUsers: (entries: readonly string[]) => string[];
  /** The *Run health checks* button's use case. */
  healthChecks: HealthCheckUseCase;
  /** Rollbacks and environment locks. */
  rollback: RollbackService;
  sync: MessageSync;
  /** Commits of buttons (`ackAfter`) and forms: synced to disk off the event loop, before anything shows them. */
  durability: Pick<Durability, 'deferred' | 'durable' | 'synced'>;
  /** What a person's App Home shows. */
  home: HomeUseCase;
  /** Who sees a deployment in a private channel (its members), for lists, status and App Home. */
  access: ChannelAccessLookup;
  /** How to answer the people who clicked lately, noted as their requests come in. */
  responders: Responders;
  /** Views, ephemerals: paced, and refused rather than kept waiting past a trigger_id's life (clients.ts). */
  client: WebClient;
  /** App Home's publishes: paced with the rest, and waiting for their turn however long (no trigger_id expires). */
  homeClient: WebClient;
  clock: Clock;
  logger: Logger;
}
