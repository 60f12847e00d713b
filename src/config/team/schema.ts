import { z } from 'zod';
import { TIMING_BOUNDS } from '../../core/deployment/input-timings.js';
import { ENVIRONMENTS } from '../../core/deployment/types.js';
import { OVERRIDE_RULES } from '../../core/policy/policy.js';
import { CalendarSchema } from './calendar.js';
import { PipelinesSchema } from './pipelines.js';

/**
 * The team configuration file (LIFTOFF_CONFIG), as YAML. data/liftoff.example.yml
 * documents every key. A "layer" of settings can appear at the top (`defaults`),
 * per service, and per environment of a service; the most specific one wins.
 */

/** A Slack user id, a user group id or a user group handle: "U0123ABCD", "S0123ABCD", "@qa". */
export const PRINCIPAL = /^(?:[UW][A-Z0-9]{2,20}|S[A-Z0-9]{2,20}|@[a-z0-9][a-z0-9._-]{0,79})$/;

const principal = z
  .string()
  .trim()
  .refine((s) => PRINCIPAL.test(s), {
    error: (i) =>
      `"${String(i.input).slice(0, 40)}" is neither a Slack user id (U…), a user group id (S…) nor a user group handle (@name)`,
  });

const principals = z.union([principal.transform((p) => [p]), z.array(principal).max(50, 'at most 50 entries')]);

const channel = z
  .string()
  .trim()
  .regex(/^[CG][A-Z0-9]{2,20}$/, 'use the channel id (C… or G…: channel details → About, at the bottom), not its name');

const positive = (max: number) => z.number().positive('must be more than 0').max(max, `at most ${max}`);

export const HookSchema = z.strictObject({
  /** Called with a POST and a JSON body describing the deployment. */
  url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
  /** The only hosts the hook may reach: the URL's host must be one of them. */
  allowed_hosts: z.array(z.string().trim().min(1).max(253)).min(1, 'name at least the host of the URL'),
  timeout_ms: z.number().int().min(100).max(60_000, 'at most 60000 (one minute)').default(5_000),
  /** Extra request headers; "${NAME}" in a value is replaced by the environment variable NAME. */
  headers: z.record(z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'not a header name'), z.string().max(2000)).optional(),
  /** Show the start of the hook's answer in the thread (cut short, header values redacted). Off by default. */
  show_response_body: z.boolean().default(false),
});

export const LOCKABLE = ['template', 'approvers', 'channels'] as const;
export const LOCATIONS = ['thread', 'channel'] as const;

export const LayerSchema = z.strictObject({
  /** Where deployments of the service run (their parent message and thread). */
  deploy_channel: channel.optional(),
  /** Where stakeholders and users are told (announcements, reminders, completion). */
  announce_channel: channel.optional(),
  /** The operations channel: copies of the start, issue, completion and rollback notices. */
  ops_channel: channel.optional(),
  /** The template preselected for the service (a built-in one or one in templates_dir). */
  template: z.string().trim().min(1).optional(),
  /** Role id (dev_lead, qa_lead, ops_lead, product_owner, or the template's own) → who may sign. */
  approvers: z.record(z.string(), principals).optional(),
  /** Who may roll back besides the deployer and the approvers. */
  rollback_users: principals.optional(),
  /** Who may start a deployment (and be its deployer); unset: anyone. */
  deployers: principals.optional(),
  /** Per environment, who overrides a gate: `second_person` (granted by an approver or an admin) or `deployer`. */
  overrides: z
    .partialRecord(
      z.enum(ENVIRONMENTS, { error: `use ${ENVIRONMENTS.join(', ')}` }),
      z.enum(OVERRIDE_RULES, { error: `use ${OVERRIDE_RULES.join(' or ')}` }),
    )
    .optional(),
  deployer_may_approve: z.boolean().optional(),
  hooks: z
    .strictObject({
      rollback: HookSchema.optional(),
      maintenance: z.strictObject({ start: HookSchema.optional(), end: HookSchema.optional() }).optional(),
    })
    .optional(),
  health_checks: z
    .array(
      z.strictObject({
        url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
        expect: z.string().max(300).default(''),
        /** The status it must answer; unset: any 2xx. */
        status: z.number().int().min(100).max(599).optional(),
      }),
    )
    .max(20)
    .optional(),
  /** How Liftoff runs the health checks itself (the *Run health checks* button, and during monitoring). */
  health_check_settings: z
    .strictObject({
      /** Where a relative endpoint ("/healthz") of the template points, e.g. https://checkout.staging.example.com. */
      base_url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
      /** The only hosts a health check may reach; any other endpoint is refused without a request. */
      allowed_hosts: z.array(z.string().trim().min(1).max(253)).min(1, 'name at least one host'),
      timeout_ms: z.number().int().min(100).max(60_000, 'at most 60000 (one minute)').default(5_000),
      /** Extra request headers; "${NAME}" in a value is replaced by the environment variable NAME. Never shown. */
      headers: z.record(z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'not a header name'), z.string().max(2000)).optional(),
      /** Run the checks every so many minutes during the monitoring window; unset: only by the button. */
      every_minutes: z
        .number()
        .int('a whole number of minutes')
        .min(1)
        .max(24 * 60)
        .optional(),
    })
    .optional(),
  communication: z
    .strictObject({
      // The same bounds as the start form's timing fields.
      announcement_hours_before: positive(TIMING_BOUNDS.announcementHoursBefore.max).optional(),
      reminder_hours_before: positive(TIMING_BOUNDS.reminderHoursBefore.max).optional(),
      progress_every_minutes: positive(TIMING_BOUNDS.progressEveryMinutes.max)
        .int('a whole number of minutes')
        .optional(),
      monitoring_minutes: z
        .number()
        .int('a whole number of minutes')
        .min(0)
        .max(TIMING_BOUNDS.monitoringMinutes.max)
        .optional(),
    })
    .optional(),
  /** `thread` (default): a thread in deploy_channel; `channel`: a dedicated channel per deployment. */
  location: z.enum(LOCATIONS, { error: 'use "thread" or "channel"' }).optional(),
  /** What the deployer may not change in the start form. */
  locked: z.array(z.enum(LOCKABLE, { error: `use ${LOCKABLE.join(', ')}` })).optional(),
});
export type Layer = z.infer<typeof LayerSchema>;

