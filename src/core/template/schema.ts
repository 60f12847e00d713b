import { z } from 'zod';

/**
 * The shape of a deployment template: the written process a team deploys by,
 * as data. Built-in templates (data/templates/*.yml) and Markdown runbooks both
 * become this; a deployment keeps a frozen copy of it (its "plan").
 */

const slug = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,47}$/, 'use 1–48 lowercase letters, digits, "-" or "_"');

const line = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `at most ${max} characters`);

/** "HH:MM" on the 24-hour clock, or null where the template leaves it blank. */
const clockTime = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'use HH:MM on the 24-hour clock')
  .nullable();

export const EvidenceSchema = z.strictObject({
  /** What to ask for when the item is confirmed, e.g. "Link to test results". */
  label: line(150),
  /** "url" asks for a link; "text" for free text such as a backup id. */
  kind: z.enum(['url', 'text']).default('text'),
  /** The template's placeholder, shown as a hint: "[URL]", "[Details]". */
  hint: z.string().max(150).optional(),
});

export const ItemSchema = z.strictObject({
  id: slug,
  text: line(500),
  /** Optional items ("if applicable") never hold a gate. */
  required: z.boolean().default(true),
  evidence: EvidenceSchema.optional(),
  /** Sub-lines kept for the reader: "*Method:* [CI/CD pipeline, …]". */
  details: z.array(line(1000)).default([]),
  /** 1 for an item nested under the one before it (a smoke test under "Initial Smoke Tests"). */
  level: z.number().int().min(0).max(1).default(0),
});

export const GroupSchema = z.strictObject({
  id: slug,
  title: line(150),
  items: z.array(ItemSchema).min(1, 'a group needs at least one item'),
});

export const PhaseSchema = z.strictObject({
  id: slug,
  title: line(150),
  /** The template's planned window within the deployment day, when it gives one. */
  window: z.strictObject({ start: clockTime, end: clockTime }).optional(),
  /** Planned length when the template gives one instead of clock times. */
  durationMinutes: z
    .number()
    .int()
    .positive()
    .max(24 * 60)
    .optional(),
  steps: z.array(ItemSchema).default([]),
  notes: z.array(line(1000)).default([]),
});

export const NOTICE_KINDS = [
  'announcement',
  'reminder',
  'start',
  'progress',
  'issue',
  'completion',
  'summary',
] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];

export const NoticeSchema = z.strictObject({
  kind: z.enum(NOTICE_KINDS),
  /** The template's own words for it. */
  text: line(500),
  /** For announcements and reminders: hours before the window; null = blank in the template. */
  hoursBefore: z
    .number()
    .positive()
    .max(24 * 120)
    .nullable()
    .optional(),
  /** For progress updates: minutes between updates; null = blank in the template. */
  everyMinutes: z
    .number()
    .int()
    .positive()
    .max(24 * 60)
    .nullable()
    .optional(),
  audience: z.array(line(80)).default([]),
  /** The channel the template names, if any (usually a placeholder: config decides). */
  channel: z.string().max(80).nullable().default(null),
});

export const ApprovalRoleSchema = z.strictObject({
  role: slug,
  label: line(75),
  required: z.boolean().default(true),
});

/** Approval roles per template: the start form has a field per role, beside about 25 others, within Slack's 100 blocks per modal. */
export const MAX_APPROVAL_ROLES = 40;

export const TemplateSchema = z.strictObject({
  id: slug,
  name: line(75),
  description: z.string().max(500).default(''),
  overview: z.array(z.strictObject({ label: line(75), placeholder: z.string().max(200).default('') })).default([]),
  summary: z
    .strictObject({
      changes: z.array(line(500)).default([]),
      tickets: z.array(z.strictObject({ key: line(40), description: z.string().max(300) })).default([]),
    })
    .default({ changes: [], tickets: [] }),
  preDeployment: z.array(GroupSchema).min(1, 'a template needs a pre-deployment checklist'),
  phases: z.array(PhaseSchema).min(1, 'a template needs at least one deployment phase'),
  verification: z
    .strictObject({
      groups: z.array(GroupSchema).default([]),
      validationQueries: z
        .array(z.strictObject({ language: z.string().max(20).default('sql'), code: line(3000) }))
        .default([]),
      healthChecks: z
        .array(
          z.strictObject({
            endpoint: line(300),
            /** The answer's body must contain it (empty: any body). */
            expected: z.string().max(300).default(''),
            /** The status it must answer (absent: any 2xx). */
            status: z.number().int().min(100).max(599).optional(),
          }),
        )
        .default([]),
      /** Set in a deployment's frozen plan when the team configuration lets Liftoff run its health checks (`health_check_settings`). */
      runByLiftoff: z.boolean().optional(),
    })
    .default({ groups: [], validationQueries: [], healthChecks: [] }),
  postDeployment: z
    .strictObject({
      groups: z.array(GroupSchema).default([]),
      followUps: z.array(line(500)).default([]),
    })
    .default({ groups: [], followUps: [] }),
  rollback: z.strictObject({
    triggers: z.array(line(500)).default([]),
    steps: z.array(ItemSchema).min(1, 'a rollback plan needs at least one step'),
    validation: z.array(ItemSchema).default([]),
    estimatedTime: z.string().max(100).nullable().default(null),
    estimatedMinutes: z
      .number()
      .int()
      .positive()
      .max(24 * 60)
      .nullable()
      .default(null),
    /** Set in a deployment's frozen plan when Liftoff wrote its standard validation checks in (the template listed none). */
    standardValidation: z.boolean().optional(),
  }),
  monitoring: z
    .strictObject({
      metrics: z.array(line(300)).default([]),
      thresholds: z.array(line(300)).default([]),
      duration: z.string().max(200).nullable().default(null),
      durationMinutes: z
        .number()
        .int()
        .positive()
        .max(24 * 60 * 14)
        .nullable()
        .default(null),
    })
    .default({ metrics: [], thresholds: [], duration: null, durationMinutes: null }),
  communication: z.strictObject({ notices: z.array(NoticeSchema).default([]) }).default({ notices: [] }),
  approvals: z
    .array(ApprovalRoleSchema)
    .min(1, 'a template needs at least one approval role')
    .max(
      MAX_APPROVAL_ROLES,
      `a template has at most ${MAX_APPROVAL_ROLES} approval roles: the start form shows a field per role, and Slack shows at most 100 blocks in a form`,
    ),
  /** Parts of a runbook that were understood but not recognised: kept, never dropped. */
  notes: z.array(z.strictObject({ section: z.string().max(150), text: z.string().max(3000) })).default([]),
});

export type Template = z.infer<typeof TemplateSchema>;
export type TemplateInput = z.input<typeof TemplateSchema>;
export type Item = z.infer<typeof ItemSchema>;
export type Group = z.infer<typeof GroupSchema>;
export type Phase = z.infer<typeof PhaseSchema>;
export type Notice = z.infer<typeof NoticeSchema>;
export type ApprovalRole = z.infer<typeof ApprovalRoleSchema>;
