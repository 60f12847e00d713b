import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { DEFAULT_POLICY, type Policy } from '../core/deployment/decide.js';
import { defaultOverrideRule } from '../core/policy/policy.js';
import { ENVIRONMENTS, type Deployment, type Environment } from '../core/deployment/types.js';
import { OPEN_CALENDAR, type Calendar } from '../core/schedule/calendar.js';
import type { Template } from '../core/template/schema.js';
import { ConfigError, isConfigError } from './errors.js';
import { readCalendar } from './team/calendar.js';
import { pipelineProblems, readPipelines, type PipelineConfig } from './team/pipelines.js';
import { salvage } from './team/salvage.js';
import { TeamConfigSchema, type Layer, type RawTeamConfig } from './team/schema.js';
import { expandEnv, mergeLayers, type HookConfig, type Settings } from './team/settings.js';
import {
  BUILT_IN_TEMPLATES_DIR,
  loadTemplates,
  readTemplateFolder,
  yamlLine,
  type LoadedTemplate,
} from './templates.js';

export type { Settings } from './team/settings.js';

/** A mistake in the team configuration, at its path in the file ("services.checkout.template"). */
export interface ConfigProblem {
  path: string;
  message: string;
  line?: number;
  /** A template file of templates_dir that was refused: the start skips it and loads the rest; `config check` still fails. */
  skipped?: true;
}

/** The team configuration, checked. With no file, everything is chosen in the start form. */
export interface TeamConfig {
  /** The file it was read from; null when there is none. */
  source: string | null;
  /** The configured services, in file order. */
  services: string[];
  /** Whether the start form also takes a service not in `services`. */
  freeTextServices: boolean;
  /** User group handle (without "@") → id, from the file. */
  userGroups: Record<string, string>;
  dedicatedChannels: { prefix: string; archiveAfterHours: number; private: boolean };
  templatesDir: string | null;
  /** Hosts whose http:// links are accepted as evidence; every other link must be https://. */
  evidenceHttpHosts: string[];
  /** The team's admins (user ids, group ids, @handles). */
  admins: string[];
  /** Hand locks: how long they last, and when their holder is reminded. */
  locks: { expiryHours: number; remindMinutesBefore: number };
  /** The merged settings for a service in an environment; null when the file says nothing about it. */
  settingsFor(service: string, environment: Environment): Settings | null;
  /** Every user group (handle or id) the file names, with where. */
  groupReferences(): Array<{ path: string; group: string }>;
  /** The pipelines that may call the HTTP API, with their tokens. */
  pipelines: PipelineConfig[];
  /** The deploy calendar: allowed hours per environment and planned freezes (`calendar`). */
  calendar: Calendar;
}

export const NO_TEAM_CONFIG: TeamConfig = {
  source: null,
  services: [],
  freeTextServices: true,
  userGroups: {},
  dedicatedChannels: { prefix: 'deploy', archiveAfterHours: 24, private: false },
  templatesDir: null,
  evidenceHttpHosts: [],
  admins: [],
  locks: { expiryHours: 24, remindMinutesBefore: 60 },
  settingsFor: () => null,
  groupReferences: () => [],
  pipelines: [],
  calendar: OPEN_CALENDAR,
};

export interface TeamSetup {
  team: TeamConfig;
  /** The built-in templates, then the team's own (templates_dir). */
  templates: LoadedTemplate[];
  /** Template files of templates_dir that were refused and left out, each with why. */
  skipped?: ConfigProblem[];
}

export interface CheckedSetup extends Partial<TeamSetup> {
  problems: ConfigProblem[];
}

type PolicyTarget = Pick<Deployment, 'service' | 'environment'>;
type Env = Record<string, string | undefined>;
type RawHook = NonNullable<NonNullable<Layer['hooks']>['rollback']>;

/**
 * Reads and checks the team configuration and the templates it brings. Every
 * problem is collected (never only the first); `team` is set only when there
 * are none. `file` null: no configuration, the built-in templates only.
 */
