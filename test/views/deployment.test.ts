import { describe, expect, it } from 'vitest';
import { ActionId, encodeRef } from '../../src/slack/ids.js';
import { gateText } from '../../src/slack/views/deployment/gate.js';
import { renderDeployment } from '../../src/slack/views/deployment/index.js';
import { created, HOSTILE, MIN, play, realisticTemplate as plan, T0, USERS } from './fixtures.js';
import { allTextOf, buttons, message, mrkdwnOf } from './helpers.js';

const fresh = () => created(plan);
const render = (d = fresh(), now = T0) => renderDeployment(d, now);
const running = () =>
  play(
    fresh(),
    [{ type: 'gate_overridden', gate: 'start', reason: 'Hotfix for the outage', missing: ['QA Lead approval'] }],
    [{ type: 'phase_started', phaseId: 'preparation' }, USERS.deployer, T0],
  );

describe('renderDeployment: thread order', () => {
  it('posts the card, then approvals, checklists and phases in process order', () => {
    const msgs = render();
    expect(msgs.map((m) => m.key)).toEqual([
      'parent',
      'approvals',
      'pre:1',
      'phase:preparation',
      'phase:application-deployment',
      'phase:database-migration',
      'phase:verification',
      'phase:finalization',
      'verify:1',
      'post:1',
      'rollback:offer',
    ]);
    expect(msgs.map((m) => m.placement)).toEqual(['parent', ...Array(10).fill('thread')]);
    for (const m of msgs) expect(m.text.length).toBeGreaterThan(10);
  });
});

describe('parent card', () => {
  it('shows what, where, when, who, status and progress', () => {
    const parent = message(render(), 'parent');
    const text = allTextOf(parent.blocks);
    expect(parent.blocks[0]).toMatchObject({ type: 'header', text: { text: '🚀 checkout-api 2.14.0 → Production' } });
    expect(text).toContain(
      '*Window:* <!date^1795424400^{date_short_pretty} {time}|2026-11-23 09:00 UTC> – <!date^1795431600^',
    );
    expect(text).toContain('*Deployer:* <@U0DEPLOYER1>');
    expect(text).toContain('🗓️ Scheduled');
    expect(text).toContain('▱▱▱▱▱▱▱▱▱▱ 0% (0/43 required · optional 0/2)');
    expect(text).toContain('*DEP-12* · Template: Standard release');
    expect(text).toContain('• *PAY-123*: Retry failed card captures');
    expect(parent.text).toBe('DEP-12: checkout-api 2.14.0 to Production — Scheduled');
  });

  it('reads well on a phone: status and progress first, then window and deployer, no fields grid repeating the header', () => {
    const parent = message(render(created(plan, { branch: null })), 'parent');
    expect(parent.blocks.some((b) => b.type === 'section' && 'fields' in b && b.fields)).toBe(false);
    expect(parent.blocks[1]).toEqual({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: [
          '*🗓️ Scheduled* · ▱▱▱▱▱▱▱▱▱▱ 0% (0/43 required · optional 0/2)',
          '*Window:* <!date^1795424400^{date_short_pretty} {time}|2026-11-23 09:00 UTC> – <!date^1795431600^{date_short_pretty} {time}|2026-11-23 11:00 UTC>',
          '*Deployer:* <@U0DEPLOYER1>',
        ].join('\n'),
      },
    });
    const text = allTextOf(parent.blocks);
    for (const repeated of ['*Service*', '*Version*', '*Environment*', '*Type', '*Branch'])
      expect(text).not.toContain(repeated);
    expect(text.match(/checkout-api/g)).toHaveLength(1);
    expect(parent.text).toContain('checkout-api 2.14.0 to Production');
  });

  it('names the type only when it is not a plain release, and the branch only when set', () => {
    const facts = (d: ReturnType<typeof fresh>) => mrkdwnOf([message(render(d), 'parent').blocks[1]!]);
    const hotfix = facts(created(plan, { type: 'hotfix', branch: 'hotfix/capture' }));
    expect(hotfix.split('\n').slice(3)).toEqual(['*Type:* Hotfix', '*Branch:* `hotfix/capture`']);
  });

  it('keeps the version and environment in the header when the service name is long', () => {
    const header = message(render(created(plan, { service: 'x'.repeat(80), version: '9'.repeat(64) })), 'parent')
      .blocks[0] as { text: { text: string } };
    expect(header.text.text.length).toBeLessThanOrEqual(150);
    expect(header.text.text).toMatch(/^🚀 x+… 9{64} → Production$/);
  });

  it('summarises long lists of changes and tickets', () => {
    const changes = Array.from({ length: 9 }, (_, i) => `Change ${i + 1}`);
    const tickets = Array.from({ length: 12 }, (_, i) => ({ key: `PAY-${i + 1}`, description: '' }));
    const text = mrkdwnOf(message(render(created(plan, { changes, tickets })), 'parent').blocks);
    expect(text).toContain('• Change 5');
    expect(text).not.toContain('Change 6');
    expect(text).toContain('_and 4 more_');
    expect(text).toContain('• *PAY-5*');
    expect(text).not.toContain('PAY-6');
    expect(text).toContain('_and 7 more_');
  });

  it('makes a rejection and a failed step impossible to miss, and names the running phase', () => {
    const d = play(
      running(),
      [{ type: 'rejected', role: 'qa_lead', reason: 'Staging is red' }, USERS.qa],
      [{ type: 'item_failed', key: 'phase.preparation.i2', note: 'freeze bot is down' }, USERS.ops],
    );
    const text = mrkdwnOf(message(render(d, T0 + 27 * MIN), 'parent').blocks);
    expect(text).toContain('⛔ *QA Lead rejected it* — <@U0QALEAD001>: “Staging is red”');
    expect(text).toContain('❌ *Step failed* in “Preparation”: Freeze merges — <@U0OPSLEAD01>: “freeze bot is down”');
    expect(text).toContain('▶️ *Now:* phase 1 of 5, “Preparation” · ⚠️ over plan by 12 min');
    expect(text).toContain('🚀 In progress');
  });
});

