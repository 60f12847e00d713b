import type { Deployment, Environment } from '../core/deployment/types.js';

/**
 * An HTTP endpoint to call when a rollback starts (e.g. a CI pipeline trigger).
 * The team configuration gives it per service and environment; it has the
 * same shape as the configuration's `HookConfig`.
 */
export interface RollbackHookConfig {
  url: string;
  /** The only hosts that may be called: a URL whose host is not listed is refused without a call. */
  allowedHosts: string[];
  timeoutMs: number;
  /** Extra request headers (e.g. a token). Never logged, never shown. */
  headers?: Record<string, string>;
}

/** Which hook, if any, a service's environment has. */
export type RollbackHookLookup = (target: { service: string; environment: Environment }) => RollbackHookConfig | null;

export const NO_ROLLBACK_HOOKS: RollbackHookLookup = () => null;

/** The JSON body of the call. */
export interface RollbackHookRequest {
  deployment: string;
  service: string;
  environment: Environment;
  fromVersion: string;
  toVersion: string | null;
  rollbackId: string;
}

/** What came of a call: always one of these, never a throw. */
export type RollbackHookResult =
  | { kind: 'answered'; ok: boolean; status: number; body: string; ms: number }
  | { kind: 'timeout'; timeoutMs: number }
  | { kind: 'refused_host'; host: string }
  | { kind: 'failed'; message: string };

/** How much of the answer is kept: enough to show, never a whole page. */
const MAX_BODY = 1000;

/** The rollback's id, stable for one rollback of one deployment. */
export const rollbackIdOf = (d: Deployment): string => `${d.ref}-rollback-${Math.floor((d.rollback?.started.at ?? 0) / 1000)}`;

export function hookRequestOf(d: Deployment): RollbackHookRequest {
  return {
    deployment: d.ref,
    service: d.service,
    environment: d.environment,
    fromVersion: d.rollback?.fromVersion ?? d.version,
    toVersion: d.rollback?.toVersion ?? null,
    rollbackId: rollbackIdOf(d),
  };
}

/** Null when the URL may be called; else the host that is not allowed (or the reason). */
export function refusedHost(config: RollbackHookConfig): string | null {
  let url: URL;
  try {
    url = new URL(config.url);
  } catch {
    return '(not a URL)';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `${url.protocol} (only http and https)`;
  const host = url.hostname.toLowerCase();
  return config.allowedHosts.some((h) => h.trim().toLowerCase() === host) ? null : host;
}

async function readSome(res: Response): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  try {
    while (text.length < MAX_BODY) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return text.length > MAX_BODY ? `${text.slice(0, MAX_BODY)}…` : text;
}

/**
 * POSTs the rollback to the hook. Refuses a host not in `allowedHosts`
 * without calling; gives up after `timeoutMs` (the body included); does not
 * follow redirects (they could lead to another host).
 */
export async function callRollbackHook(
  config: RollbackHookConfig,
  request: RollbackHookRequest,
  fetchImpl: typeof fetch = fetch,
): Promise<RollbackHookResult> {
  const refused = refusedHost(config);
  if (refused) return { kind: 'refused_host', host: refused };
  const started = Date.now();
  const signal = AbortSignal.timeout(config.timeoutMs);
  try {
    const res = await fetchImpl(config.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'Liftoff rollback hook', ...(config.headers ?? {}) },
      body: JSON.stringify(request),
      redirect: 'manual',
      signal,
    });
    const body = await readSome(res);
    return { kind: 'answered', ok: res.ok, status: res.status, body, ms: Date.now() - started };
  } catch (error) {
    if (signal.aborted) return { kind: 'timeout', timeoutMs: config.timeoutMs };
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return { kind: 'failed', message: cause?.code ?? cause?.message ?? (error as Error).message ?? 'unknown error' };
  }
}
