/**
 * An HTTP endpoint Liftoff calls at a moment of a deployment (a rollback's
 * start, a maintenance window's start and end). The team configuration gives
 * it per service and environment; it has the same shape as the
 * configuration's `HookConfig`.
 */
export interface HookConfig {
  url: string;
  /** The only hosts that may be called: a URL whose host is not listed is refused without a call. */
  allowedHosts: string[];
  timeoutMs: number;
  /** Extra request headers (e.g. a token). Never logged, never shown. */
  headers?: Record<string, string>;
}

/** What came of a call: always one of these, never a throw. */
export type HookResult =
  /** `redirectedTo`: the Location of a 3xx answer, which is never followed. */
  | { kind: 'answered'; ok: boolean; status: number; body: string; ms: number; redirectedTo?: string }
  | { kind: 'timeout'; timeoutMs: number }
  | { kind: 'refused_host'; host: string }
  | { kind: 'failed'; message: string };

/** How much of the answer is kept: enough to show, never a whole page. */
const MAX_BODY = 1000;

/** Null when the URL may be called; else the host that is not allowed (or the reason). */
export function refusedHost(config: HookConfig): string | null {
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
 * POSTs `body` as JSON to the hook. Refuses a host not in `allowedHosts`
 * without calling; gives up after `timeoutMs` (the body included); does not
 * follow redirects (they could lead to another host).
 */
export async function callHook(config: HookConfig, body: unknown, userAgent: string, fetchImpl: typeof fetch = fetch): Promise<HookResult> {
  const refused = refusedHost(config);
  if (refused) return { kind: 'refused_host', host: refused };
  const started = Date.now();
  const signal = AbortSignal.timeout(config.timeoutMs);
  try {
    const res = await fetchImpl(config.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': userAgent, ...(config.headers ?? {}) },
      body: JSON.stringify(body),
      redirect: 'manual',
      signal,
    });
    const text = await readSome(res);
    const location = res.status >= 300 && res.status < 400 ? res.headers.get('location') : null;
    return { kind: 'answered', ok: res.ok, status: res.status, body: text, ms: Date.now() - started, ...(location ? { redirectedTo: location } : {}) };
  } catch (error) {
    if (signal.aborted) return { kind: 'timeout', timeoutMs: config.timeoutMs };
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return { kind: 'failed', message: cause?.code ?? cause?.message ?? (error as Error).message ?? 'unknown error' };
  }
}