describe('approvals', () => {
  it('offers Approve and Reject per waiting role, each behind a confirm dialog', () => {
    const m = message(render(), 'approvals');
    const approve = buttons(m.blocks).filter((b) => b.action_id === ActionId.approve);
    const reject = buttons(m.blocks).filter((b) => b.action_id === ActionId.reject);
    expect(approve.map((b) => b.value)).toEqual(
      ['dev_lead', 'qa_lead', 'ops_lead', 'product_owner'].map((r) => encodeRef({ d: 12, r })),
    );
    expect(reject).toHaveLength(4);
    for (const b of approve)
      expect(b).toMatchObject({ style: 'primary', confirm: { title: { text: 'Approve DEP-12?' }, style: 'primary' } });
    for (const b of reject)
      expect(b).toMatchObject({ style: 'danger', confirm: { title: { text: 'Reject DEP-12?' }, style: 'danger' } });
    expect(approve[1]!.confirm!.text.text).toBe(
      'You sign as QA Lead for this Production deployment. Everyone following it sees who approved and when.',
    );
    expect(mrkdwnOf(m.blocks)).toContain('*QA Lead*\nApprover: <@U0QALEAD001>\n⏳ Waiting');
    expect(mrkdwnOf(m.blocks)).toContain('*Product Owner* _(optional)_');
  });

  it('shows who approved and when, who rejected and why, and drops the buttons accordingly', () => {
    const d = play(
      fresh(),
      [{ type: 'approved', role: 'dev_lead' }, USERS.dev, T0 + 5 * MIN],
      [{ type: 'rejected', role: 'qa_lead', reason: 'Load test missing' }, USERS.qa],
    );
    const m = message(render(d), 'approvals');
    const text = mrkdwnOf(m.blocks);
    expect(text).toContain(
      '✅ Approved by <@U0DEVLEAD01> · <!date^1795424700^{date_short_pretty} {time}|2026-11-23 09:05 UTC>',
    );
    expect(text).toMatch(/⛔ \*Rejected\* by <@U0QALEAD001> · <!date\^\d+\^[^>]+>: “Load test missing”/);
    const roleOf = (b: { value?: string }) => JSON.parse(b.value!).r;
    expect(
      buttons(m.blocks)
        .filter((b) => b.action_id === ActionId.approve)
        .map(roleOf),
    ).toEqual(['qa_lead', 'ops_lead', 'product_owner']);
    expect(
      buttons(m.blocks)
        .filter((b) => b.action_id === ActionId.reject)
        .map(roleOf),
    ).toEqual(['ops_lead', 'product_owner']);
  });

  it('once the deployment is over, an approval never given reads "Not given", not "Waiting", with no buttons', () => {
    const open = running();
    expect(mrkdwnOf(message(render(open), 'approvals').blocks)).toContain(
      '*QA Lead*\nApprover: <@U0QALEAD001>\n⏳ Waiting',
    );
    for (const end of [{ type: 'completed' as const }, { type: 'cancelled' as const, reason: 'Window moved' }]) {
      const m = message(render(play(open, [end, USERS.deployer, T0 + 9 * MIN])), 'approvals');
      const text = mrkdwnOf(m.blocks);
      expect(text).toContain('*QA Lead*\nApprover: <@U0QALEAD001>\n➖ Not given');
      expect(text).not.toContain('⏳ Waiting');
      expect(text).toContain('*Product Owner* _(optional)_');
      expect(buttons(m.blocks).filter((b) => b.action_id === ActionId.approve)).toEqual([]);
    }
  });

  it('offers no buttons for a role with nobody named', () => {
    const d = created(plan, { approvers: { dev_lead: [USERS.dev], qa_lead: [USERS.qa], ops_lead: [] } });
    const m = message(render(d), 'approvals');
    expect(mrkdwnOf(m.blocks)).toContain('*Operations Lead*\n_Nobody named_\n⏳ Waiting');
    expect(mrkdwnOf(m.blocks)).toContain('*Product Owner* _(optional)_\n_Nobody named_\n➖ Not requested');
    expect(buttons(m.blocks).filter((b) => b.action_id === ActionId.approve)).toHaveLength(2);
  });

  it('lists what the start gate misses, capped, with an override button while closed', () => {
    const m = message(render(), 'approvals');
    const text = mrkdwnOf(m.blocks);
    expect(text).toContain('🔒 *Start gate closed*. Still missing:\n• Development Lead approval\n• QA Lead approval');
    expect(text).toContain('• Code Preparation: All tests passing');
    expect(text).toContain('_and 16 more_');
    const override = buttons(m.blocks).find((b) => b.action_id === ActionId.overrideGate);
    expect(override?.value).toBe(encodeRef({ d: 12, g: 'start' }));
  });

  it('shows an overridden gate with who and when (the why is in the override note, said once), and no override button', () => {
    const m = message(render(running()), 'approvals');
    expect(mrkdwnOf(m.blocks)).toMatch(
      /🔓 \*Start gate overridden\* by <@U0DEPLOYER1> · <!date[^>]+> \(why, and what it lacked: the override note below\)/,
    );
    expect(mrkdwnOf(m.blocks)).not.toContain('Hotfix for the outage');
    expect(buttons(m.blocks).some((b) => b.action_id === ActionId.overrideGate)).toBe(false);
  });
});

