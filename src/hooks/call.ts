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
  /** Show the start of the answer's body in the thread (redacted); off by default. */
  showResponseBody?: boolean;
}

/** Why a call got no answer, as a plain category (never a library's message: it may quote the URL or a header). */
export type HookFailure = 'name_not_resolved' | 'connection_refused' | 'tls_error' | 'unreachable' | 'bad_request';

/** What came of a call: always one of these, never a throw. `host` is the URL's host alone (never its userinfo, path or query). */
export type HookResult =
  /** `body`: '' unless the hook shows it, then redacted and cut short. `redirectedTo`: the Location of a 3xx answer, never followed. */
  | { kind: 'answered'; ok: boolean; status: number; body: string; ms: number; redirectedTo?: string }
  | { kind: 'timeout'; timeoutMs: number; host: string }
  | { kind: 'refused_host'; host: string }
  | { kind: 'failed'; failure: HookFailure; host: string };

/** How much of an answer is shown, at most, and read. */
export const SHOWN_BODY = 300;
const READ_BODY = 1000;

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

/** The start of the body: `max` characters (a secret cut in two at the end is read whole, so it can be redacted). */
async function readSome(res: Response, max: number): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  try {
    while (text.length < max) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return text.slice(0, max);
}

/**
 * The secrets of a hook's configuration: its header values (and each long
 * word of them, e.g. the token of "Bearer …") and the URL's userinfo and query
 * values. A body that echoes any of them shows `[redacted]` instead.
 */
export function secretsOf(config: HookConfig): string[] {
  const found = new Set<string>();
  const add = (v: string) => {
    if (v.length >= 4) found.add(v);
    for (const word of v.split(/[\s,;:=]+/)) if (word.length >= 8) found.add(word);
  };
  for (const v of Object.values(config.headers ?? {})) add(v);
  try {
    const url = new URL(config.url);
    for (const part of [url.username, url.password, decodeURIComponent(url.username), decodeURIComponent(url.password)])
      add(part);
    for (const v of url.searchParams.values()) add(v);
  } catch {
    // Not a URL: nothing is called.
  }
  // Longest first, so a value is replaced whole before a word inside it.
  return [...found].sort((a, b) => b.length - a.length);
}

export function redact(text: string, secrets: string[]): string {
  let out = text;
  for (const s of secrets) out = out.split(s).join('[redacted]');
  return out;
}

/** What a failed fetch means, from its cause's code alone. */
export function failureOf(error: unknown): HookFailure {
  const cause = (error as { cause?: { code?: unknown } }).cause;
  const code = typeof cause?.code === 'string' ? cause.code : '';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME') return 'name_not_resolved';
  if (code === 'ECONNREFUSED') return 'connection_refused';
  if (
    /^(ERR_TLS|ERR_SSL|CERT_|UNABLE_TO_|DEPTH_ZERO|SELF_SIGNED|ERR_OSSL|HOSTNAME_MISMATCH)/.test(code) ||
    code.startsWith('ERR_TLS_CERT')
  )
    return 'tls_error';
  // fetch refuses to build the request (a header value it cannot send, a URL with credentials): a TypeError without a network cause.
  if (!code && error instanceof TypeError && !cause) return 'bad_request';
  return 'unreachable';
}

/** One request: POST with a JSON body (a hook) or GET (a health check); `readMax` characters of the answer are read. */
interface Exchange {
  method: 'POST' | 'GET';
  body?: unknown;
  userAgent: string;
  readMax: number;
}

/**
 * Makes one request. Refuses a host not in `allowedHosts` without calling;
 * gives up after `timeoutMs` (the body included); does not follow redirects
 * (they could lead to another host). `raw` is the start of the answer as read,
 * for the caller to judge: never shown (it may echo a secret).
 */
async function exchange(
  config: HookConfig,
  x: Exchange,
  fetchImpl: typeof fetch,
): Promise<{ result: HookResult; raw: string }> {
  const refused = refusedHost(config);
  if (refused) return { result: { kind: 'refused_host', host: refused }, raw: '' };
  const host = new URL(config.url).host;
  const started = Date.now();
  const signal = AbortSignal.timeout(config.timeoutMs);
  try {
    const res = await fetchImpl(config.url, {
      method: x.method,
      headers: {
        ...(x.method === 'POST' ? { 'content-type': 'application/json' } : {}),
        'user-agent': x.userAgent,
        ...(config.headers ?? {}),
      },
      ...(x.method === 'POST' ? { body: JSON.stringify(x.body) } : {}),
      redirect: 'manual',
      signal,
    });
    // The answer is read (within the timeout) whether or not it is shown.
    const secrets = secretsOf(config);
    const raw = await readSome(res, Math.max(x.readMax, SHOWN_BODY + (secrets[0]?.length ?? 0)));
    const shown = config.showResponseBody ? redact(raw, secrets) : '';
    const text = shown.length > SHOWN_BODY ? `${shown.slice(0, SHOWN_BODY)}…` : shown;
    const location = res.status >= 300 && res.status < 400 ? res.headers.get('location') : null;
    const result: HookResult = {
      kind: 'answered',
      ok: res.ok,
      status: res.status,
      body: text,
      ms: Date.now() - started,
      ...(location ? { redirectedTo: location } : {}),
    };
    return { result, raw };
  } catch (error) {
    if (signal.aborted) return { result: { kind: 'timeout', timeoutMs: config.timeoutMs, host }, raw: '' };
    return { result: { kind: 'failed', failure: failureOf(error), host }, raw: '' };
  }
}

/**
 * POSTs `body` as JSON to the hook (`exchange`'s protections). Its result
 * never holds a secret: a failure is a category and the host, and the
 * answer's body is kept only with `showResponseBody`, redacted and cut short.
 */
export async function callHook(
  config: HookConfig,
  body: unknown,
  userAgent: string,
  fetchImpl: typeof fetch = fetch,
): Promise<HookResult> {
  return (await exchange(config, { method: 'POST', body, userAgent, readMax: READ_BODY }, fetchImpl)).result;
}

/** How much of a health check's answer is read to compare with the expected body. */
const READ_CHECKED_BODY = 16_000;

/**
 * GETs the URL with the same protections as a hook call (allowed hosts only,
 * the timeout, no redirect followed, its headers never shown). `raw` is the
 * start of the answer, to compare with what is expected; it is never shown.
 */
export function getOnce(
  config: HookConfig,
  userAgent: string,
  fetchImpl: typeof fetch = fetch,
): Promise<{ result: HookResult; raw: string }> {
  return exchange(config, { method: 'GET', userAgent, readMax: READ_CHECKED_BODY }, fetchImpl);
}
