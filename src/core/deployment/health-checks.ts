import { hasPlaceholder } from '../template/placeholders.js';
import { itemsOfStage } from '../template/items.js';
import type { Template } from '../template/schema.js';
import type { DeploymentEvent, RecordedEvent } from './events.js';
import { FINISHED, STATUS_LABELS, type Deployment } from './types.js';

/**
 * Health checks Liftoff runs itself: the plan's API health checks (the
 * template's, or the team configuration's `health_checks`), requested with a
 * GET by the *Run health checks* button or on a schedule during the
 * monitoring window. Pure: what to request, how an answer is judged, which
 * checklist items a passing run confirms, what is recorded.
 */

export type HealthCheck = Template['verification']['healthChecks'][number];

/** The evidence of an item a passing run confirmed (its actor is Liftoff). */
export const BY_HEALTH_CHECK = 'by health check';

/**
 * The checks Liftoff runs: none unless the team configuration let it (`runByLiftoff`, frozen with the plan);
 * then those whose endpoint is filled in (a `[URL]` placeholder is not).
 */
export const runnableChecks = (plan: Template): HealthCheck[] =>
  plan.verification.runByLiftoff
    ? plan.verification.healthChecks.filter((h) => h.endpoint.trim() && !hasPlaceholder(h.endpoint))
    : [];

/** From the first phase's start through the monitoring window: what has been deployed can be checked. */
const RUNS_IN: ReadonlySet<Deployment['status']> = new Set(['in_progress', 'verifying', 'monitoring']);

/** Why the health checks cannot run now, in words; null when they can. */
export function healthCheckRefusal(d: Deployment): string | null {
  if (!d.plan.verification.runByLiftoff)
    return `Liftoff does not run the health checks of ${d.ref}: its team configuration has no health_check_settings for its environment.`;
  if (!runnableChecks(d.plan).length) return `${d.ref} has no health check with an endpoint to request.`;
  if (d.rollback) return `${d.ref} is rolling back: its health checks are no longer run.`;
  if (FINISHED.has(d.status))
    return `${d.ref} is ${STATUS_LABELS[d.status].toLowerCase()}: its health checks no longer run.`;
  if (!RUNS_IN.has(d.status)) return 'Health checks run once the first deployment phase has started.';
  return null;
}

/** Whether the *Run health checks* button is offered now: exactly when pressing it would not be refused for the state. */
export const healthChecksOffered = (d: Deployment): boolean => healthCheckRefusal(d) === null;

/**
 * The URL a check requests: an absolute endpoint as written; a relative one
 * ("/healthz") against the environment's configured base URL, as a link
 * resolves. Anything else is not requested, with the reason.
 */
export function resolveEndpoint(endpoint: string, baseUrl: string | null): { url: string } | { refused: string } {
  const written = endpoint.trim();
  const absolute = /^[a-z][a-z0-9+.-]*:/i.test(written);
  if (!absolute && !baseUrl)
    return { refused: 'not requested: a relative endpoint, and no base_url is configured for this environment' };
  try {
    const url = absolute ? new URL(written) : new URL(written, baseUrl ?? undefined);
    if (url.protocol !== 'https:' && url.protocol !== 'http:')
      return { refused: 'not requested: only http and https endpoints are' };
    if (url.username || url.password)
      return {
        refused:
          'not requested: the endpoint holds credentials (user:password@); give them as a header in health_check_settings',
      };
    return { url: url.href };
  } catch {
    return { refused: 'not requested: the endpoint is not a URL' };
  }
}

/** What the thread shows of an endpoint: its host and path, never its userinfo nor its query's values. */
export function shownEndpoint(endpoint: string, url?: string): string {
  try {
    const u = new URL(url ?? endpoint);
    return `${u.host}${u.pathname}${u.search ? '?…' : ''}`;
  } catch {
    return writtenEndpoint(endpoint);
  }
}

/** An endpoint as the checklist shows it: as written, without userinfo (`user:password@`) or query values. */
export function writtenEndpoint(endpoint: string): string {
  const query = endpoint.indexOf('?');
  const path = query < 0 ? endpoint : `${endpoint.slice(0, query)}?…`;
  return path.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#]*@/i, '$1');
}

/** How a request went, as the code that made it saw it; `problem` words a failure (never a library's message). */
export type CheckAnswer =
  | { kind: 'answered'; status: number; ms: number; raw: string; redirectedTo?: string }
  | { kind: 'timeout'; timeoutMs: number }
  | { kind: 'refused_host'; host: string }
  | { kind: 'failed'; problem: string }
  | { kind: 'not_run'; problem: string };

/** One check's result: what the thread and the record show. */
export interface CheckOutcome {
  /** Host and path (`shownEndpoint`). */
  endpoint: string;
  ok: boolean;
  status?: number;
  ms?: number;
  /** In words: what it answered and what did not match, or why there is no answer. */
  detail: string;
}

