import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse } from 'node:querystring';
import { HTTPModuleFunctions, type HTTPReceiver, verifySlackRequest } from '@slack/bolt';
import type { Logger } from '../support/logger.js';

/** Where Slack sends events, commands and interactions in HTTP mode. */
export const EVENTS_PATH = '/slack/events';

const FORM = 'application/x-www-form-urlencoded';
const PAYLOAD = 'payload=';

/**
 * Whether Bolt's receiver takes `req` as one of Slack's requests: the test `HTTPReceiver` makes
 * (its path parsed the same way, the method in capitals), so what is checked here is exactly what
 * the receiver would hand to the app.
 */
function forBolt(req: IncomingMessage): boolean {
  return (
    (req.method ?? '').toUpperCase() === 'POST' && new URL(req.url ?? '', 'http://localhost').pathname === EVENTS_PATH
  );
}

/** Slack's SSL check: a form whose `ssl_check` is 1, sent without a signature. */
function isSslCheck(req: IncomingMessage, body: string): boolean {
  return req.headers['content-type'] === FORM && parse(body).ssl_check === '1';
}

const header = (req: IncomingMessage, name: string): string => {
  const value = req.headers[name];
  return typeof value === 'string' ? value : '';
};

/**
 * The JSON a form of one field, `payload`, holds (every button, form and shortcut Slack sends);
 * undefined for anything else: a form of several fields (a slash command), and a payload that
 * `decodeURIComponent` refuses (a stray `%`, or bytes that are not UTF-8, which `querystring`
 * reads leniently: left to it).
 */
export function payloadJson(form: string): string | undefined {
  if (!form.startsWith(PAYLOAD) || form.includes('&')) return undefined;
  try {
    return decodeURIComponent(form.slice(PAYLOAD.length).replaceAll('+', ' '));
  } catch {
    return undefined;
  }
}

/**
 * A verified request whose form holds one `payload`, handed to the receiver as that JSON: Bolt reads
 * a JSON body with one `JSON.parse`, where a form goes through `querystring.parse` first, whose
 * percent-decoding in JavaScript took about as long as the parse of the JSON (a button's request
 * carries its whole message: 0.29 → 0.17 ms for a 21 KB body; `decodeURIComponent` is the
 * engine's). The receiver gets the same body either way (`payloadJson`'s test compares them).
 */
function asJsonPayload<R extends IncomingMessage & { rawBody: Buffer }>(req: R, body: string): R {
  const json = req.headers['content-type'] === FORM ? payloadJson(body) : undefined;
  if (json === undefined) return req;
  req.rawBody = Buffer.from(json);
  req.headers['content-type'] = 'application/json';
  return req;
}

/**
 * Checks the signature of every request to Slack's endpoint before Bolt's receiver sees it; the
 * receiver is built not to check again (`signatureVerification: false` in `buildSlackApp`, with
 * this installed beside it). Why: Bolt's own check reads a form's fields once to look for
 * `ssl_check` and the receiver reads them again for the payload, and a button's request carries
 * its whole message (kilobytes of Block Kit, percent-encoded): that first read was about a
 * twentieth of the CPU Liftoff spends on a click. Here the body is read with Bolt's size limit
 * (413 past it), and checked with Bolt's `verifySlackRequest` (the v0 HMAC of the body with the
 * signing secret, a timestamp at most five minutes old). A request that fails is answered 401 and
 * goes no further, unless it is Slack's unsigned SSL check, answered 200 with nothing of its body
 * passed on (Bolt answers it the same way). The fields are read only on that refused path. A
 * request that holds one `payload` reaches the receiver as its JSON (`asJsonPayload`).
 */
export function verifyBeforeBolt(receiver: HTTPReceiver, signingSecret: string, logger: Logger): void {
  const inner = receiver.requestListener;
  receiver.requestListener = (req, res) => {
    if (!forBolt(req)) return inner(req, res);
    void checked(req, res)
      .then((verified) => {
        if (verified) inner(verified, res);
      })
      .catch((error: unknown) => {
        logger.with('error', 'a request to the Slack endpoint could not be handled', {
          error: (error as Error).message,
        });
        if (!res.headersSent) HTTPModuleFunctions.buildNoBodyResponse(res, 500);
      });
  };

  /** The request with its body read (`rawBody`, which the receiver uses as it is) once its signature holds; else answered. */
  async function checked(req: IncomingMessage, res: ServerResponse): Promise<IncomingMessage | undefined> {
    let buffered: IncomingMessage & { rawBody: Buffer };
    try {
      buffered = await HTTPModuleFunctions.bufferIncomingMessage(req, HTTPModuleFunctions.defaultBodyLimit);
    } catch (error) {
      const tooLarge =
        HTTPModuleFunctions.isRawBodyError(error) && (error.type === 'entity.too.large' || error.statusCode === 413);
      logger.with(
        'warn',
        tooLarge ? 'a request to the Slack endpoint was too large' : 'a request body could not be read',
        {
          error: (error as Error).message,
        },
      );
      HTTPModuleFunctions.buildNoBodyResponse(res, tooLarge ? 413 : 401);
      return undefined;
    }
    const body = buffered.rawBody.toString();
    try {
      verifySlackRequest({
        signingSecret,
        body,
        headers: {
          'x-slack-signature': header(req, 'x-slack-signature'),
          // Absent: not a number (Bolt says so), rather than 0 (which it would call stale).
          'x-slack-request-timestamp': Number(header(req, 'x-slack-request-timestamp') || 'NaN'),
        },
      });
      return asJsonPayload(buffered, body);
    } catch (error) {
      if (isSslCheck(req, body)) {
        HTTPModuleFunctions.buildSSLCheckResponse(res);
        return undefined;
      }
      logger.with('warn', `Failed to verify a request to ${EVENTS_PATH}: ${(error as Error).message}`);
      HTTPModuleFunctions.buildNoBodyResponse(res, 401);
      return undefined;
    }
  }
}