export const ServiceSchema = LayerSchema.extend({
  /** Per-environment overrides (production, staging, uat, development). */
  environments: z.record(z.string(), LayerSchema).optional(),
});

export const TeamConfigSchema = z.strictObject({
  version: z.literal(1, { error: 'only version 1 exists' }).optional(),
  /** A folder of the team's own templates (YAML or Markdown runbooks), relative to this file. */
  templates_dir: z.string().trim().min(1).optional(),
  /** Whether the start form also takes a service that is not listed under `services`. */
  free_text_services: z.boolean().optional(),
  /** User group handle → id, for handles that should not be looked up (optional). */
  user_groups: z
    .record(
      z.string().regex(/^@?[a-z0-9][a-z0-9._-]{0,79}$/, 'not a user group handle'),
      z.string().regex(/^S[A-Z0-9]{2,20}$/, 'use the user group id (S…)'),
    )
    .optional(),
  /** Hosts whose http:// links are accepted as evidence (others must be https://): "grafana.corp", "*.corp.example". */
  evidence_http_hosts: z
    .array(
      z
        .string()
        .trim()
        .regex(/^(\*\.)?[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$/, 'a host name, or *.domain for its subdomains'),
    )
    .optional(),
  /** For `location: channel`. */
  dedicated_channels: z
    .strictObject({
      prefix: z
        .string()
        .regex(/^[a-z0-9][a-z0-9_-]{0,20}$/, 'use up to 21 lowercase letters, digits, "-" or "_"')
        .default('deploy'),
      archive_after_hours: z
        .number()
        .min(0)
        .max(24 * 90)
        .default(24),
      private: z.boolean().default(false),
    })
    .optional(),
  /** May release any lock, grant overrides (or override at once, as an emergency) and cancel any deployment. */
  admins: principals.optional(),
  /** Locks set by hand with /deploy lock: they lapse after `expiry_hours`; the holder is reminded `remind_minutes_before`. */
  locks: z
    .strictObject({
      expiry_hours: z
        .number()
        .positive('must be more than 0')
        .max(24 * 7, 'at most 168 (7 days)')
        .default(24),
      remind_minutes_before: z
        .number()
        .int()
        .min(0)
        .max(24 * 60)
        .default(60),
    })
    .optional(),
  /** Settings for every service, unless a service (or one of its environments) says otherwise. */
  defaults: LayerSchema.optional(),
  services: z
    .record(
      z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,79}$/, 'a service name uses letters, digits, "-" or "_"'),
      ServiceSchema,
    )
    .optional(),
  /** Pipelines that call the HTTP API (/api/v1), each with its token's environment variable and scope. */
  pipelines: PipelinesSchema.optional(),
  /** The deploy calendar: allowed hours per environment in the team's time zone, and planned freezes. */
  calendar: CalendarSchema.optional(),
});
export type RawTeamConfig = z.infer<typeof TeamConfigSchema>;
