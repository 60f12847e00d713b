import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { WebClient } from '@slack/web-api';
import type { TeamConfig } from '../config/team.js';
import type { Clock } from '../core/clock.js';
import type { Command } from '../core/deployment/decide.js';
import { gateOutcome } from '../core/deployment/gate-wait.js';
import { gateReport } from '../core/deployment/gates.js';
import type { Deployment } from '../core/deployment/types.js';
import { DomainError, isDomainError } from '../core/errors.js';
import { may } from '../core/policy/may.js';
import { planItems } from '../core/template/items.js';
import type { JobPayload } from '../core/schedule/jobs.js';
import type { DeploymentService } from '../usecases/deployments.js';
import type { RollbackService } from '../usecases/rollback.js';
import type { StartUseCase } from '../usecases/start.js';
import type { ChangeFeed } from '../usecases/watch.js';
import * as S from './schemas.js';

/** What a handler answers: an HTTP status and a JSON body. */
export interface Answer {
  status: number;
  body: unknown;
}

export interface RouteContext {
  pipeline: string;
  actor: string;
  params: Record<string, string>;
  query: Record<string, unknown>;
  body: unknown;
  /** Aborted when the caller goes away or Liftoff stops. */
  signal: AbortSignal;
  /**
   * Runs the change in one transaction that also stores its answer under the
   * request's Idempotency-Key (a retry with the key gets that answer back).
   */
  once(change: () => Answer): Answer;
}

export interface Route {
  method: 'GET' | 'POST';
  /** The path under /api/v1, OpenAPI style: /deployments/{ref}. */
  path: string;
  operationId: string;
  summary: string;
  /** More than the summary says, for the OpenAPI document. */
  description?: string;
  params?: Record<string, z.ZodType>;
  query?: z.ZodObject;
  body?: z.ZodType;
  answer: z.ZodType;
  /** The status of a success. */
  status: number;
  handle(ctx: RouteContext): Promise<Answer>;
  /** Brings a stored answer replayed for a retried Idempotency-Key up to date (what may have changed since). */
  replayed?(stored: Answer): Promise<Answer>;
}

export interface RouteDeps {
  service: DeploymentService;
  starts: StartUseCase;
  rollback: RollbackService;
  team: TeamConfig;
  clock: Clock;
  client: WebClient;
  feed: ChangeFeed;
  expandUsers: (entries: readonly string[]) => string[];
  /** Resolves once the deployment's messages are drawn in Slack (for the permalink). */
  drawn(id: number): Promise<void>;
  /** The link to the deployment's thread, or null while it is not posted. */
  permalink(d: Deployment): Promise<string | null>;
  /** Plans a pipeline's note into the thread (a scheduler job), within the caller's transaction. */
  planNote(d: Deployment, note: NonNullable<JobPayload['note']>, key: string): void;
}

const iso = (ms: number) => new Date(ms).toISOString();
const stamp = (s: { by: string; at: number } | undefined) => (s ? { by: s.by, at: iso(s.at) } : null);

export const STATUS_OF: Record<DomainError['code'], number> = {
  not_found: 404,
  not_allowed: 403,
  invalid_input: 422,
  already_done: 409,
  not_now: 409,
  gate_closed: 409,
  finished: 409,
};

export const errorAnswer = (
  status: number,
  error: string,
  message: string,
  extra: Partial<z.infer<typeof S.ErrorAnswer>> = {},
): Answer => ({
  status,
  body: { error, message, ...extra },
});

/** A DomainError as an answer; anything else is rethrown. */
export function domainAnswer(error: unknown): Answer {
  if (!isDomainError(error)) throw error;
  return errorAnswer(
    STATUS_OF[error.code],
    error.code,
    error.message,
    error.details.length ? { details: error.details } : {},
  );
}

/** What `run` answers, or its DomainError as an answer. */
function answering(run: () => Answer): Answer {
  try {
    return run();
  } catch (error) {
    return domainAnswer(error);
  }
}

