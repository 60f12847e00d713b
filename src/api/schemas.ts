import { z } from 'zod';
import { DEPLOYMENT_TYPES, ENVIRONMENTS, STATUSES } from '../core/deployment/types.js';

/**
 * The HTTP API's requests and answers, as zod schemas: they validate every
 * request and are the OpenAPI document (openapi.ts), so the two cannot differ.
 */

const url = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).max(2000);
/** A link to the pipeline run that made the call (shown in Slack beside what it did). */
const runUrl = url.optional().describe('A link to the pipeline run, shown in Slack beside what it did');

export const Ref = z
  .string()
  .regex(/^DEP-\d{1,12}$/i, 'a deployment reference like DEP-12')
  .describe('The deployment, e.g. DEP-12');

export const StartBody = z
  .strictObject({
    service: z.string().trim().min(1).max(80),
    version: z.string().trim().min(1).max(100),
    environment: z.enum(ENVIRONMENTS),
    type: z.enum(DEPLOYMENT_TYPES).default('release'),
    template: z.string().trim().min(1).max(80).optional().describe('A template id; the configured one when absent'),
    window: z
      .union([
        z.literal('now'),
        z.strictObject({ start: z.iso.datetime({ offset: true }), end: z.iso.datetime({ offset: true }) }),
      ])
      .default('now')
      .describe('"now" (starting now, for `duration_minutes`) or a window in ISO 8601'),
    duration_minutes: z
      .number()
      .int()
      .min(5)
      .max(24 * 60)
      .default(60)
      .describe('The length of a window that starts now'),
    deployer: z
      .string()
      .trim()
      .min(1)
      .max(254)
      .describe('The person responsible: a Slack user id (U…) or the e-mail address of their Slack account'),
    approvers: z
      .record(z.string().trim().min(1).max(80), z.array(z.string().trim().min(1).max(254)).min(1).max(50))
      .optional()
      .describe(
        'Role → the people who may approve it (Slack user ids or e-mail addresses), for the roles the configuration leaves open; the same rules as the start form: approvers the team configuration locks win, and the deployer may not approve unless allowed',
      ),
    changes: z.array(z.string().trim().min(1).max(300)).max(50).default([]),
    tickets: z
      .array(
        z.strictObject({ key: z.string().trim().min(1).max(40), description: z.string().trim().max(300).default('') }),
      )
      .max(50)
      .default([]),
    links: z
      .array(z.strictObject({ title: z.string().trim().min(1).max(80).optional(), url }))
      .max(10)
      .default([]),
    branch: z.string().trim().min(1).max(200).optional(),
    channel: z
      .string()
      .regex(/^[CG][A-Z0-9]{2,20}$/)
      .optional()
      .describe('The deploy channel, when the configuration names none'),
    run_url: runUrl,
  })
  .describe('A deployment to start, with the same rules as the start form');

export const ConfirmBody = z.strictObject({
  evidence: z.strictObject({ url: url.optional(), text: z.string().trim().min(1).max(500).optional() }).optional(),
  run_url: runUrl,
});

export const FailBody = z.strictObject({ note: z.string().trim().min(1).max(1000), run_url: runUrl });
export const VerdictBody = z.strictObject({
  verdict: z.enum(['healthy', 'faulty']),
  note: z.string().trim().max(1000).optional(),
  run_url: runUrl,
});
export const RollbackBody = z.strictObject({
  reason: z.string().trim().min(1).max(300).describe('Why (the trigger), shown in Slack'),
  note: z.string().trim().max(1000).default(''),
  restore: z.array(z.enum(['code', 'config', 'database', 'data'])).default(['code']),
  run_url: runUrl,
});
export const NoteBody = z.strictObject({ text: z.string().trim().min(1).max(1000), run_url: runUrl });
export const EmptyBody = z.strictObject({ run_url: runUrl }).default({});

export const ItemKey = z
  .string()
  .regex(/^[a-z_]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/, 'an item key like pre.code-preparation.tests-passing')
  .describe("The item's key (GET the deployment for them)");
export const PhaseNumber = z.coerce.number().int().min(1).max(50).describe('The phase number, 1 for the first');
export const GateParam = z.enum(['start', 'completion']);
export const PhaseAction = z.enum(['start', 'complete']);
export const WaitQuery = z.strictObject({
  wait: z.coerce
    .number()
    .int()
    .min(0)
    .max(300)
    .default(0)
    .describe('Seconds to wait for the gate to open (long poll); 0 answers at once'),
});

const Stamp = z.object({ by: z.string(), at: z.iso.datetime() });

export const GateAnswer = z.object({
  gate: GateParam,
  state: z
    .enum(['open', 'rejected', 'ended', 'waiting'])
    .describe('open: go on; rejected or ended: stop; waiting: not yet (wait again)'),
  reason: z.string().optional(),
  missing: z.array(z.string()),
  status: z.enum(STATUSES),
});

export const DeploymentAnswer = z.object({
  ref: z.string(),
  service: z.string(),
  version: z.string(),
  environment: z.enum(ENVIRONMENTS),
  status: z.enum(STATUSES),
  deployer: z.string(),
  window: z.object({ start: z.iso.datetime(), end: z.iso.datetime() }),
  permalink: z.string().nullable().describe("The deployment's thread in Slack, once posted"),
  gates: z.object({
    start: z.object({ open: z.boolean(), missing: z.array(z.string()) }),
    completion: z.object({ open: z.boolean(), missing: z.array(z.string()) }),
  }),
  approvals: z.array(
    z.object({
      role: z.string(),
      label: z.string(),
      required: z.boolean(),
      approvers: z.array(z.string()),
      decision: z.enum(['approved', 'rejected']).nullable(),
    }),
  ),
  phases: z.array(
    z.object({
      n: z.number().int(),
      id: z.string(),
      title: z.string(),
      started: Stamp.nullable(),
      completed: Stamp.nullable(),
    }),
  ),
  items: z.array(
    z.object({
      key: z.string(),
      section: z.string(),
      text: z.string(),
      required: z.boolean(),
      state: z.enum(['open', 'done', 'failed']),
      by: z.string().nullable(),
      evidence: z.string().nullable(),
    }),
  ),
});

export const StartAnswer = z.object({
  ref: z.string(),
  status: z.enum(STATUSES),
  permalink: z.string().nullable(),
  created: z.boolean(),
});
export const NoteAnswer = z.object({
  ref: z.string(),
  posted: z.boolean().describe('true: the note is recorded; Liftoff posts it into the thread once, moments later'),
});

export const ErrorAnswer = z.object({
  error: z
    .string()
    .describe('A code: unauthorized, forbidden, not_found, conflict, invalid_request, rate_limited, too_large, …'),
  message: z.string().describe('Why, in words'),
  details: z.array(z.string()).optional(),
  fields: z.record(z.string(), z.string()).optional().describe('What is wrong, by field'),
  next_slot: z
    .object({ start: z.string(), end: z.string() })
    .nullable()
    .optional()
    .describe(
      'outside_calendar: the next window of the same length the deploy calendar allows (ISO 8601 UTC); null: none within a year',
    ),
});
