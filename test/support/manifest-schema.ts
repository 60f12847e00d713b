/**
 * The Slack app manifest schema (slackapi/manifest-schema 1.0.0) as zod, for
 * the sections Liftoff's manifest.yml uses. Every JSON-schema object is a
 * strict object here (the JSON schema says additionalProperties: false
 * everywhere), with the same required keys, string length bounds, patterns and
 * array bounds.
 *
 * Deliberately not modelled, so a manifest using them is rejected as having an
 * unknown key until this file is extended: the top-level `app_directory`,
 * `functions`, `workflows`, `datastores`, `outgoing_domains`, `types`,
 * `external_auth_providers` and `mcp_servers`, and `features.functions`,
 * `features.workflow_steps`, `features.assistant_view` and
 * `features.agent_view`.
 */
import { z } from 'zod';

const httpUrl = (max: number) =>
  z
    .string()
    .max(max)
    .regex(/^https?:\/\//, 'must start with http:// or https://');

const httpsUrl = (max: number) =>
  z
    .string()
    .max(max)
    .regex(/^https:\/\//, 'must start with https://');

/** JSON schema `uniqueItems: true`. */
const unique = <T extends z.ZodType>(items: z.ZodArray<T>) =>
  items.refine((xs) => new Set(xs.map((x) => JSON.stringify(x))).size === xs.length, {
    message: 'items must be unique',
  });

/** Domain names for unfurl_domains. */
const domain = z
  .string()
  .max(255)
  .regex(/^(?![.-])([-a-z0-9.])+([a-z0-9])$/);

// app-manifests.metadata
export const metadataSchema = z.strictObject({
  schema_version: z.number().int().optional(),
  min_version: z.number().int().optional(),
  major_version: z.number().int().optional(),
  minor_version: z.number().int().optional(),
});

// app-manifests.v1.display_information.schema
export const displayInformationSchema = z.strictObject({
  name: z.string().min(1).max(35),
  description: z.string().min(1).max(140).optional(),
  // The JSON schema spells this constraint `regex`, not `pattern`, so a
  // standard JSON-schema validator ignores it; it is enforced here anyway.
  background_color: z
    .string()
    .min(4)
    .max(7)
    .regex(/^#[0-9a-fA-F]{3}([0-9a-fA-F]{3})?$/, 'must be #rgb or #rrggbb')
    .optional(),
  long_description: z.string().min(175).max(4000).optional(),
});

// app-manifests.v1.features.app_home
export const appHomeSchema = z.strictObject({
  home_tab_enabled: z.boolean().optional(),
  messages_tab_enabled: z.boolean().optional(),
  messages_tab_read_only_enabled: z.boolean().optional(),
});

// app-manifests.v1.features.bot_user
export const botUserSchema = z.strictObject({
  display_name: z.string().min(1).max(80),
  always_online: z.boolean().optional(),
});

// app-manifests.v1.features.slash_commands items
export const slashCommandSchema = z.strictObject({
  command: z.string().min(2).max(32).regex(/^\//, 'must start with /'),
  url: httpUrl(3000).optional(),
  description: z.string().min(1).max(2000),
  usage_hint: z.string().min(1).max(1000).optional(),
  should_escape: z.boolean().optional(),
});

// app-manifests.v1.features.shortcuts items
export const shortcutSchema = z.strictObject({
  name: z.string().min(1).max(24),
  type: z.enum(['message', 'global']),
  callback_id: z.string().min(1).max(255),
  description: z.string().min(1).max(150),
});

// app-manifests.v1.features.schema
export const featuresSchema = z.strictObject({
  app_home: appHomeSchema.optional(),
  bot_user: botUserSchema.optional(),
  slash_commands: z.array(slashCommandSchema).min(1).max(50).optional(),
  shortcuts: z.array(shortcutSchema).min(1).max(10).optional(),
  unfurl_domains: unique(z.array(domain).min(1).max(5)).optional(),
});

const scopeList = z.array(z.string().max(50)).max(255);

// app-manifests.v1.oauth_config.scopes
export const scopesSchema = z.strictObject({
  user: scopeList.optional(),
  bot: scopeList.optional(),
  user_optional: scopeList.optional(),
  bot_optional: scopeList.optional(),
});

// app-manifests.v1.oauth_config.schema
export const oauthConfigSchema = z.strictObject({
  redirect_urls: unique(z.array(z.string().max(2500)).max(1000)).optional(),
  scopes: scopesSchema.optional(),
  token_management_enabled: z.boolean().optional(),
  pkce_enabled: z.boolean().optional(),
});

const eventNames = unique(z.array(z.string().max(50)).max(100));

// app-manifests.v1.settings.event_subscriptions
export const eventSubscriptionsSchema = z.strictObject({
  request_url: httpUrl(3500).optional(),
  user_events: eventNames.optional(),
  bot_events: eventNames.optional(),
  metadata_subscriptions: unique(
    z
      .array(z.strictObject({ app_id: z.string(), event_type: z.string().max(50) }))
      .min(1)
      .max(20),
  ).optional(),
});

// app-manifests.v1.settings.interactivity
export const interactivitySchema = z.strictObject({
  is_enabled: z.boolean(),
  request_url: httpUrl(3500).optional(),
  message_menu_options_url: httpUrl(3500).optional(),
});

const octet = '([0-9]|[1-9][0-9]|1[0-9]{2}|2[0-4][0-9]|25[0-5])';
const ipRange = new RegExp(`^(${octet}\\.){3}${octet}(\\/(3[0-2]|[1-2][0-9]|[0-9]))?$`);

// app-manifests.v1.settings.schema
export const settingsSchema = z.strictObject({
  allowed_ip_address_ranges: unique(z.array(z.string().regex(ipRange)).min(1).max(50)).optional(),
  event_subscriptions: eventSubscriptionsSchema.optional(),
  incoming_webhooks: z.strictObject({ incoming_webhooks_enabled: z.boolean().optional() }).optional(),
  interactivity: interactivitySchema.optional(),
  org_deploy_enabled: z.boolean().optional(),
  socket_mode_enabled: z.boolean().optional(),
  is_hosted: z.boolean().optional(),
  token_rotation_enabled: z.boolean().optional(),
  siws_links: z.strictObject({ initiate_uri: httpsUrl(3500).optional() }).optional(),
  hermes_app_type: z.string().optional(),
  function_runtime: z.string().optional(),
  is_mcp_enabled: z.boolean().optional(),
});

// The top-level "App Manifest" object.
export const manifestSchema = z.strictObject({
  $schema: z.url().optional(),
  _metadata: metadataSchema.optional(),
  display_information: displayInformationSchema,
  features: featuresSchema.optional(),
  oauth_config: oauthConfigSchema.optional(),
  settings: settingsSchema.optional(),
});

export type Manifest = z.infer<typeof manifestSchema>;

/**
 * What an app needs beyond the JSON schema when Socket Mode is off: every
 * enabled endpoint needs a URL for Slack to deliver to (Slack refuses such a
 * manifest; the JSON schema cannot say so). Returns one line per problem.
 */
export function httpModeProblems(m: Manifest): string[] {
  if (m.settings?.socket_mode_enabled === true) return [];
  const problems: string[] = [];
  if (m.settings?.interactivity?.is_enabled && !m.settings.interactivity.request_url) {
    problems.push('settings.interactivity.request_url is missing');
  }
  const events = m.settings?.event_subscriptions;
  if (events && (events.bot_events?.length || events.user_events?.length) && !events.request_url) {
    problems.push('settings.event_subscriptions.request_url is missing');
  }
  for (const c of m.features?.slash_commands ?? []) {
    if (!c.url) problems.push(`features.slash_commands ${c.command}: url is missing`);
  }
  return problems;
}