/** The deployment view a pipeline reads. */
export function deploymentView(d: Deployment, permalink: string | null): z.infer<typeof S.DeploymentAnswer> {
  const gate = (g: 'start' | 'complete') => {
    const r = gateReport(d, g);
    return { open: r.open, missing: r.missing };
  };
  return {
    ref: d.ref,
    service: d.service,
    version: d.version,
    environment: d.environment,
    status: d.status,
    deployer: d.deployerId,
    window: { start: iso(d.window.start), end: iso(d.window.end) },
    permalink,
    gates: { start: gate('start'), completion: gate('complete') },
    approvals: d.plan.approvals.map((a) => ({
      role: a.role,
      label: a.label,
      required: a.required,
      approvers: d.approvers[a.role] ?? [],
      decision: d.approvals[a.role]?.decision ?? null,
    })),
    phases: d.plan.phases.map((p, i) => ({
      n: i + 1,
      id: p.id,
      title: p.title,
      started: stamp(d.phases[p.id]?.started),
      completed: stamp(d.phases[p.id]?.completed),
    })),
    items: planItems(d.plan)
      .filter((p) => p.stage !== 'rollback' && p.stage !== 'rollback_validation')
      .map((p) => {
        const s = d.items[p.key];
        return {
          key: p.key,
          section: p.sectionTitle,
          text: p.item.text,
          required: p.item.required,
          state: s?.state ?? 'open',
          by: s?.by ?? null,
          evidence: s?.evidence ?? null,
        };
      }),
  };
}