export function checkTeamSetup(file: string | null, env: Env, builtInDir = BUILT_IN_TEMPLATES_DIR): CheckedSetup {
  const builtIns = [...loadTemplates(builtInDir).values()];
  if (!file) return { team: NO_TEAM_CONFIG, templates: builtIns, problems: [] };
  if (!existsSync(file)) return { problems: [{ path: '(file)', message: `${file} does not exist` }] };

  const lineCounter = new LineCounter();
  const doc = parseDocument(readFileSync(file, 'utf8'), { prettyErrors: false, lineCounter });
  if (doc.errors.length) {
    return {
      problems: doc.errors.map((e) => ({
        path: '(YAML syntax)',
        message: e.message.split('\n')[0]!,
        line: lineCounter.linePos(e.pos[0]).line,
      })),
    };
  }
  const lineAt = (path: string): number | undefined => yamlLine(doc, lineCounter, path);
  const js: unknown = doc.toJS() ?? {};
  const parsed = TeamConfigSchema.safeParse(js);
  // With mistakes in the shape, the parts that are well formed are still checked.
  const problems: ConfigProblem[] = parsed.success ? [] : zodConfigProblems(parsed.error);
  const raw = parsed.success ? parsed.data : salvage(js);
  const templates = [...builtIns];
  let templatesDir: string | null = null;
  let templatesComplete = true;
  if (raw.templates_dir) {
    templatesDir = resolve(dirname(file), raw.templates_dir);
    try {
      const folder = readTemplateFolder(templatesDir);
      problems.push(
        ...folder.refused.map((r) => ({ path: 'templates_dir', message: r.message, skipped: true as const })),
      );
      for (const t of folder.templates.values()) {
        const same = templates.find((b) => b.template.id === t.template.id);
        if (same)
          problems.push({
            path: 'templates_dir',
            message: `${t.source} uses the template id "${t.template.id}", already taken by ${same.source}; rename the file or its id`,
            skipped: true,
          });
        else templates.push(t);
      }
    } catch (error) {
      if (!isConfigError(error)) throw error;
      problems.push({ path: 'templates_dir', message: error.message });
      templatesComplete = false;
    }
  }
  const byId = new Map(templates.map((t) => [t.template.id, t.template]));
  const reported = new Set(problems.map((p) => p.path));
  problems.push(...crossCheck(raw, byId, env, templatesComplete).filter((p) => !reported.has(p.path)));
  problems.push(...pipelineProblems(raw.pipelines, env).filter((p) => !reported.has(p.path)));
  if (problems.some((p) => !p.skipped) || !parsed.success) return { templates, problems: withLines(problems, lineAt) };
  return { team: buildTeamConfig(file, raw, templatesDir, env), templates, problems };
}

/** Like `checkTeamSetup`, for the start: any problem is a ConfigError listing them all. */
export function loadTeamSetup(file: string | null, env: Env, builtInDir = BUILT_IN_TEMPLATES_DIR): TeamSetup {
  const checked = checkTeamSetup(file, env, builtInDir);
  if (checked.team && checked.templates)
    return { team: checked.team, templates: checked.templates, skipped: checked.problems };
  throw new ConfigError(formatConfigProblems(file ?? '(no file)', checked.problems));
}

/**
 * The policy of each deployment from its service's settings; `expand` turns user groups into user ids.
 * A gate of production is overridden by a second person unless the configuration says `deployer` (defaultOverrideRule).
 */
export function teamPolicy(
  team: TeamConfig,
  expand: (entries: readonly string[]) => string[],
): (d: PolicyTarget) => Policy {
  return ({ service, environment }) => {
    const s = team.settingsFor(service, environment);
    const base: Policy = {
      ...DEFAULT_POLICY,
      admins: expand(team.admins),
      overrides: defaultOverrideRule(environment),
    };
    if (!s) return base;
    return {
      ...base,
      deployerMayApprove: s.deployerMayApprove,
      defaultMonitoringMinutes: s.communication.monitoringMinutes ?? DEFAULT_POLICY.defaultMonitoringMinutes,
      rollbackUsers: expand(s.rollbackUsers),
      deployers: s.deployers ? expand(s.deployers) : null,
      overrides: s.overrides ?? base.overrides,
    };
  };
}

/** What `config check` warns about without refusing the file: production environments with hooks that anyone may deploy. */
export function configWarnings(team: TeamConfig): string[] {
  const out: string[] = [];
  for (const service of team.services) {
    const s = team.settingsFor(service, 'production');
    const hooks = s ? Object.values(s.hooks).some((h) => h !== null) : false;
    if (s && hooks && !s.deployers) {
      out.push(
        `services.${service}.environments.production: it calls hooks, but no \`deployers\` is set, so anyone may start a deployment of it`,
      );
    }
  }
  return out;
}

export function formatConfigProblems(source: string, problems: ConfigProblem[]): string {
  const lines = problems.map((p) => `  - ${p.path}: ${p.message}${p.line ? ` (line ${p.line})` : ''}`);
  return [
    `The team configuration ${source} has ${problems.length === 1 ? 'a mistake' : `${problems.length} mistakes`}:`,
    ...lines,
  ].join('\n');
}