describe('notes', () => {
  const eventful = () =>
    play(
      running(),
      [{ type: 'rejected', role: 'qa_lead', reason: 'Staging is red' }, USERS.qa, T0 + 2 * MIN],
      [{ type: 'item_failed', key: 'phase.preparation.i2', note: 'freeze bot is down' }, USERS.ops, T0 + 3 * MIN],
    );
  const notes = (d = eventful()) => render(d).filter((m) => m.key.startsWith('note:'));

  it('are posted once, in the thread, after everything else; only for what no notice tells the thread (the override)', () => {
    const all = render(eventful());
    const firstNote = all.findIndex((m) => m.key.startsWith('note:'));
    expect(all.slice(firstNote).every((m) => m.key.startsWith('note:') && m.once && m.placement === 'thread')).toBe(
      true,
    );
    // The rejection and the failed step are told by their issue notices in the thread: no second message.
    expect(notes().map((n) => n.key)).toEqual(['note:override:start']);
  });

  it('say who did what, short', () => {
    const texts = notes().map((n) => n.text);
    expect(texts[0]).toMatch(
      /^🔓 <@U0DEPLOYER1> overrode the start gate of DEP-12: “Hotfix for the outage”\nIt was missing:\n• QA Lead approval$/,
    );
  });

  it('keep their keys as the deployment moves on; the end is told by its notice, not a note', () => {
    const before = notes().map((n) => n.key);
    const later = play(
      eventful(),
      [{ type: 'item_confirmed', key: 'phase.preparation.i1' }, USERS.dev, T0 + 4 * MIN],
      [{ type: 'cancelled', reason: 'Window moved' }, USERS.deployer, T0 + 5 * MIN],
    );
    expect(notes(later).map((n) => n.key)).toEqual(before);
    expect(notes(play(eventful(), [{ type: 'completed' }, USERS.deployer, T0 + 9 * MIN])).map((n) => n.key)).toEqual(
      before,
    );
    // The card dates the completion at Complete (as the completion notice does), the verdict beside it.
    const card = allTextOf(
      message(
        render(
          play(
            eventful(),
            [{ type: 'monitoring_started', minutes: 60 }, USERS.deployer, T0 + 9 * MIN],
            [{ type: 'completed' }, USERS.deployer, T0 + 70 * MIN],
          ),
          T0 + 71 * MIN,
        ),
        'parent',
      ).blocks,
    );
    expect(card).toMatch(
      new RegExp(
        `✅ Completed <!date\\^${(T0 + 9 * MIN) / 1000}\\^[^>]*> by <@U0DEPLOYER1> · 💚 healthy after monitoring, <!date\\^${(T0 + 70 * MIN) / 1000}\\^`,
      ),
    );
  });
});

