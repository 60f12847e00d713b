import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'vitest';
import { itemsOfStage, type Stage } from '../../src/core/template/items.js';
import { ActionId, RollbackField } from '../../src/slack/ids.js';
import { press, startDeployment, textOf, threadOf, type StartValues } from '../support/flows.js';
import { PEOPLE, type Harness } from '../support/harness.js';
import { input } from '../support/slack-requests.js';
import { stateOf } from '../support/stored.js';

export { stateOf };

/** Every message of a deployment's thread (parent excluded), as text. */
export const threadTextOf = (h: Harness, id: number): string => {
  const ts = h.query<{ ts: string }>(`SELECT ts FROM messages WHERE deployment_id = ? AND key = 'parent'`, id)[0]!.ts;
  return threadOf(h, ts).map(textOf).join('\n');
};

export const eventsOf = (h: Harness, id: number) =>
  h.query<{ type: string; actor: string; data: string }>(
    'SELECT type, actor, data FROM events WHERE deployment_id = ? ORDER BY seq',
    id,
  );

/** Confirms every item of a stage (or of one phase) as `user`, giving evidence where asked. */
export async function confirmAll(
  h: Harness,
  id: number,
  stage: Stage,
  user: string = PEOPLE.deployer,
  phaseId?: string,
) {
  for (const p of itemsOfStage(stateOf(h, id).plan, stage)) {
    if (phaseId && p.sectionId !== phaseId) continue;
    await press(h, user, ActionId.confirmItem, { d: id, k: p.key });
    if (!p.item.evidence) continue;
    const view = h.fake.lastView()!;
    const res = await h.slack.submitView({
      user,
      callbackId: 'item.evidence',
      privateMetadata: (view.view as { private_metadata: string }).private_metadata,
      values: {
        evidence: { value: input.text(p.item.evidence.kind === 'url' ? 'https://ci.example.com/run/42' : 'backup-1') },
      },
      viewId: view.id,
    });
    expect(res.status).toBe(200);
    await h.settled();
  }
}

/**
 * The deployer overrides a gate through its reason modal. In production (by default, a second
 * person's decision) that only asks: `grantedBy`, an approver other than the deployer, grants it.
 */
export async function overrideGate(
  h: Harness,
  id: number,
  gate: 'start' | 'complete',
  { reason = 'test run', grantedBy = PEOPLE.dev }: { reason?: string; grantedBy?: string } = {},
) {
  await press(h, PEOPLE.deployer, ActionId.overrideGate, { d: id, g: gate });
  const view = h.fake.lastView()!;
  await h.slack.submitView({
    user: PEOPLE.deployer,
    callbackId: 'gate.override',
    privateMetadata: (view.view as { private_metadata: string }).private_metadata,
    values: { reason: { value: input.text(reason) } },
    viewId: view.id,
  });
  await h.settled();
  if (stateOf(h, id).overrideRequests?.[gate]) await press(h, grantedBy, ActionId.grantOverride, { d: id, g: gate });
  expect(stateOf(h, id).overrides.some((o) => o.gate === gate)).toBe(true);
}

/** Reports a step of a running phase failed through its modal (the first step unless `step` names part of its key). */
export async function failStep(h: Harness, user: string, id: number, phaseId: string, note: string, step = '') {
  await press(h, user, ActionId.failStep, { d: id, p: phaseId });
  const view = h.fake.lastView()!;
  const v = view.view as {
    private_metadata: string;
    blocks: Array<{ block_id: string; element?: { options?: Array<{ value: string }> } }>;
  };
  const option = v.blocks.find((b) => b.block_id === 'step')!.element!.options!.find((o) => o.value.includes(step))!;
  const values = { step: { value: input.select(option.value) }, reason: { value: input.text(note) } };
  await h.slack.submitView({
    user,
    callbackId: 'step.fail',
    privateMetadata: v.private_metadata,
    values,
    viewId: view.id,
  });
  await h.settled();
}

/** Marks a running rollback failed through its modal. */
export async function failRollback(h: Harness, user: string, id: number, note: string) {
  await press(h, user, ActionId.rollbackFail, { d: id });
  const view = h.fake.lastView()!;
  const privateMetadata = (view.view as { private_metadata: string }).private_metadata;
  await h.slack.submitView({
    user,
    callbackId: 'rollback.fail',
    privateMetadata,
    values: { reason: { value: input.text(note) } },
    viewId: view.id,
  });
  await h.settled();
}

