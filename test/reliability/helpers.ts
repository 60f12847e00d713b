import Database from 'better-sqlite3';
import { expect } from 'vitest';
import type { Deployment } from '../../src/core/deployment/types.js';
import { itemsOfStage } from '../../src/core/template/items.js';
import { ActionId, encodeRef } from '../../src/slack/ids.js';
import { renderDeployment } from '../../src/slack/views/deployment/index.js';
import { press, startDeployment } from '../support/flows.js';
import { CHANNELS, PEOPLE, type Harness } from '../support/harness.js';
import { stateOf } from '../support/stored.js';

export { stateOf };

export const eventsOf = (h: Pick<Harness, 'query'>, id?: number) =>
  h.query<{ deployment_id: number; seq: number; type: string; actor: string; data: string }>(
    `SELECT deployment_id, seq, type, actor, data FROM events ${id ? 'WHERE deployment_id = ?' : ''} ORDER BY deployment_id, seq`,
    ...(id ? [id] : []),
  );

/** Everything that records what happened: deployments, their events, handled submissions. */
export function dump(h: Pick<Harness, 'query'>, opts: { ignoreRefusals?: boolean } = {}) {
  const events = eventsOf(h).filter((e) => !(opts.ignoreRefusals && e.type === 'refused'));
  return {
    deployments: h.query('SELECT id, ref, status, revision, state FROM deployments ORDER BY id'),
    events: opts.ignoreRefusals ? events.map(({ seq: _seq, ...e }) => e) : events,
    submissions: h.query('SELECT view_id, deployment_id FROM submissions ORDER BY view_id'),
  };
}

/** Pre-deployment items that a single click confirms (no evidence asked). */
export function plainPreItems(d: Deployment) {
  return itemsOfStage(d.plan, 'pre').filter((p) => !p.item.evidence);
}

/** The message of a deployment that holds a button, and a click on it as `user` (not awaited for settling). */
export function clickOf(
  h: Harness,
  user: string,
  actionId: string,
  ref: Parameters<typeof encodeRef>[0],
  opts: { retryNum?: number } = {},
) {
  const value = encodeRef(ref);
  const message = h.fake
    .messages(CHANNELS.deploys)
    .find((m) => JSON.stringify(m.blocks).includes(JSON.stringify(value).slice(1, -1)));
  return h.slack.action(
    {
      user,
      actionId,
      value,
      channel: CHANNELS.deploys,
      ...(message ? { messageTs: message.ts, ...(message.thread_ts ? { threadTs: message.thread_ts } : {}) } : {}),
    },
    opts.retryNum !== undefined ? { retryNum: opts.retryNum } : undefined,
  );
}

/** A deployment with every approval given, ready for its checklist. */
export async function approvedDeployment(h: Harness, v: Parameters<typeof startDeployment>[1] = {}) {
  const started = await startDeployment(h, v);
  for (const [role, user] of [
    ['dev_lead', PEOPLE.dev],
    ['qa_lead', PEOPLE.qa],
    ['ops_lead', PEOPLE.ops],
  ] as const) {
    await press(h, user, ActionId.approve, { d: started.id, r: role });
  }
  return started;
}

/**
 * Every Slack message Liftoff keeps (all but the once-only notes) shows exactly
 * what the database says now. Returns how many messages were compared.
 */
export function expectMessagesInLine(h: Pick<Harness, 'query' | 'fake'> & { clock: { now(): number } }): number {
  let compared = 0;
  const ids = h.query<{ id: number }>('SELECT id FROM deployments ORDER BY id').map((r) => r.id);
  for (const id of ids) {
    const d = stateOf(h, id);
    const records = new Map(
      h
        .query<{ key: string; channel_id: string; ts: string | null }>(
          'SELECT key, channel_id, ts FROM messages WHERE deployment_id = ?',
          id,
        )
        .map((r) => [r.key, r]),
    );
    for (const m of renderDeployment(d, h.clock.now())) {
      if (m.once) continue;
      const record = records.get(m.key);
      expect(record?.ts, `${d.ref} ${m.key} is posted`).toBeTruthy();
      const shown = h.fake.message(record!.channel_id, record!.ts!);
      expect(shown, `${d.ref} ${m.key} exists in Slack`).toBeDefined();
      expect({ key: m.key, text: shown!.text, blocks: shown!.blocks }).toEqual({
        key: m.key,
        text: m.text,
        blocks: m.blocks,
      });
      compared++;
    }
  }
  return compared;
}

/** Every message posted in Slack is one Liftoff keeps a record of: nothing was posted twice. */
export function expectNoDoublePosts(h: Pick<Harness, 'query' | 'fake'>): number {
  const posted = h.fake.calls.filter(
    (c) => c.method === 'chat.postMessage' && c.response.ok && !String(c.args.channel).startsWith('U'),
  );
  const rows = h.query<{ n: number }>('SELECT COUNT(*) AS n FROM messages WHERE ts IS NOT NULL')[0]!.n;
  expect(posted.length).toBe(rows);
  return posted.length;
}

/** Figures the README quotes; printed once per test file so a run shows them. */
export function report(name: string, figures: Record<string, number | string>) {
  process.stdout.write(
    `[reliability] ${name}: ${Object.entries(figures)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ')}\n`,
  );
}

/** Reads a database file with a second, read-only connection. */
export const reader = (file: string) => ({
  query<T>(sql: string, ...params: unknown[]): T[] {
    const db = new Database(file, { readonly: true });
    try {
      return db.prepare(sql).all(...params) as T[];
    } finally {
      db.close();
    }
  },
});
