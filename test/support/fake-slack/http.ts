/** Reading requests the way Slack does, answering, and injected faults. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Fault, SlackJson } from './types.js';
import type { Workspace } from './workspace.js';

/** Arguments @slack/web-api sends JSON-encoded inside a form. */
const JSON_ARGS = ['blocks', 'view', 'attachments', 'metadata'];

export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * Query string plus a form-urlencoded or JSON body. `blocks`, `view`... are parsed from their JSON strings;
 * unparsable JSON is flagged as `__invalid_json` / `__invalid_<arg>` for the caller to refuse.
 */
export function parseArgs(raw: string, contentType: string, query: URLSearchParams): SlackJson {
  const args: SlackJson = Object.fromEntries(query);
  if (raw && contentType.includes('application/json')) {
    try {
      Object.assign(args, JSON.parse(raw) as SlackJson);
    } catch {
      args.__invalid_json = true;
    }
  } else if (raw) {
    Object.assign(args, Object.fromEntries(new URLSearchParams(raw)));
  }
  for (const k of JSON_ARGS) {
    const v: unknown = args[k];
    if (typeof v !== 'string' || v === '') continue;
    try {
      args[k] = JSON.parse(v);
    } catch {
      args[`__invalid_${k}`] = true;
    }
  }
  return args;
}

export function send(res: ServerResponse, status: number, body: SlackJson, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}

function takeFault(ws: Workspace, method: string): Fault | undefined {
  const queue = ws.faults.get(method);
  const next = queue?.[0];
  if (!queue || !next) return undefined;
  if (--next.left <= 0) queue.shift();
  return next.fault;
}

/**
 * Applies the next fault injected for `method`, if any. A delay waits and lets the call go on;
 * the others answer here. Returns the answer given, or undefined to go on normally.
 */
export async function applyFault(
  ws: Workspace,
  method: string,
  res: ServerResponse,
): Promise<{ status: number; body: SlackJson } | { lateMs: number } | undefined> {
  const fault = takeFault(ws, method);
  if (!fault) return undefined;
  if ('lateMs' in fault) return fault;
  if ('delayMs' in fault) {
    await new Promise((r) => setTimeout(r, fault.delayMs));
    return undefined;
  }
  const answer =
    'error' in fault
      ? { status: 200, body: { ok: false, error: fault.error } }
      : fault.status === 429
        ? {
            status: 429,
            body: { ok: false, error: 'ratelimited' },
            headers: { 'retry-after': String(fault.retryAfter) },
          }
        : { status: 500, body: { ok: false, error: 'internal_error' } };
  send(res, answer.status, answer.body, 'headers' in answer ? answer.headers : {});
  return answer;
}