/**
 * What a check expects: `status` if given (else a bare "200" or "200 OK" written
 * as the expected response), else any 2xx; a body containing `expected`.
 */
export function expectationOf(h: HealthCheck): { status: number | null; body: string } {
  if (h.status) return { status: h.status, body: h.expected.trim() };
  const bare = /^\s*([1-5]\d\d)(?:\s+[A-Za-z][A-Za-z -]{0,40})?\s*$/.exec(h.expected);
  return bare ? { status: Number(bare[1]), body: '' } : { status: null, body: h.expected.trim() };
}

const squeeze = (s: string) => s.replace(/\s+/g, '');

/** The host a redirect points to (never the whole URL: it may carry a token). */
function redirectHost(location: string): string {
  try {
    return new URL(location).host;
  } catch {
    return 'another address on the same host';
  }
}

/** Judges one answer against what the check expects. */
export function judge(h: HealthCheck, endpoint: string, a: CheckAnswer): CheckOutcome {
  switch (a.kind) {
    case 'answered': {
      const want = expectationOf(h);
      const statusOk = want.status === null ? a.status >= 200 && a.status < 300 : a.status === want.status;
      const bodyOk = !want.body || squeeze(a.raw).includes(squeeze(want.body));
      const answered = `answered ${a.status} in ${a.ms} ms`;
      const problems = [
        ...(a.redirectedTo !== undefined && !statusOk
          ? [`a redirect to ${redirectHost(a.redirectedTo)}, not followed`]
          : []),
        ...(statusOk ? [] : [`expected ${want.status ?? 'a 2xx status'}`]),
        ...(bodyOk ? [] : ['the body does not contain the expected response']),
      ];
      const matched = want.body ? '; status and body match' : '; status matches';
      return {
        endpoint,
        ok: statusOk && bodyOk,
        status: a.status,
        ms: a.ms,
        detail: problems.length ? `${answered}: ${problems.join('; ')}` : `${answered}${matched}`,
      };
    }
    case 'timeout':
      return { endpoint, ok: false, detail: `no answer within ${a.timeoutMs} ms` };
    case 'refused_host':
      return { endpoint, ok: false, detail: `not requested: its host ${a.host} is not among the allowed hosts` };
    case 'failed':
    case 'not_run':
      return { endpoint, ok: false, detail: a.problem };
  }
}

/**
 * Checklist items a passing run does: "Test API endpoints", "Check main endpoint/URL accessibility",
 * "Health checks pass", "Health endpoint answers 200".
 */
const DONE_BY_HEALTH_CHECKS =
  /\bhealth[ -]?(?:checks?|endpoints?)\b|\bapi endpoints?\b|\bendpoint\/url\b|\bendpoints?\b[^.\n]*\b(?:accessib|reachab|respond|availab|up\b)/i;

/** The open items a passing run confirms: verification items and the running phases' steps, worded as health checks. */
export function itemsDoneByHealthChecks(d: Deployment): string[] {
  if (d.status !== 'in_progress' && d.status !== 'verifying') return [];
  const open = (key: string) => d.items[key]?.state !== 'done';
  const phases = itemsOfStage(d.plan, 'phase').filter((p) => {
    const phase = d.phases[p.sectionId];
    return phase?.started && !phase.completed && !phase.interrupted;
  });
  return [...phases, ...itemsOfStage(d.plan, 'verify')]
    .filter((p) => open(p.key) && DONE_BY_HEALTH_CHECKS.test(p.item.text))
    .map((p) => p.key);
}

const failed = (e: RecordedEvent) => e.type === 'health_checks_run' && e.results.some((r) => !r.ok);

/**
 * What a run records, all as Liftoff's. One asked for by a person: the run
 * (naming them), and when every check passed, the items it did. A scheduled
 * one: its first failure only (that sends the issue notice once); passes and
 * later failures record nothing.
 */
export function healthRunEvents(
  d: Deployment,
  outcomes: readonly CheckOutcome[],
  requestedBy: string | null,
  history: readonly RecordedEvent[],
): DeploymentEvent[] {
  const results = outcomes.map((o) => ({ endpoint: o.endpoint, ok: o.ok, detail: o.detail }));
  const passed = outcomes.length > 0 && outcomes.every((o) => o.ok);
  if (requestedBy === null) {
    if (passed || history.some((e) => failed(e) && e.type === 'health_checks_run' && !e.requestedBy)) return [];
    return [{ type: 'health_checks_run', results }];
  }
  const confirmed = passed ? itemsDoneByHealthChecks(d) : [];
  return [
    { type: 'health_checks_run', requestedBy, results },
    ...confirmed.map((key) => ({ type: 'item_confirmed' as const, key, evidence: BY_HEALTH_CHECK })),
  ];
}
