import { HTTPModuleFunctions } from '@slack/bolt';
import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { payloadJson } from '../../src/slack/signed-requests.js';

/** What Bolt's receiver makes of a body with `contentType`, as it reads a request. */
const boltReads = (body: string, contentType: string): unknown =>
  HTTPModuleFunctions.parseHTTPRequestBody({
    rawBody: Buffer.from(body),
    headers: { 'content-type': contentType },
  } as unknown as IncomingMessage & { rawBody: Buffer });

const FORM = 'application/x-www-form-urlencoded';

describe("a button's form read as the JSON it holds (signed-requests.ts)", () => {
  // What a browser and Slack's form encoders write: spaces as +, the rest percent-encoded.
  const payloads = [
    { type: 'block_actions', actions: [{ value: '{"d":1,"k":"pre.0"}' }] },
    { text: 'spaces, + signs, 100% sure & more = fine; ?#/' },
    { text: '⬜ *Deploy* · ✅ — <@U123> “quoted” 日本語 🚀' },
    { text: 'line\nbreak\ttab\\back"slash' },
    { view: { state: { values: { b: { a: { value: 'a+b c%20d' } } } } } },
  ];

  it('gives the receiver what it would have read from the form, for every character a payload holds', () => {
    for (const p of payloads) {
      for (const form of [
        new URLSearchParams({ payload: JSON.stringify(p) }).toString(),
        `payload=${encodeURIComponent(JSON.stringify(p))}`,
      ]) {
        const json = payloadJson(form);
        expect(json).toBeDefined();
        expect(boltReads(json!, 'application/json')).toEqual(boltReads(form, FORM));
        expect(boltReads(json!, 'application/json')).toEqual(p);
      }
    }
  });

  it('leaves to Bolt a form of several fields and a payload the engine will not decode', () => {
    // A slash command: its fields, not a payload.
    expect(payloadJson('command=%2Fdeploy&text=help&user_id=U1')).toBeUndefined();
    expect(payloadJson(`payload=${encodeURIComponent('{}')}&ssl_check=1`)).toBeUndefined();
    // A stray % and bytes that are not UTF-8: querystring reads them leniently; so they go to it.
    expect(payloadJson('payload=%7B%22a%22%3A%22100%%22%7D')).toBeUndefined();
    expect(payloadJson('payload=%7B%22a%22%3A%22%ED%A0%80%22%7D')).toBeUndefined();
    expect(payloadJson('ssl_check=1')).toBeUndefined();
  });
});