/** Every layer of the file with its path, least specific first within each service. */
function layersOf(raw: RawTeamConfig): Array<{ path: string; layer: Layer; inherits: Layer[] }> {
  const out: Array<{ path: string; layer: Layer; inherits: Layer[] }> = [];
  const defaults = raw.defaults ?? {};
  if (raw.defaults) out.push({ path: 'defaults', layer: raw.defaults, inherits: [] });
  for (const [name, service] of Object.entries(raw.services ?? {})) {
    out.push({ path: `services.${name}`, layer: service, inherits: [defaults] });
    for (const [env, layer] of Object.entries(service.environments ?? {})) {
      out.push({ path: `services.${name}.environments.${env}`, layer, inherits: [defaults, service] });
    }
  }
  return out;
}

/** Checks across the file. `templatesComplete` false: templates_dir could not be read, so templates are not checked. */
function crossCheck(
  raw: RawTeamConfig,
  templates: Map<string, Template>,
  env: Env,
  templatesComplete: boolean,
): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const ids = [...templates.keys()];
  const allRoles = new Set([...templates.values()].flatMap((t) => t.approvals.map((a) => a.role)));

  for (const [name, service] of Object.entries(raw.services ?? {})) {
    for (const env of Object.keys(service.environments ?? {})) {
      if (!(ENVIRONMENTS as readonly string[]).includes(env)) {
        problems.push({
          path: `services.${name}.environments.${env}`,
          message: `unknown environment; use ${ENVIRONMENTS.join(', ')}`,
        });
      }
    }
  }
  for (const { path, layer, inherits } of layersOf(raw)) {
    if (templatesComplete && layer.template && !templates.has(layer.template)) {
      problems.push({
        path: `${path}.template`,
        message: `unknown template "${layer.template}"; loaded templates: ${ids.join(', ')}`,
      });
    }
    const templateId = layer.template ?? [...inherits].reverse().find((l) => l.template)?.template;
    const template = templateId ? templates.get(templateId) : undefined;
    for (const role of Object.keys(layer.approvers ?? {})) {
      if (!templatesComplete) break;
      const known = template ? template.approvals.some((a) => a.role === role) : allRoles.has(role);
      if (!known) {
        const roles = template ? template.approvals.map((a) => a.role) : [...allRoles];
        problems.push({
          path: `${path}.approvers.${role}`,
          message: `unknown approval role${template ? ` in template "${template.id}"` : ''}; roles: ${roles.join(', ')}`,
        });
      }
    }
    const hooks: Array<[string, Pick<RawHook, 'url' | 'allowed_hosts' | 'headers'> | undefined]> = [
      ['hooks.rollback', layer.hooks?.rollback],
      ['hooks.maintenance.start', layer.hooks?.maintenance?.start],
      ['hooks.maintenance.end', layer.hooks?.maintenance?.end],
    ];
    (layer.health_checks ?? []).forEach((check, i) => {
      const url = new URL(check.url);
      if (url.username || url.password)
        problems.push({
          path: `${path}.health_checks.${i}.url`,
          message:
            'it holds credentials (user:password@); give them as a header in health_check_settings, e.g. Authorization: "Bearer ${HEALTH_TOKEN}"',
        });
    });
    // Health checks reach hosts with the protections of a hook; their base URL is checked like a hook's URL.
    const checks = layer.health_check_settings;
    if (checks)
      hooks.push(['health_check_settings', { ...checks, url: checks.base_url ?? `http://${checks.allowed_hosts[0]}` }]);
    for (const [at, hook] of hooks) {
      if (!hook) continue;
      const host = new URL(hook.url).hostname.toLowerCase();
      if (!hook.allowed_hosts.some((h) => h.toLowerCase() === host)) {
        problems.push({
          path: `${path}.${at}.${at === 'health_check_settings' ? 'base_url' : 'url'}`,
          message: `its host ${host} is not in allowed_hosts (${hook.allowed_hosts.join(', ')})`,
        });
      }
      const url = new URL(hook.url);
      if (url.username || url.password) {
        problems.push({
          path: `${path}.${at}.url`,
          message:
            'it holds credentials (user:password@); put them in a header whose value comes from an environment variable, e.g. Authorization: "Bearer ${HOOK_TOKEN}"',
        });
      }
      for (const [header, value] of Object.entries(hook.headers ?? {})) {
        const { value: expanded, missing } = expandEnv(value, env);
        if (missing.length)
          problems.push({
            path: `${path}.${at}.headers.${header}`,
            message: `the environment variable ${missing.join(', ')} is not set`,
          });
        // eslint-disable-next-line no-control-regex
        if (/[\u0000-\u001f\u007f]/.test(expanded))
          problems.push({
            path: `${path}.${at}.headers.${header}`,
            message: 'its value holds a control character (a line break or tab?); it is not sent',
          });
      }
    }
    const entries: Array<[string, string[]]> = [
      ...Object.entries(layer.approvers ?? {}).map(
        ([role, list]) => [`${path}.approvers.${role}`, list] as [string, string[]],
      ),
      ...(layer.rollback_users ? [[`${path}.rollback_users`, layer.rollback_users] as [string, string[]]] : []),
      ...(layer.deployers ? [[`${path}.deployers`, layer.deployers] as [string, string[]]] : []),
    ];
    for (const [at, list] of entries) {
      const seen = new Set<string>();
      for (const p of list) {
        if (seen.has(p)) problems.push({ path: at, message: `${p} is named twice` });
        seen.add(p);
      }
    }
  }
  return problems;
}

