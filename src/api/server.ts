import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import type { PipelineConfig } from '../config/team/pipelines.js';
import { pipelineActor } from '../core/policy/pipelines.js';
import type { Repositories } from '../storage/index.js';
import type { Logger } from '../support/logger.js';
import type { Clock } from '../core/clock.js';
import { openApiDocument } from './openapi.js';
import { errorAnswer, type Answer, type Route } from './routes.js';

export const API_PREFIX = '/api/v1';
/** The OpenAPI document's version of the API. */
export const API_VERSION = '1.0.0';
/** The largest request body taken (64 KB): a pipeline's call is small. */
export const MAX_BODY_BYTES = 64 * 1024;

export interface ApiServerDeps {
  pipelines: readonly PipelineConfig[];
  repos: Repositories;
  clock: Clock;
  logger: Logger;
}

const digest = (s: string) => createHash('sha256').update(s).digest();

/** The pipeline whose token this is; every token is compared, in constant time. */
function pipelineOfToken(pipelines: readonly PipelineConfig[], header: string | undefined): PipelineConfig | null {
  const m = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  if (!m) return null;
  const given = digest(m[1]!);
  let found: PipelineConfig | null = null;
  for (const p of pipelines) if (p.token && timingSafeEqual(given, digest(p.token)) && !found) found = p;
  return found;
}

/** A token bucket per pipeline: `perMinute` requests, refilled continuously. */
function createRateLimiter() {
  const buckets = new Map<string, { tokens: number; at: number }>();
  return (name: string, perMinute: number, now = performance.now()): number => {
    const b = buckets.get(name) ?? { tokens: perMinute, at: now };
    b.tokens = Math.min(perMinute, b.tokens + ((now - b.at) / 60_000) * perMinute);
    b.at = now;
    buckets.set(name, b);
    if (b.tokens < 1) return Math.ceil(((1 - b.tokens) * 60) / perMinute);
    b.tokens -= 1;
    return 0;
  };
}

class TooLarge extends Error {}