/** A deployment whose first phase is running (the start gate overridden). */
export async function underway(h: Harness, v: StartValues = {}, channel?: string) {
  const started = await startDeployment(h, { template: 'deployment-task', ...v }, channel);
  await overrideGate(h, started.id, 'start');
  const phase = stateOf(h, started.id).plan.phases[0]!;
  await press(h, PEOPLE.deployer, ActionId.startPhase, { d: started.id, p: phase.id });
  expect(stateOf(h, started.id).status).toBe('in_progress');
  return started;
}

/** A whole deployment through Complete, quickly: gates overridden, phase steps confirmed (completed, or monitoring). */
export async function finished(h: Harness, v: StartValues = {}) {
  const started = await underway(h, v);
  await finish(h, started.id);
  return started;
}

/** From its first phase running: every phase's steps confirmed and the phase completed, the complete gate overridden, Complete. */
export async function finish(h: Harness, id: number) {
  for (const [i, phase] of stateOf(h, id).plan.phases.entries()) {
    if (i > 0) await press(h, PEOPLE.deployer, ActionId.startPhase, { d: id, p: phase.id });
    await confirmAll(h, id, 'phase', PEOPLE.deployer, phase.id);
    await press(h, PEOPLE.deployer, ActionId.completePhase, { d: id, p: phase.id });
  }
  await overrideGate(h, id, 'complete');
  await press(h, PEOPLE.deployer, ActionId.complete, { d: id });
}

export async function completed(h: Harness, v: StartValues = {}) {
  const started = await finished(h, v);
  expect(stateOf(h, started.id).status).toBe('completed');
  return started;
}

/** Presses Roll back as `user`; returns the modal it opened (or undefined). */
export async function openRollback(h: Harness, user: string, id: number) {
  const before = h.fake.views.length;
  const { res } = await press(h, user, ActionId.rollback, { d: id });
  expect(res.status).toBe(200);
  return h.fake.views.length > before ? h.fake.lastView() : undefined;
}

export interface RollbackValues {
  trigger?: string;
  other?: string;
  restore?: string[];
  note?: string;
}

/** By default "Other" with a reason in words: the seed templates' triggers are placeholders, which the form does not offer. */
export function rollbackValues(v: RollbackValues = {}) {
  const trigger = v.trigger ?? 'other';
  const other = v.other ?? (v.trigger === undefined ? 'Error rate above 5%' : undefined);
  const values: Record<string, Record<string, unknown>> = {
    [RollbackField.trigger]: { value: { type: 'radio_buttons', selected_option: { value: trigger } } },
    [RollbackField.restore]: { value: input.checkboxes(v.restore ?? ['code', 'configuration']) },
    [RollbackField.other]: { value: other === undefined ? input.empty() : input.text(other) },
    [RollbackField.note]: { value: v.note === undefined ? input.empty() : input.text(v.note) },
  };
  return values;
}

/** Submits the rollback modal `view` as `user`. */
export async function submitRollback(
  h: Harness,
  user: string,
  view: { id: string; view: unknown },
  v: RollbackValues = {},
) {
  const res = await h.slack.submitView({
    user,
    callbackId: 'rollback.start',
    privateMetadata: (view.view as { private_metadata: string }).private_metadata,
    values: rollbackValues(v),
    viewId: view.id,
  });
  await h.settled();
  return res;
}

export interface HookServer {
  url: string;
  calls: Array<{ headers: IncomingMessage['headers']; body: unknown }>;
  /** How the next calls are answered. */
  respond: (req: IncomingMessage, res: ServerResponse) => void;
  stop(): Promise<void>;
}

/** A local HTTP server on 127.0.0.1 standing in for a CI pipeline's rollback trigger. */
export async function startHookServer(): Promise<HookServer> {
  const hook: HookServer = {
    url: '',
    calls: [],
    respond: (_req, res) => {
      res.writeHead(202, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ pipeline: 'rollback-77', state: 'queued' }));
    },
    stop: async () => undefined,
  };
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      let body: unknown = raw;
      try {
        body = JSON.parse(raw);
      } catch {
        // kept as text
      }
      hook.calls.push({ headers: req.headers, body });
      hook.respond(req, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  hook.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/rollback`;
  hook.stop = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return hook;
}