function buildTeamConfig(source: string, raw: RawTeamConfig, templatesDir: string | null, env: Env): TeamConfig {
  const services = raw.services ?? {};
  const headersOf = (raw: Record<string, string> | undefined) =>
    raw ? Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, expandEnv(v, env).value])) : undefined;
  const hook = (h: RawHook | undefined): HookConfig | null => {
    if (!h) return null;
    const headers = headersOf(h.headers);
    return {
      url: h.url,
      allowedHosts: h.allowed_hosts,
      timeoutMs: h.timeout_ms,
      ...(headers ? { headers } : {}),
      ...(h.show_response_body ? { showResponseBody: true } : {}),
    };
  };
  const userGroups = Object.fromEntries(
    Object.entries(raw.user_groups ?? {}).map(([h, id]) => [h.replace(/^@/, ''), id]),
  );
  return {
    source,
    services: Object.keys(services),
    freeTextServices: raw.free_text_services ?? Object.keys(services).length === 0,
    userGroups,
    dedicatedChannels: {
      prefix: raw.dedicated_channels?.prefix ?? 'deploy',
      archiveAfterHours: raw.dedicated_channels?.archive_after_hours ?? 24,
      private: raw.dedicated_channels?.private ?? false,
    },
    templatesDir,
    evidenceHttpHosts: raw.evidence_http_hosts ?? [],
    admins: raw.admins ?? [],
    locks: { expiryHours: raw.locks?.expiry_hours ?? 24, remindMinutesBefore: raw.locks?.remind_minutes_before ?? 60 },
    pipelines: readPipelines(raw.pipelines, env),
    calendar: readCalendar(raw.calendar),
    settingsFor(service, environment) {
      const s = Object.hasOwn(services, service) ? services[service] : undefined;
      if (!s && !raw.defaults) return null;
      const e = s?.environments && Object.hasOwn(s.environments, environment) ? s.environments[environment] : undefined;
      const layers = [raw.defaults, s, e].filter((l): l is Layer => l !== undefined);
      return mergeLayers(service, environment, layers, hook, headersOf);
    },
    groupReferences() {
      const out: Array<{ path: string; group: string }> = [];
      for (const p of raw.admins ?? []) if (!/^[UW]/.test(p)) out.push({ path: 'admins', group: p });
      for (const { path, layer } of layersOf(raw)) {
        for (const p of layer.deployers ?? []) if (!/^[UW]/.test(p)) out.push({ path: `${path}.deployers`, group: p });
        for (const [role, list] of Object.entries(layer.approvers ?? {})) {
          for (const p of list) if (!/^[UW]/.test(p)) out.push({ path: `${path}.approvers.${role}`, group: p });
        }
        for (const p of layer.rollback_users ?? [])
          if (!/^[UW]/.test(p)) out.push({ path: `${path}.rollback_users`, group: p });
      }
      return out;
    },
  };
}

/** zod issues as problems; an unknown key gets its own path and a hint. */
function zodConfigProblems(error: z.ZodError): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const issue of error.issues) {
    const path = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        problems.push({
          path: path ? `${path}.${key}` : key,
          message: 'not a setting Liftoff knows (check the spelling; data/liftoff.example.yml lists every key)',
        });
      }
    } else if (issue.code === 'invalid_union' && issue.errors.length) {
      // A list of people or a single entry: report what is wrong with the entries.
      const inner = issue.errors.flat().find((i) => i.code !== 'invalid_type') ?? issue.errors.flat()[0]!;
      const sub = inner.path.map(String).join('.');
      problems.push({ path: sub ? `${path}.${sub}` : path, message: inner.message });
    } else {
      problems.push({ path: path || '(top level)', message: issue.message });
    }
  }
  return problems;
}

function withLines(problems: ConfigProblem[], lineAt: (path: string) => number | undefined): ConfigProblem[] {
  return problems.map((p) => {
    const line = p.line ?? lineAt(p.path);
    return line ? { ...p, line } : p;
  });
}