function readBody(req: IncomingMessage, max: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > max) return reject(new TooLarge());
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > max) {
        req.removeAllListeners('data');
        req.resume();
        reject(new TooLarge());
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** The route for a path under /api/v1 and its path parameters. */
function match(
  routes: readonly Route[],
  method: string,
  path: string,
): { route?: Route; params: Record<string, string>; pathKnown: boolean } {
  const parts = path.split('/').filter(Boolean);
  let pathKnown = false;
  for (const route of routes) {
    const tpl = route.path.split('/').filter(Boolean);
    if (tpl.length !== parts.length) continue;
    const params: Record<string, string> = {};
    const ok = tpl.every((t, i) => {
      const m = /^\{(\w+)\}$/.exec(t);
      if (m) {
        try {
          params[m[1]!] = decodeURIComponent(parts[i]!);
        } catch {
          return false;
        }
        return true;
      }
      return t === parts[i];
    });
    if (!ok) continue;
    pathKnown = true;
    if (route.method === method) return { route, params, pathKnown };
  }
  return { params: {}, pathKnown };
}

const fieldErrors = (error: z.ZodError): Record<string, string> =>
  Object.fromEntries(error.issues.map((i) => [i.path.join('.') || '(body)', i.message]));

/**
 * The HTTP API under /api/v1 (a custom route of the Slack receiver, so it
 * shares its port in both modes): token, rate limit, size limit, validation
 * and Idempotency-Key here; what a call may do is the use cases' and `may`'s.
 */
export function createApiServer({ pipelines, repos, clock, logger }: ApiServerDeps) {
  // The routes come once the use cases exist (after the receiver that carries them).
  let routes: Route[] = [];
  // Built when first asked for: start-up does not pay for it.
  let document: Record<string, unknown> | null = null;
  const limited = createRateLimiter();
  const stopping = new AbortController();

  const send = (res: ServerResponse, a: Answer, headers: Record<string, string> = {}) => {
    if (res.headersSent || res.writableEnded) return;
    res.writeHead(a.status, {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
      ...headers,
    });
    res.end(JSON.stringify(a.body));
  };

  /** Every call, answered or refused, in the audit trail by its actor (never the token). */
  const record = (actor: string, method: string, path: string, a: Answer, extra: Record<string, unknown> = {}) => {
    const message = a.status >= 400 ? (a.body as { message?: string }).message : undefined;
    repos.audit.record({
      at: clock.now(),
      actor,
      type: a.status >= 400 ? 'api_refused' : 'api_call',
      subject: `${method} ${API_PREFIX}${path}`,
      data: { status: a.status, ...(message ? { reason: message } : {}), ...extra },
    });
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname.slice(API_PREFIX.length) || '/';
    if (!routes.length) return send(res, errorAnswer(503, 'starting', 'Liftoff is starting; try again in a moment.'));
    if (method === 'GET' && path === '/openapi.json')
      return send(res, { status: 200, body: (document ??= openApiDocument(routes, API_VERSION)) });
    const { route, params, pathKnown } = match(routes, method, path);
    if (!route)
      return send(
        res,
        pathKnown
          ? errorAnswer(405, 'method_not_allowed', `${method} is not allowed here.`)
          : errorAnswer(
              404,
              'not_found',
              `No such route: ${method} ${API_PREFIX}${path}. See ${API_PREFIX}/openapi.json.`,
            ),
      );

    const pipeline = pipelineOfToken(pipelines, req.headers.authorization);
    if (!pipeline) {
      const a = errorAnswer(
        401,
        'unauthorized',
        pipelines.length
          ? 'Send "Authorization: Bearer <token>" with the token of a pipeline in the team configuration.'
          : 'No pipeline is configured: add one under "pipelines" in the team configuration.',
      );
      record('unknown', method, path, a);
      return send(res, a, { 'www-authenticate': 'Bearer' });
    }
    const actor = pipelineActor(pipeline.name);
    const retryAfter = limited(pipeline.name, pipeline.ratePerMinute);
    if (retryAfter) {
      const a = errorAnswer(
        429,
        'rate_limited',
        `Too many requests from ${pipeline.name} (at most ${pipeline.ratePerMinute} a minute); try again in ${retryAfter} s.`,
      );
      record(actor, method, path, a);
      return send(res, a, { 'retry-after': String(retryAfter) });
    }

    const key = req.headers['idempotency-key'];
    const idempotencyKey = typeof key === 'string' ? key.trim() : '';
    let raw = '';
    if (method === 'POST') {
      if (!idempotencyKey || idempotencyKey.length > 200) {
        const a = errorAnswer(
          400,
          'idempotency_key_required',
          'Every POST needs an Idempotency-Key header (1 to 200 characters), the same on every retry of the call.',
        );
        record(actor, method, path, a);
        return send(res, a);
      }
      try {
        raw = await readBody(req, MAX_BODY_BYTES);
      } catch (error) {
        const a =
          error instanceof TooLarge
            ? errorAnswer(413, 'too_large', `The body is larger than ${MAX_BODY_BYTES / 1024} KB.`)
            : errorAnswer(400, 'bad_request', 'The body could not be read.');
        record(actor, method, path, a);
        return send(res, a, { connection: 'close' });
      }
    }

    // What the request says, checked by the route's schemas.
    let json: unknown = {};
    if (raw.trim()) {
      try {
        json = JSON.parse(raw);
      } catch {
        const a = errorAnswer(400, 'bad_json', 'The body is not valid JSON.');
        record(actor, method, path, a);
        return send(res, a);
      }
    }
    const fields: Record<string, string> = {};
    const parsedParams: Record<string, string> = {};
    for (const [name, schema] of Object.entries(route.params ?? {})) {
      const r = schema.safeParse(params[name]);
      if (r.success) parsedParams[name] = String(r.data);
      else fields[name] = r.error.issues[0]?.message ?? 'invalid';
    }
    const query = route.query ? route.query.safeParse(Object.fromEntries(url.searchParams)) : null;
    if (query && !query.success) Object.assign(fields, fieldErrors(query.error));
    const body = route.body ? route.body.safeParse(json) : null;
    if (body && !body.success) Object.assign(fields, fieldErrors(body.error));
    if (Object.keys(fields).length) {
      const a = errorAnswer(
        422,
        'invalid_input',
        `Invalid ${Object.keys(fields).join(', ')}: ${Object.values(fields)[0]}`,
        { fields },
      );
      record(actor, method, path, a);
      return send(res, a);
    }

    const request = `${method} ${path}`;
    const bodyHash = createHash('sha256').update(raw).digest('hex');
    const replay = (): Answer | null => {
      const seen = method === 'POST' ? repos.idempotency.find(pipeline.name, idempotencyKey) : undefined;
      if (!seen) return null;
      if (seen.request !== request || seen.bodyHash !== bodyHash) {
        return errorAnswer(
          422,
          'idempotency_key_reused',
          'This Idempotency-Key was used for another request; use a new key for a new call.',
        );
      }
      return { status: seen.status, body: JSON.parse(seen.response) };
    };
    const stored = replay();
    const first = stored && route.replayed && stored.status < 300 ? await route.replayed(stored) : stored;
    if (first) {
      record(actor, method, path, first, { idempotencyKey, replayed: true });
      return send(res, first, { 'idempotent-replayed': 'true' });
    }

    const closed = new AbortController();
    res.once('close', () => closed.abort());
    let replayed = false;
    const answer = await route.handle({
      pipeline: pipeline.name,
      actor,
      params: parsedParams,
      query: query?.success ? query.data : {},
      body: body?.success ? body.data : undefined,
      signal: AbortSignal.any([closed.signal, stopping.signal]),
      once: (change) =>
        repos.db.transaction(() => {
          // A retry that raced the first call gets its answer.
          const again = replay();
          if (again) {
            replayed = true;
            return again;
          }
          const a = change();
          if (a.status < 300 && method === 'POST') {
            repos.idempotency.record(
              pipeline.name,
              idempotencyKey,
              { request, bodyHash, status: a.status, response: JSON.stringify(a.body) },
              clock.now(),
            );
          }
          return a;
        })(),
    });
    record(actor, method, path, answer, method === 'POST' ? { idempotencyKey, ...(replayed ? { replayed } : {}) } : {});
    send(res, answer, replayed ? { 'idempotent-replayed': 'true' } : {});
  }

  return {
    /** Serves `api` (and its OpenAPI document) from now on. */
    serve(api: Route[]): void {
      routes = api;
      document = null;
    },
    /** The receiver's custom route: every method under /api/v1. */
    route: {
      path: `${API_PREFIX}/*rest`,
      method: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
      handler: (req: IncomingMessage, res: ServerResponse) => {
        handle(req, res).catch((error: unknown) => {
          const id = createHash('sha256').update(`${Date.now()}${Math.random()}`).digest('hex').slice(0, 8);
          logger.with('error', 'API request failed', { error, errorId: id, path: req.url?.split('?')[0] });
          send(res, errorAnswer(500, 'internal', `Something went wrong on Liftoff's side (error ${id}); try again.`));
        });
      },
    },
    /** Answers every waiting long-poll at once (stop). */
    stop(): void {
      stopping.abort();
    },
  };
}
