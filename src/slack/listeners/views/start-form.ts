import type { ModalView } from '@slack/types';
import type { Settings, TeamConfig } from '../../../config/team.js';
import { ENVIRONMENT_LABELS, type Environment } from '../../../core/deployment/types.js';
import { freezeText, hoursText, localText, type Freeze } from '../../../core/schedule/calendar.js';
import type { CalendarUseCase } from '../../../usecases/calendar.js';
import type { TemplateCatalog } from '../../../core/template/catalog.js';
import { startModal } from '../../views/modals/index.js';
import { offeredTimingsFor } from '../../../config/team/plan.js';

export interface StartFormDeps {
  templates: TemplateCatalog;
  team: TeamConfig;
  /** User ids for the user ids, group ids and @handles the configuration names. */
  expandUsers: (entries: readonly string[]) => string[];
  /** The freezes in force (the configuration's and those set by command). */
  calendar?: Pick<CalendarUseCase, 'freezes'>;
}

export interface StartFormState {
  service?: string | undefined;
  version?: string | undefined;
  environment?: Environment | undefined;
  /** The template chosen in the form; the service's (or the default) when absent. */
  templateId?: string | undefined;
  deployerId: string;
  channelId: string;
  /** The fill version (see StartFill); 0 before the configuration filled anything. */
  fill: number;
  now: number;
}

export { isEnvironment } from '../../../usecases/start.js';

/** The configured settings for what the form shows, if any. */
export function settingsOf(
  team: TeamConfig,
  service: string | undefined,
  environment: Environment | undefined,
): Settings | null {
  return service && environment ? team.settingsFor(service, environment) : null;
}

/** Where a calendar is in use: its hours and freezes for the chosen environment, for the form's note. */
function calendarOf(team: TeamConfig, freezes: Freeze[], environment: Environment | undefined, now: number) {
  const c = team.calendar;
  if (!Object.keys(c.allowed).length && !freezes.length) return {};
  if (!environment) return { calendar: { note: null } };
  const hours = hoursText(c, environment);
  const frozen = freezes
    .filter((f) => f.environments.includes(environment) && (f.until === null || f.until > now))
    .map((f) => `${f.from > now ? `from ${localText(f.from, c.timeZone)}, ` : ''}${freezeText(f, c.timeZone)}`);
  const parts = [
    ...(hours ? [`${ENVIRONMENT_LABELS[environment]} is deployed ${hours}.`] : []),
    ...frozen.map((f) => `${ENVIRONMENT_LABELS[environment]} is ${f}.`),
  ];
  return { calendar: { note: parts.length ? parts.join(' ') : null } };
}

/** The start form, filled in from the team configuration for the chosen service and environment. */
export function startForm({ templates, team, expandUsers, calendar }: StartFormDeps, state: StartFormState): ModalView {
  const settings = settingsOf(team, state.service, state.environment);
  const configured = settings?.templateId && templates.get(settings.templateId) ? settings.templateId : undefined;
  const chosen = settings?.locked.includes('template')
    ? configured
    : state.templateId && templates.get(state.templateId)
      ? state.templateId
      : configured;
  const template = templates.get(chosen ?? templates.defaultId);
  return startModal({
    ...(template ? { timings: offeredTimingsFor(template, settings) } : {}),
    templates: templates.all().map((t) => ({ id: t.id, name: t.name, roles: t.approvals })),
    templateId: chosen ?? templates.defaultId,
    prefill: { service: state.service, version: state.version, environment: state.environment },
    deployerId: state.deployerId,
    channelId: state.channelId,
    now: state.now,
    ...calendarOf(team, calendar?.freezes() ?? team.calendar.freezes, state.environment, state.now),
    ...(team.services.length ? { services: { names: team.services, freeText: team.freeTextServices } } : {}),
    ...(settings
      ? {
          fill: {
            version: state.fill,
            approvers: Object.fromEntries(
              Object.entries(settings.approvers).map(([role, who]) => [role, expandUsers(who)]),
            ),
            deployChannelId: settings.deployChannel,
            announceChannelId: settings.announceChannel,
            locked: settings.locked,
            location: settings.location,
          },
        }
      : state.fill
        ? { fill: { version: state.fill } }
        : {}),
  });
}
