import { z } from 'zod';
import { cleanText } from '../text.js';
import { parseApprovers, type InputRole } from './input-approvers.js';
import { parseTimings, type RawTimings, type TimingField } from './input-timings.js';
import { DEPLOYMENT_TYPES, ENVIRONMENTS, type DeploymentInput, type Ticket, type TimingOverrides } from './types.js';

/** A field of the start form and what is wrong with it, for inline errors. */
export type FieldErrors = Partial<
  Record<keyof DeploymentInput | `approver:${string}` | `timing:${TimingField}`, string>
>;

const text = (label: string, max: number) =>
  z
    .string({ error: `${label} is required` })
    .transform(cleanText)
    .pipe(z.string().min(1, `${label} is required`).max(max, `${label} must be at most ${max} characters`));

const optionalText = (label: string, max: number) =>
  z
    .string()
    .nullish()
    .transform((v) => (v == null ? null : cleanText(v) || null))
    .pipe(z.string().max(max, `${label} must be at most ${max} characters`).nullable());

const userId = z.string().regex(/^[UW][A-Z0-9]{2,20}$/, 'pick a person');
const channelId = z.string().regex(/^[CGD][A-Z0-9]{2,20}$/, 'pick a channel');

const TICKET_LINE = /^(#?[A-Za-z][A-Za-z0-9_]*-\d+)\s*(?::\s*(.*))?$/;

/** Reads "#TICKET-1: description" lines; returns the tickets or the first bad line. */
export function parseTickets(raw: string | null | undefined): { tickets: Ticket[] } | { error: string } {
  const tickets: Ticket[] = [];
  const lines = (raw ?? '').split('\n').map(cleanText).filter(Boolean);
  for (const [i, line] of lines.entries()) {
    const m = TICKET_LINE.exec(line);
    if (!m) return { error: `line ${i + 1} (“${line.slice(0, 40)}”) is not like “#TICKET-1: description”` };
    const key = m[1]!.startsWith('#') ? m[1]!.slice(1) : m[1]!;
    tickets.push({ key: key.toUpperCase(), description: (m[2] ?? '').slice(0, 300) });
  }
  if (tickets.length > 50) return { error: 'at most 50 tickets' };
  return { tickets };
}

const RawInput = z.object({
  service: text('Service', 80),
  version: text('Version', 64),
  environment: z.enum(ENVIRONMENTS, { error: 'choose an environment' }),
  type: z.enum(DEPLOYMENT_TYPES, { error: 'choose a deployment type' }),
  templateId: z.string({ error: 'choose a template' }).min(1, 'choose a template'),
  windowStart: z.number({ error: 'pick when the window starts' }).int().positive(),
  windowEnd: z.number({ error: 'pick when the window ends' }).int().positive(),
  deployerId: userId,
  approvers: z.record(z.string(), z.array(userId)),
  channelId,
  announceChannelId: channelId.nullable(),
  branch: optionalText('Branch', 200),
  changes: optionalText('Changes', 3000),
  tickets: z.string().nullish(),
});
export type RawDeploymentInput = z.input<typeof RawInput> & { timings?: RawTimings };

export interface InputContext {
  now: number;
  /** Roles of the chosen template: id, label, whether required. */
  roles: InputRole[];
  templateIds: string[];
  deployerMayApprove: boolean;
  /** Role → its configured user groups that have no members Slack knows of (unknown or empty). */
  emptyGroups?: Record<string, string[]>;
  /** The timings the form offered (the plan's); a blank timing field keeps them. Without: no timings are stored. */
  offeredTimings?: Required<TimingOverrides>;
}

/**
 * Validates what the start form sent. Returns the input, or errors keyed by
 * field so each shows under its own input in the modal.
 */
export function parseDeploymentInput(
  raw: RawDeploymentInput,
  ctx: InputContext,
): { ok: true; input: DeploymentInput } | { ok: false; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const { timings: rawTimings, ...rest } = raw;
  const parsed = RawInput.safeParse(rest);
  const timings = parseTimings(rawTimings, ctx.offeredTimings);
  if (!parsed.success) {
    Object.assign(errors, timings.errors);
    for (const issue of parsed.error.issues) {
      const [field, role] = issue.path;
      const key =
        field === 'approvers' && typeof role === 'string'
          ? (`approver:${role}` as const)
          : (field as keyof FieldErrors);
      errors[key] ??= issue.message;
    }
    return { ok: false, errors };
  }
  const v = parsed.data;
  if (!ctx.templateIds.includes(v.templateId)) errors.templateId = 'choose one of the listed templates';
  if (v.windowEnd <= v.windowStart) errors.windowEnd = 'the window must end after it starts';
  else if (v.windowEnd - v.windowStart > 7 * 24 * 3600_000) errors.windowEnd = 'a window can last at most 7 days';
  if (v.windowEnd <= ctx.now) errors.windowEnd ??= 'the window has already ended';
  const { approvers, errors: approverErrors } = parseApprovers(v.approvers, {
    roles: ctx.roles,
    deployerId: v.deployerId,
    deployerMayApprove: ctx.deployerMayApprove,
    ...(ctx.emptyGroups ? { emptyGroups: ctx.emptyGroups } : {}),
  });
  Object.assign(errors, approverErrors, timings.errors);
  const tickets = parseTickets(v.tickets);
  if ('error' in tickets) errors.tickets = tickets.error;
  if (Object.keys(errors).length || 'error' in tickets) return { ok: false, errors };
  return {
    ok: true,
    input: {
      ...v,
      approvers,
      changes: (v.changes ?? '')
        .split('\n')
        .map((l) => cleanText(l.replace(/^[-*•]\s*/, '')))
        .filter(Boolean),
      tickets: tickets.tickets,
      ...(timings.timings ? { timings: timings.timings } : {}),
    },
  };
}
