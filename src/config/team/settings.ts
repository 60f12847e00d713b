import type { Environment } from '../../core/deployment/types.js';
import type { OverrideRule } from '../../core/policy/policy.js';
import type { Layer, LOCATIONS, LOCKABLE } from './schema.js';

/** A hook Liftoff may call (`HookConfig` in src/hooks/call.ts). */
export interface HookConfig {
  url: string;
  allowedHosts: string[];
  timeoutMs: number;
  headers?: Record<string, string>;
  showResponseBody?: boolean;
}

/** `health_check_settings`: the requests' protections are a hook's (`allowedHosts`, `timeoutMs`, `headers`). */
export interface HealthCheckSettings {
  baseUrl: string | null;
  allowedHosts: string[];
  timeoutMs: number;
  headers?: Record<string, string>;
  everyMinutes: number | null;
}

/** What the configuration says about one service in one environment (all layers merged). */
export interface Settings {
  service: string;
  environment: Environment;
  deployChannel: string | null;
  announceChannel: string | null;
  opsChannel: string | null;
  templateId: string | null;
  /** Role → user ids, user group ids and @handles, as written. */
  approvers: Record<string, string[]>;
  rollbackUsers: string[];
  /** Who may start a deployment of it (user ids, group ids, @handles); null: anyone. */
  deployers: string[] | null;
  /** Who overrides a gate; null: the default (a second person in production, else the deployer). */
  overrides: OverrideRule | null;
  deployerMayApprove: boolean;
  hooks: { rollback: HookConfig | null; maintenanceStart: HookConfig | null; maintenanceEnd: HookConfig | null };
  healthChecks: Array<{ endpoint: string; expected: string; status?: number }>;
  /** How Liftoff runs the health checks (`health_check_settings`); null: it does not, they are shown as text. */
  healthCheckSettings: HealthCheckSettings | null;
  communication: {
    announcementHoursBefore: number | null;
    reminderHoursBefore: number | null;
    progressEveryMinutes: number | null;
    monitoringMinutes: number | null;
  };
  location: (typeof LOCATIONS)[number];
  locked: Array<(typeof LOCKABLE)[number]>;
}

type HookFrom = (raw: NonNullable<Layer['hooks']>['rollback'] | undefined) => HookConfig | null;
type HeadersFrom = (raw: Record<string, string> | undefined) => Record<string, string> | undefined;

/** Merges layers, least specific first: each key of a later layer replaces the earlier one (approvers by role). */
export function mergeLayers(
  service: string,
  environment: Environment,
  layers: Layer[],
  hook: HookFrom,
  headersOf: HeadersFrom = (h) => h,
): Settings {
  const last = <T>(pick: (l: Layer) => T | undefined): T | undefined => {
    for (let i = layers.length - 1; i >= 0; i--) {
      const v = pick(layers[i]!);
      if (v !== undefined) return v;
    }
    return undefined;
  };
  const approvers: Record<string, string[]> = {};
  for (const l of layers) Object.assign(approvers, l.approvers ?? {});
  return {
    service,
    environment,
    deployChannel: last((l) => l.deploy_channel) ?? null,
    announceChannel: last((l) => l.announce_channel) ?? null,
    opsChannel: last((l) => l.ops_channel) ?? null,
    templateId: last((l) => l.template) ?? null,
    approvers,
    rollbackUsers: last((l) => l.rollback_users) ?? [],
    deployers: last((l) => l.deployers) ?? null,
    overrides: last((l) => l.overrides?.[environment]) ?? null,
    deployerMayApprove: last((l) => l.deployer_may_approve) ?? false,
    hooks: {
      rollback: hook(last((l) => l.hooks?.rollback)),
      maintenanceStart: hook(last((l) => l.hooks?.maintenance?.start)),
      maintenanceEnd: hook(last((l) => l.hooks?.maintenance?.end)),
    },
    healthChecks: (last((l) => l.health_checks) ?? []).map((h) => ({
      endpoint: h.url,
      expected: h.expect,
      ...(h.status ? { status: h.status } : {}),
    })),
    healthCheckSettings: healthCheckSettingsOf(
      last((l) => l.health_check_settings),
      headersOf,
    ),
    communication: {
      announcementHoursBefore: last((l) => l.communication?.announcement_hours_before) ?? null,
      reminderHoursBefore: last((l) => l.communication?.reminder_hours_before) ?? null,
      progressEveryMinutes: last((l) => l.communication?.progress_every_minutes) ?? null,
      monitoringMinutes: last((l) => l.communication?.monitoring_minutes) ?? null,
    },
    location: last((l) => l.location) ?? 'thread',
    locked: last((l) => l.locked) ?? [],
  };
}

function healthCheckSettingsOf(
  raw: Layer['health_check_settings'],
  headersOf: HeadersFrom,
): HealthCheckSettings | null {
  if (!raw) return null;
  const headers = headersOf(raw.headers);
  return {
    baseUrl: raw.base_url ?? null,
    allowedHosts: raw.allowed_hosts,
    timeoutMs: raw.timeout_ms,
    ...(headers ? { headers } : {}),
    everyMinutes: raw.every_minutes ?? null,
  };
}

/** Expands "${NAME}" from the environment; the names that are not set are returned apart. */
export function expandEnv(
  value: string,
  env: Record<string, string | undefined>,
): { value: string; missing: string[] } {
  const missing: string[] = [];
  const out = value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => {
    const v = env[name];
    if (v === undefined) missing.push(name);
    return v ?? '';
  });
  return { value: out, missing };
}
