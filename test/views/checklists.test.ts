import { describe, expect, it } from 'vitest';
import { ActionId, encodeRef } from '../../src/slack/ids.js';
import { renderDeployment } from '../../src/slack/views/deployment/index.js';
import { created, MIN, play, realisticTemplate as plan, T0, USERS } from './fixtures.js';
import { allTextOf, buttons, message, mrkdwnOf } from './helpers.js';

const fresh = () => created(plan);
const render = (d = fresh(), now = T0) => renderDeployment(d, now);
const running = () =>
  play(
    fresh(),
    [{ type: 'gate_overridden', gate: 'start', reason: 'Hotfix for the outage', missing: ['QA Lead approval'] }],
    [{ type: 'phase_started', phaseId: 'preparation' }, USERS.deployer, T0],
  );

describe('checklists', () => {
  const pre = (d = fresh()) => message(render(d), 'pre:1');

  it('renders groups in bold and one line per item with a Confirm button', () => {
    const m = pre();
    expect(m.blocks[0]).toMatchObject({ type: 'header', text: { text: 'Pre-deployment checklist' } });
    const text = mrkdwnOf(m.blocks);
    expect(text).toContain('*Code Preparation*');
    expect(text).toContain('⬜ Code reviewed and approved');
    expect(text).toContain('⬜ Maintenance page ready _(optional)_');
    expect(text).toContain('📎 Needs: Link to test results');
    expect(text).toContain('*Branch:* `release/2.14`'); // [branch_name], filled from the Branch field
    const confirm = buttons(m.blocks).find(
      (b) => b.value === encodeRef({ d: 12, k: 'pre.code-preparation.code-reviewed' }),
    );
    expect(confirm).toMatchObject({ action_id: ActionId.confirmItem, text: 'Confirm' });
    expect(buttons(m.blocks).find((b) => b.value?.includes('tests-passing'))?.text).toBe('Confirm…');
  });

  it('shows who confirmed and when, with an Undo button', () => {
    const d = play(fresh(), [
      { type: 'item_confirmed', key: 'pre.code-preparation.code-reviewed' },
      USERS.dev,
      T0 + 10 * MIN,
    ]);
    const m = pre(d);
    expect(mrkdwnOf(m.blocks)).toContain(
      '✅ Code reviewed and approved — <@U0DEVLEAD01> · <!date^1795425000^{date_short_pretty} {time}|2026-11-23 09:10 UTC>',
    );
    const undo = buttons(m.blocks).find(
      (b) => b.value === encodeRef({ d: 12, k: 'pre.code-preparation.code-reviewed' }),
    );
    expect(undo?.action_id).toBe(ActionId.undoItem);
  });

  it('links evidence only when it is a plain http(s) URL', () => {
    const d = play(
      fresh(),
      [
        {
          type: 'item_confirmed',
          key: 'pre.code-preparation.tests-passing',
          evidence: 'https://ci.example.com/run/42',
        },
      ],
      [
        {
          type: 'item_confirmed',
          key: 'pre.environment-preparation.backup',
          evidence: 'javascript:alert(1) <https://evil|bank>',
        },
      ],
    );
    const text = mrkdwnOf(pre(d).blocks);
    expect(text).toContain('🔗 Link to test results: <https://ci.example.com/run/42|ci.example.com/run/42>');
    expect(text).toContain('📎 Backup location/ID: javascript:alert(1) &lt;https://evil|bank&gt;');
  });

  it('keeps a URL from ending its link early', () => {
    const d = play(fresh(), [
      { type: 'item_confirmed', key: 'pre.code-preparation.tests-passing', evidence: 'https://ci.example.com/a|b>c' },
    ]);
    expect(mrkdwnOf(pre(d).blocks)).toContain('<https://ci.example.com/a%7Cb%3Ec|ci.example.com/a%7Cb%3Ec>');
  });

  it('indents sub-items', () => {
    expect(mrkdwnOf(message(render(), 'phase:verification').blocks)).toContain(
      '\u2003↳ ⬜ Check main endpoint/URL accessibility',
    );
  });

  it('opens verification and post-deployment only once a phase has started', () => {
    const before = message(render(), 'verify:1');
    expect(buttons(before.blocks).filter((b) => b.action_id === ActionId.confirmItem)).toHaveLength(0);
    expect(allTextOf(before.blocks)).toContain('Opens when the first deployment phase starts.');
    const after = message(render(running()), 'verify:1');
    expect(buttons(after.blocks).filter((b) => b.action_id === ActionId.confirmItem)).toHaveLength(3);
  });

  it('shows validation queries as code and health checks, escaped', () => {
    const text = mrkdwnOf(message(render(), 'verify:1').blocks);
    expect(text).toContain(
      '*Validation query 1* (sql)\n```-- Verify data integrity\nSELECT COUNT(*) FROM orders WHERE total &lt; 0;```',
    );
    expect(text).toContain('• `https://checkout.example.com/healthz` → 200 {"status":"ok"}');
  });

  it('ends with follow-ups and, while the gate is closed, what is missing and Override gate… only', () => {
    const m = message(render(running()), 'post:1');
    const text = mrkdwnOf(m.blocks);
    expect(text).toContain('*Follow-up actions*\n• Monitor for 24 hours');
    expect(text).toContain('🔒 *Completion gate closed*. Still missing:');
    const gateButtons = buttons(m.blocks).filter((b) => !b.action_id.startsWith('item.'));
    expect(gateButtons.map((b) => [b.action_id, b.value])).toEqual([
      [ActionId.overrideGate, encodeRef({ d: 12, g: 'complete' })],
    ]);
  });

  it('offers Complete, behind a confirm dialog, once the completion gate is open', () => {
    const d = play(running(), [
      { type: 'gate_overridden', gate: 'complete', reason: 'Checks done by hand', missing: ['x'] },
    ]);
    const m = message(render(d), 'post:1');
    expect(buttons(m.blocks).filter((b) => !b.action_id.startsWith('item.'))).toEqual([
      expect.objectContaining({
        action_id: ActionId.complete,
        value: encodeRef({ d: 12 }),
        style: 'primary',
        confirm: expect.objectContaining({ title: expect.objectContaining({ text: 'Complete DEP-12?' }) }),
      }),
    ]);
  });

  it('has no buttons at all once the deployment is finished', () => {
    for (const end of [{ type: 'cancelled', reason: 'Window moved' } as const, { type: 'completed' } as const]) {
      const d = play(running(), [{ type: 'item_confirmed', key: 'pre.code-preparation.code-reviewed' }], [end]);
      for (const m of render(d)) expect(buttons(m.blocks), m.key).toEqual([]);
    }
  });
});

