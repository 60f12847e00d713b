import http from 'node:http';
import https from 'node:https';
import type { FetchFunction } from '@slack/web-api';

/** What the Web API client reads of an answer. */
export type FetchResponse = Awaited<ReturnType<FetchFunction>>;

/**
 * The Web API client's HTTP requests, made with Node's own `http`/`https` on kept-alive sockets
 * instead of `fetch`. The client hands over a small form body and reads a small JSON answer;
 * `fetch` wraps both in web streams, which cost about as much CPU as the rest of a call (measured:
 * about 0.9 ms of 1.7 for a `chat.update` of a full card). Answers are read whole and can be read
 * more than once (`clone()` gives the same answer): the metrics read the outcome, the client the
 * result. A body that is not text or bytes (a file upload's form) goes through `fallback`.
 */
export function keptAliveFetch(fallback: typeof fetch = fetch): FetchFunction {
  // As Node's own global agent: the most recently used socket first, and an idle one closed after
  // 5 s (a socket Slack's side has closed meanwhile is then rarely the one a call is written on).
  const kept = { keepAlive: true, scheduling: 'lifo', timeout: 5_000 } as const;
  const agents = { 'http:': new http.Agent(kept), 'https:': new https.Agent(kept) };
  return async (url, init = {}) => {
    const target = new URL(String(url));
    const body: unknown = init.body;
    if (
      (target.protocol !== 'http:' && target.protocol !== 'https:') ||
      !(body === undefined || typeof body === 'string' || body instanceof Uint8Array)
    ) {
      const res = await fallback(url, init as RequestInit);
      return bufferedResponse(
        res.status,
        res.statusText,
        target.href,
        new Headers(res.headers),
        Buffer.from(await res.arrayBuffer()),
      );
    }
    const payload = body === undefined ? undefined : typeof body === 'string' ? Buffer.from(body) : body;
    const lib = target.protocol === 'https:' ? https : http;
    return new Promise<FetchResponse>((resolve, reject) => {
      const req = lib.request(
        target,
        {
          method: init.method ?? 'GET',
          agent: agents[target.protocol as 'http:' | 'https:'],
          headers: { ...init.headers, ...(payload ? { 'content-length': String(payload.length) } : {}) },
          ...(init.signal ? { signal: init.signal } : {}),
        },
        (res) => {
          const status = res.statusCode ?? 0;
          // The client asks for no redirects ('error'), as fetch would refuse one.
          if (status >= 300 && status < 400 && init.redirect !== 'manual') {
            res.resume();
            reject(new TypeError(`fetch failed: redirected (${status}) from ${target.origin}`));
            return;
          }
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', reject);
          res.on('end', () => {
            const headers = new Headers();
            for (const [name, value] of Object.entries(res.headers)) {
              if (value === undefined) continue;
              for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
            }
            resolve(bufferedResponse(status, res.statusMessage ?? '', target.href, headers, Buffer.concat(chunks)));
          });
        },
      );
      // An aborted request (the client's timeout) rejects as fetch does, with the signal's reason.
      req.on('error', (error) => reject(init.signal?.aborted ? (init.signal.reason ?? error) : error));
      req.end(payload);
    });
  };
}

/** The parts of Slack's answers that hold the blocks a call sent: a post's or edit's `message`, a view. */
const ECHOES = ['message', 'view'] as const;

/**
 * Drops the blocks Slack echoes back in an answer (`message.blocks` of chat.postMessage and
 * chat.update, `view.blocks` of views.*); true when there were some. Liftoff reads none of them
 * (the ts, the ids and the outcome are kept), and the Web API client copies and writes out all of
 * an answer for a debug line it builds at every log level. A list's `messages` are kept whole.
 */
function dropEchoedBlocks(answer: unknown): boolean {
  if (!answer || typeof answer !== 'object') return false;
  let dropped = false;
  for (const key of ECHOES) {
    const part = (answer as Record<string, unknown>)[key];
    if (part && typeof part === 'object' && 'blocks' in part) {
      delete (part as { blocks?: unknown }).blocks;
      dropped = true;
    }
  }
  return dropped;
}

/**
 * An answer read whole: every read gives the same text, and `clone()` is the answer itself. A JSON
 * answer holding blocks is parsed once: the metrics' `json()` gets that, and the client's `text()`
 * the answer without the blocks it echoes (`dropEchoedBlocks`).
 */
function bufferedResponse(
  status: number,
  statusText: string,
  url: string,
  headers: Headers,
  bytes: Buffer,
): FetchResponse & { clone(): FetchResponse } {
  let text: string | undefined;
  let parsed: unknown;
  const read = (): string => {
    if (text !== undefined) return text;
    text = bytes.toString('utf8');
    if (headers.get('content-type')?.includes('json') && text.includes('"blocks"')) {
      try {
        parsed = JSON.parse(text);
        if (dropEchoedBlocks(parsed)) text = JSON.stringify(parsed);
      } catch {
        // Not JSON after all: the client reads the text as it came, and says so.
      }
    }
    return text;
  };
  const res = {
    ok: status >= 200 && status < 300,
    status,
    statusText,
    url,
    headers,
    text: async () => read(),
    json: async () => {
      const t = read();
      return parsed ?? (JSON.parse(t) as unknown);
    },
    arrayBuffer: async () => bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer,
    clone: () => res,
  };
  return res;
}
