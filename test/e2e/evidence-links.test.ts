import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { planItems } from '../../src/core/template/items.js';
import { ActionId } from '../../src/slack/ids.js';
import { press, startDeployment, textOf } from '../support/flows.js';
import { CHANNELS, PEOPLE, startHarness, type Harness } from '../support/harness.js';
import { input } from '../support/slack-requests.js';
import { stateOf as storedState } from '../support/stored.js';

let h: Harness;
let dir = '';

afterEach(async () => {
  await h.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = '';
});

async function start(config?: string) {
  const env: Record<string, string> = {};
  if (config) {
    dir = mkdtempSync(join(tmpdir(), 'liftoff-evidence-'));
    writeFileSync(join(dir, 'liftoff.yml'), config);
    env.LIFTOFF_CONFIG = join(dir, 'liftoff.yml');
  }
  h = await startHarness({ env });
  const { id } = await startDeployment(h);
  const d = storedState(h, id);
  const key = planItems(d.plan).find((p) => p.item.evidence?.kind === 'url')!.key;
  const { message } = await press(h, PEOPLE.qa, ActionId.confirmItem, { d: id, k: key });
  const view = h.fake.lastView()!;
  /** Submits the evidence form; the modal's answer and the item message afterwards. */
  const submit = async (link: string) => {
    const res = await h.slack.submitView({
      user: PEOPLE.qa,
      callbackId: 'item.evidence',
      privateMetadata: (view.view as { private_metadata: string }).private_metadata,
      values: { evidence: { value: input.text(link) } },
      viewId: view.id,
    });
    await h.settled();
    return {
      answer: res.json as { response_action?: string; errors?: Record<string, string> } | undefined,
      item: textOf(h.fake.message(CHANNELS.deploys, message!.ts)!),
    };
  };
  return {
    submit,
    stored: () => storedState(h, id).items[key],
  };
}

describe('evidence links show their real host', () => {
  it('refuses a link with a user name before its host, in plain words, and records nothing', async () => {
    const { submit, stored } = await start();
    const { answer } = await submit(`https://grafana.example.com${'.dashboards'.repeat(8)}@evil.example/d/1`);
    expect(answer?.response_action).toBe('errors');
    expect(answer?.errors?.evidence).toMatch(/^Remove the part before "@" in the link/);
    expect(stored()?.state).not.toBe('done');
  });

  it('refuses http:// unless the team configuration allows the host', async () => {
    const { submit, stored } = await start();
    const { answer } = await submit('http://grafana.internal/d/1');
    expect(answer?.errors?.evidence).toBe(
      'Use an https:// link. http:// is accepted only for the hosts the team configuration lists in evidence_http_hosts, and grafana.internal is not one of them.',
    );
    expect(stored()?.state).not.toBe('done');
  });

  it('accepts http:// for a host listed in evidence_http_hosts, and shows it host first', async () => {
    const { submit, stored } = await start('evidence_http_hosts: [grafana.internal, "*.ci.corp"]\n');
    const { answer, item } = await submit('http://grafana.internal/d/abc?orgId=1');
    expect(answer?.errors).toBeUndefined();
    expect(stored()).toMatchObject({ state: 'done', evidence: 'http://grafana.internal/d/abc?orgId=1' });
    expect(item).toContain('<http://grafana.internal/d/abc?orgId=1|grafana.internal/d/abc?orgId=1>');
  });

  it('shows an https link host first, however long its path', async () => {
    const { submit } = await start();
    const { item } = await submit(`https://grafana.example.com/d/${'x'.repeat(300)}`);
    expect(item).toMatch(/<https:\/\/grafana\.example\.com\/d\/x{300}\|grafana\.example\.com\/d\/x+…>/);
  });
});