export function createRoutes(deps: RouteDeps): Route[] {
  const { service } = deps;

  /** The deployment named in the path, if the pipeline's scope covers it. */
  function deploymentFor(ctx: RouteContext): Deployment {
    const d = service.findByRef(ctx.params.ref ?? '');
    const p = may(d, 'see', ctx.actor, service.policyFor(d));
    if (!p.allowed) throw new DomainError('not_allowed', p.reason);
    return d;
  }

  /** A command on the deployment named in the path, once per Idempotency-Key. */
  function act(ctx: RouteContext, command: (d: Deployment) => Command): Answer {
    return ctx.once(() =>
      answering(() => {
        const d = deploymentFor(ctx);
        return { status: 200, body: deploymentView(service.act(d.id, command(d), ctx.actor), null) };
      }),
    );
  }

  /** A started deployment's answer with the thread's link, once Slack has it (a replay answers the same way). */
  async function withPermalink(answer: Answer): Promise<Answer> {
    if (answer.status !== 201) return answer;
    const created = answer.body as z.infer<typeof S.StartAnswer>;
    const d = service.findByRef(created.ref);
    await deps.drawn(d.id);
    return { status: answer.status, body: { ...created, permalink: await deps.permalink(d) } };
  }

  const ref = { ref: S.Ref };
  const deploymentRoute = (
    path: string,
    operationId: string,
    summary: string,
    body: z.ZodType,
    params: Record<string, z.ZodType>,
    handle: Route['handle'],
  ): Route => ({
    method: 'POST',
    path: `/deployments/{ref}${path}`,
    operationId,
    summary,
    params: { ...ref, ...params },
    body,
    answer: S.DeploymentAnswer,
    status: 200,
    handle,
  });

  return [
    {
      method: 'POST',
      path: '/deployments',
      operationId: 'startDeployment',
      summary:
        'Start a deployment (same rules as the start form: who may deploy, locks, approvers from the configuration)',
      body: S.StartBody,
      answer: S.StartAnswer,
      status: 201,
      async handle(ctx) {
        const body = ctx.body as z.infer<typeof S.StartBody>;
        const deployer = await resolveUser(deps.client, body.deployer, 'deployer');
        if ('error' in deployer)
          return errorAnswer(422, 'invalid_input', deployer.error, { fields: { deployer: deployer.error } });
        // The people named per role, as user ids (the start use case applies the form's rules to them).
        const chosen: Record<string, string[]> = {};
        for (const [role, people] of Object.entries(body.approvers ?? {})) {
          chosen[role] = [];
          for (const who of people) {
            const user = await resolveUser(deps.client, who, `approvers.${role}`);
            if ('error' in user)
              return errorAnswer(422, 'invalid_input', user.error, { fields: { [`approvers.${role}`]: user.error } });
            chosen[role].push(user.id);
          }
        }
        const answer = ctx.once(() => {
          const settings = deps.starts.settingsOf(body.service, body.environment);
          const now = deps.clock.now();
          const window =
            body.window === 'now'
              ? { start: now, end: now + body.duration_minutes * 60_000 }
              : { start: Date.parse(body.window.start), end: Date.parse(body.window.end) };
          const links = body.links.map((l) => (l.title ? `${l.title}: ${l.url}` : l.url));
          const outcome = deps.starts.start(
            {
              service: body.service,
              version: body.version,
              environment: body.environment,
              type: body.type,
              templateId: body.template,
              windowStart: window.start,
              windowEnd: window.end,
              deployerId: deployer.id,
              // The configured approvers, replaced per role by those the call names (locked ones win in the use case).
              approvers: {
                ...Object.fromEntries(
                  Object.entries(settings?.approvers ?? {}).map(([role, list]) => [role, deps.expandUsers(list)]),
                ),
                ...chosen,
              },
              channelId: body.channel ?? null,
              requestChannelId: body.channel ?? settings?.deployChannel ?? '',
              branch: body.branch ?? null,
              changes: [...body.changes, ...links].join('\n') || null,
              tickets: body.tickets.map((t) => `${t.key}: ${t.description}`).join('\n') || null,
            },
            ctx.actor,
          );
          if (outcome.ok)
            return {
              status: 201,
              body: {
                ref: outcome.deployment.ref,
                status: outcome.deployment.status,
                permalink: null,
                created: outcome.created,
              },
            };
          const fields = outcome.errors as Record<string, string>;
          const message = Object.values(fields)[0] ?? 'The deployment could not be started.';
          if (outcome.refused === 'not_allowed') return errorAnswer(403, 'not_allowed', message, { fields });
          if (outcome.refused === 'locked') return errorAnswer(409, 'locked', message, { fields });
          // Outside the deploy calendar's hours or in a freeze: the reason and the next allowed slot.
          if (outcome.refused === 'calendar') {
            const next = outcome.nextSlot
              ? {
                  start: new Date(outcome.nextSlot.start).toISOString(),
                  end: new Date(outcome.nextSlot.end).toISOString(),
                }
              : null;
            return errorAnswer(409, 'outside_calendar', message, { fields: { window: message }, next_slot: next });
          }
          if (!body.channel && !settings?.deployChannel)
            return errorAnswer(
              422,
              'invalid_input',
              `No deploy_channel is configured for ${body.service}: give "channel".`,
              { fields: { channel: 'required' } },
            );
          return errorAnswer(422, 'invalid_input', message, { fields });
        });
        return withPermalink(answer);
      },
      replayed: withPermalink,
    },
    {
      method: 'GET',
      path: '/deployments/{ref}',
      operationId: 'getDeployment',
      summary: 'A deployment: status, gates (open or what is missing), approvals, phases and items',
      params: ref,
      answer: S.DeploymentAnswer,
      status: 200,
      async handle(ctx) {
        const found = answering(() => ({ status: 200, body: deploymentFor(ctx) }));
        if (found.status !== 200) return found;
        const d = found.body as Deployment;
        return { status: 200, body: deploymentView(d, await deps.permalink(d)) };
      },
    },
    {
      method: 'GET',
      path: '/deployments/{ref}/gates/{gate}',
      operationId: 'waitForGate',
      summary:
        'Whether a gate is open; with ?wait=SECONDS, answers as soon as it opens, an approval is rejected or the deployment ends',
      description:
        'The start gate opens once the approvals and the pre-deployment items are in. The completion gate waits through the phases, the checks after them and the monitoring window until the verdict: "healthy" opens it (state open); "faulty" or a rollback ends it (state ended), as does a cancel.',
      params: { ...ref, gate: S.GateParam },
      query: S.WaitQuery,
      answer: S.GateAnswer,
      status: 200,
      async handle(ctx) {
        const gate = ctx.params.gate === 'completion' ? 'complete' : 'start';
        const deadline = Date.now() + Number(ctx.query.wait ?? 0) * 1000;
        try {
          for (;;) {
            const d = deploymentFor(ctx);
            const outcome = gateOutcome(d, gate);
            const left = deadline - Date.now();
            if (outcome.state !== 'waiting' || left <= 0 || ctx.signal.aborted) {
              return { status: 200, body: { gate: ctx.params.gate, missing: [], ...outcome, status: d.status } };
            }
            await deps.feed.next(d.id, left, ctx.signal);
          }
        } catch (error) {
          return domainAnswer(error);
        }
      },
    },
    deploymentRoute(
      '/items/{key}/confirm',
      'confirmItem',
      'Confirm a checklist item, with evidence (shown in Slack as confirmed by the pipeline)',
      S.ConfirmBody,
      { key: S.ItemKey },
      async (ctx) => {
        const body = ctx.body as z.infer<typeof S.ConfirmBody>;
        const evidence = evidenceText(body.evidence, body.run_url);
        return act(ctx, () => ({ type: 'confirm_item', key: ctx.params.key!, ...(evidence ? { evidence } : {}) }));
      },
    ),
    deploymentRoute(
      '/phases/{n}/{action}',
      'phase',
      'Start or complete phase n (1 is the first)',
      S.EmptyBody,
      { n: S.PhaseNumber, action: S.PhaseAction },
      async (ctx) =>
        act(ctx, (d) => {
          const phase = d.plan.phases[Number(ctx.params.n) - 1];
          if (!phase)
            throw new DomainError(
              'not_found',
              `${d.ref} has ${d.plan.phases.length} phases: there is no phase ${ctx.params.n}.`,
            );
          return { type: ctx.params.action === 'start' ? 'start_phase' : 'complete_phase', phaseId: phase.id };
        }),
    ),
    deploymentRoute(
      '/steps/{key}/fail',
      'failStep',
      'Report a deployment step failed, with a note (the thread offers the rollback)',
      S.FailBody,
      { key: S.ItemKey },
      async (ctx) => {
        const body = ctx.body as z.infer<typeof S.FailBody>;
        return act(ctx, () => ({
          type: 'fail_item',
          key: ctx.params.key!,
          note: evidenceText({ text: body.note }, body.run_url) ?? body.note,
        }));
      },
    ),
    deploymentRoute(
      '/verdict',
      'verdict',
      'After monitoring: the release is healthy (completes) or faulty (offers the rollback)',
      S.VerdictBody,
      {},
      async (ctx) => {
        const body = ctx.body as z.infer<typeof S.VerdictBody>;
        return act(ctx, () =>
          body.verdict === 'healthy'
            ? { type: 'mark_healthy' }
            : {
                type: 'mark_faulty',
                note: evidenceText({ text: body.note || 'Reported faulty by the pipeline' }, body.run_url) ?? '',
              },
        );
      },
    ),
    deploymentRoute(
      '/rollback',
      'rollback',
      'Start the rollback (locks the service in its environment, as in Slack)',
      S.RollbackBody,
      {},
      async (ctx) => {
        const body = ctx.body as z.infer<typeof S.RollbackBody>;
        return ctx.once(() =>
          answering(() => {
            const d = deploymentFor(ctx);
            const { deployment } = deps.rollback.start(d.id, ctx.actor, {
              trigger: body.reason,
              restore: body.restore,
              note: evidenceText({ text: body.note || undefined }, body.run_url) ?? '',
            });
            return { status: 200, body: deploymentView(deployment, null) };
          }),
        );
      },
    ),
    {
      method: 'POST',
      path: '/deployments/{ref}/notes',
      operationId: 'addNote',
      summary: "A progress note into the deployment's thread",
      params: ref,
      body: S.NoteBody,
      answer: S.NoteAnswer,
      status: 200,
      async handle(ctx) {
        const body = ctx.body as z.infer<typeof S.NoteBody>;
        // Recorded with the idempotency row in one transaction, posted by the scheduler: a retry never posts twice.
        return ctx.once(() =>
          answering(() => {
            const d = deploymentFor(ctx);
            deps.planNote(
              d,
              { pipeline: ctx.pipeline, text: body.text, ...(body.run_url ? { runUrl: body.run_url } : {}) },
              randomUUID(),
            );
            return { status: 200, body: { ref: d.ref, posted: true } };
          }),
        );
      },
    },
  ];
}

/** A Slack user id as given, or the user with that e-mail address (users.lookupByEmail). */
async function resolveUser(client: WebClient, who: string, field: string): Promise<{ id: string } | { error: string }> {
  if (/^[UW][A-Z0-9]{2,20}$/.test(who)) return { id: who };
  if (!/^[^\s@]+@[^\s@]+$/.test(who)) return { error: `${field} must be a Slack user id (U…) or an e-mail address` };
  try {
    const res = await client.users.lookupByEmail({ email: who });
    if (res.user?.id && !res.user.deleted) return { id: res.user.id };
  } catch (error) {
    const code = (error as { data?: { error?: string } }).data?.error;
    if (code !== 'users_not_found') throw error;
  }
  return { error: `No Slack user has the e-mail address ${who.slice(0, 254)}.` };
}

/** What a pipeline confirms with, as stored on the item: the link alone when that is all, else text, link and the run's link. */
export function evidenceText(
  evidence: { url?: string | undefined; text?: string | undefined } | undefined,
  runUrl: string | undefined,
): string | undefined {
  const what = [evidence?.text, evidence?.url].filter(Boolean).join(' — ');
  if (!runUrl) return what || undefined;
  if (!what) return runUrl;
  return `${what} (run: ${runUrl})`;
}