describe('hostile text', () => {
  const RAW = ['<!channel>', '<@U123>', '<https://evil', '<!here>', '<!subteam'];

  it('is shown as written and never pings or links, wherever it comes from', () => {
    const d = play(
      created(plan, {
        service: HOSTILE,
        version: '<!here>',
        branch: HOSTILE,
        changes: [HOSTILE],
        tickets: [{ key: 'PAY-1', description: HOSTILE }],
      }),
      [{ type: 'rejected', role: 'qa_lead', reason: HOSTILE }, USERS.qa],
      [{ type: 'item_confirmed', key: 'pre.environment-preparation.backup', evidence: HOSTILE }],
      [{ type: 'gate_overridden', gate: 'start', reason: HOSTILE, missing: [HOSTILE] }],
      [{ type: 'phase_started', phaseId: 'preparation' }],
      [{ type: 'item_failed', key: 'phase.preparation.i1', note: '<!subteam^S1> ' + HOSTILE }],
      [{ type: 'cancelled', reason: HOSTILE }],
    );
    const msgs = render(d);
    for (const m of msgs) {
      const seen = `${m.text}\n${mrkdwnOf(m.blocks)}`;
      for (const raw of RAW) expect(seen, `${m.key} contains ${raw}`).not.toContain(raw);
    }
    const parent = message(msgs, 'parent');
    expect(parent.text).toContain('&lt;!channel&gt; &lt;@U123&gt; &lt;https://evil|bank&gt; &amp; co');
    expect(mrkdwnOf(parent.blocks)).toContain(
      '*Branch:* `&lt;!channel&gt; &lt;@U123&gt; &lt;https://evil|bank&gt; &amp; co',
    );
    expect(mrkdwnOf(message(msgs, 'pre:1').blocks)).toContain('📎 Backup location/ID: &lt;!channel&gt;');
  });

  it('in the template is escaped too', () => {
    const hostilePlan = structuredClone(plan);
    hostilePlan.name = HOSTILE;
    hostilePlan.preDeployment[0]!.title = HOSTILE;
    hostilePlan.preDeployment[0]!.items[1]!.text = HOSTILE;
    hostilePlan.phases[0]!.title = HOSTILE;
    hostilePlan.approvals[0]!.label = HOSTILE;
    const msgs = renderDeployment(created(hostilePlan), T0);
    for (const m of msgs) for (const raw of RAW) expect(`${m.text}\n${mrkdwnOf(m.blocks)}`).not.toContain(raw);
    expect(mrkdwnOf(message(msgs, 'pre:1').blocks)).toContain('⬜ &lt;!channel&gt; &lt;@U123&gt;');
  });
});

describe('gateText: an overridden gate', () => {
  it('says who granted it, who asked, and when, in one line without stray punctuation', () => {
    const o = { gate: 'start' as const, reason: 'test run', missing: ['QA Lead approval'], by: USERS.dev, at: T0 };
    const line = gateText({
      gate: 'start',
      open: true,
      missing: [],
      overridden: { ...o, requestedBy: USERS.deployer },
    });
    expect(line).toMatch(
      new RegExp(`^🔓 \\*Start gate overridden\\* by <@${USERS.dev}>, asked by <@${USERS.deployer}> · <!date\\^`),
    );
    expect(line).not.toMatch(/, ·/);
    expect(gateText({ gate: 'start', open: true, missing: [], overridden: o })).toMatch(
      new RegExp(`^🔓 \\*Start gate overridden\\* by <@${USERS.dev}> · <!date\\^`),
    );
  });
});