describe('phases', () => {
  it('offers Start only once the start gate is open, and says so until then', () => {
    const first = message(render(), 'phase:preparation');
    expect(buttons(first.blocks)).toEqual([]);
    expect(allTextOf(first.blocks)).toContain('*Start phase* appears here once the start gate is open');
    const open = play(fresh(), [{ type: 'gate_overridden', gate: 'start', reason: 'Hotfix', missing: ['x'] }]);
    expect(buttons(message(render(open), 'phase:preparation').blocks).map((b) => b.action_id)).toEqual([
      ActionId.startPhase,
    ]);
  });

  it('offers Start only on the next phase to start', () => {
    const msgs = render(play(fresh(), [{ type: 'gate_overridden', gate: 'start', reason: 'Hotfix', missing: ['x'] }]));
    const first = buttons(message(msgs, 'phase:preparation').blocks);
    expect(first).toEqual([
      expect.objectContaining({
        action_id: ActionId.startPhase,
        style: 'primary',
        value: encodeRef({ d: 12, p: 'preparation' }),
      }),
    ]);
    const second = message(msgs, 'phase:application-deployment');
    expect(buttons(second.blocks)).toEqual([]);
    expect(allTextOf(second.blocks)).toContain('Starts after “Preparation” is complete.');
  });

  it('shows the planned window in each reader’s time', () => {
    const text = allTextOf(message(render(), 'phase:application-deployment').blocks);
    expect(text).toContain(
      '🗓️ Planned <!date^1795425300^{date_short_pretty} {time}|2026-11-23 09:15 UTC> – <!date^1795426500^{time}|',
    );
    expect(text).toContain('(20 min)');
  });

  it('while running: steps can be confirmed or a failure reported, the phase completed once its steps are done; overrun is flagged', () => {
    const m = message(render(running(), T0 + 27 * MIN), 'phase:preparation');
    const ids = buttons(m.blocks).map((b) => b.action_id);
    expect(ids).toEqual([ActionId.confirmItem, ActionId.confirmItem, ActionId.failStep]);
    expect(allTextOf(m.blocks)).toContain('*Complete phase* appears here once every required step above is done.');
    const steps = play(
      running(),
      [{ type: 'item_confirmed', key: 'phase.preparation.i1' }],
      [{ type: 'item_confirmed', key: 'phase.preparation.i2' }],
    );
    const done = message(render(steps, T0 + 27 * MIN), 'phase:preparation');
    expect(buttons(done.blocks).map((b) => b.action_id)).toEqual([
      ActionId.undoItem,
      ActionId.undoItem,
      ActionId.completePhase,
      ActionId.failStep,
    ]);
    expect(allTextOf(done.blocks)).not.toContain('appears here');
    expect(buttons(m.blocks).find((b) => b.action_id === ActionId.failStep)?.value).toBe(
      encodeRef({ d: 12, p: 'preparation' }),
    );
    const text = allTextOf(m.blocks);
    expect(text).toContain('⏱️ Running for 27 min of 15 min planned');
    expect(text).toContain('⚠️ *Over plan by 12 min*');
  });

  it('does not flag a phase within its plan', () => {
    expect(allTextOf(message(render(running(), T0 + 10 * MIN), 'phase:preparation').blocks)).not.toContain('Over plan');
  });

  it('makes a failed step prominent', () => {
    const d = play(running(), [
      { type: 'item_failed', key: 'phase.preparation.i2', note: 'freeze bot is down' },
      USERS.ops,
    ]);
    expect(mrkdwnOf(message(render(d), 'phase:preparation').blocks)).toContain(
      '❌ *Freeze merges* — failed, <@U0OPSLEAD01>: freeze bot is down',
    );
  });

  it('after completion shows the actual duration and no buttons', () => {
    const d = play(running(), [{ type: 'phase_completed', phaseId: 'preparation' }, USERS.deployer, T0 + 65 * MIN]);
    const m = message(render(d, T0 + 90 * MIN), 'phase:preparation');
    expect(buttons(m.blocks)).toEqual([]);
    expect(allTextOf(m.blocks)).toContain('⏱️ Took 1 h 05 min of 15 min planned');
    expect(allTextOf(m.blocks)).toContain('⚠️ *Over plan by 50 min*');
    expect(buttons(message(render(d), 'phase:application-deployment').blocks)[0]?.action_id).toBe(ActionId.startPhase);
  });
});
