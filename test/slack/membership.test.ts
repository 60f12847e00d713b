import type { WebClient } from '@slack/web-api';
import { describe, expect, it } from 'vitest';
import { createChannelAccess } from '../../src/slack/membership.js';
import { createLogger } from '../../src/support/logger.js';

/** Slack's answers for `public` and `secret` channels (the bot is in the private ones), and the calls made. */
function slack(
  publicChannels: string[],
  secret: Record<string, string[]>,
  { listFails = false, now = (): number => 0, held = false } = {},
) {
  const calls: string[] = [];
  /** With `held`, every answer waits until `release()`: what is shown meanwhile came from what was known. */
  let release = () => {};
  let gate = held ? new Promise<void>((r) => (release = r)) : Promise.resolve();
  const answer = async <T>(value: T): Promise<T> => {
    await gate;
    return value;
  };
  const isPrivate = (c: string) => c in secret;
  const client = {
    conversations: {
      list: async ({ cursor }: { cursor?: string }) => {
        calls.push(`list ${cursor ?? ''}`.trim());
        if (listFails) throw Object.assign(new Error('missing_scope'), { data: { error: 'missing_scope' } });
        const all = [...publicChannels, ...Object.keys(secret)];
        // Two pages, as Slack pages a long list.
        const half = Math.ceil(all.length / 2);
        const page = cursor ? all.slice(half) : all.slice(0, half);
        return answer({
          channels: page.map((id) => ({ id, is_private: isPrivate(id) })),
          response_metadata: { next_cursor: cursor ? '' : 'next' },
        });
      },
      info: async ({ channel }: { channel: string }) => {
        calls.push(`info ${channel}`);
        return answer({ channel: { id: channel, is_private: isPrivate(channel) } });
      },
      members: async ({ channel }: { channel: string }) => {
        calls.push(`members ${channel}`);
        return answer({ members: [...(secret[channel] ?? [])], response_metadata: { next_cursor: '' } });
      },
    },
  };
  const access = createChannelAccess({
    client: client as unknown as WebClient,
    now,
    logger: createLogger({ write: () => undefined }),
  });
  return {
    access,
    calls,
    /** Slack answers what was asked; later asks are held again. */
    release: async () => {
      release();
      await new Promise((r) => setImmediate(r));
      gate = new Promise<void>((r) => (release = r));
    },
  };
}

const PUBLIC = Array.from({ length: 20 }, (_, i) => `CPUB${i}`);

describe('who may see a deployment, by its channels, at an organisation with many deploy channels', () => {
  it('learns which of many channels are public from one conversations.list pass, and still reads a private channel’s members', async () => {
    const { access, calls } = slack(PUBLIC, { CSECRET: ['UMEMBER'] });
    const channels = [...PUBLIC, 'CSECRET'];
    const member = await access.sights('UMEMBER', channels);
    const outsider = await access.sights('UOUTSIDER', channels);
    expect([...member.values()].every((s) => s === 'full')).toBe(true);
    expect(outsider.get('CSECRET')).toBe('exists');
    expect([...outsider.values()].filter((s) => s === 'full')).toHaveLength(PUBLIC.length);
    // Two list pages, then only the private channel asked about on its own; the second ask is cached.
    expect(calls).toEqual(['list', 'list next', 'info CSECRET', 'members CSECRET']);
  });

  it('asks about each channel when the list is refused, and shows the same', async () => {
    const { access, calls } = slack(PUBLIC.slice(0, 9), { CSECRET: ['UMEMBER'] }, { listFails: true });
    const channels = [...PUBLIC.slice(0, 9), 'CSECRET'];
    const outsider = await access.sights('UOUTSIDER', channels);
    expect([...outsider.values()].filter((s) => s === 'full')).toHaveLength(9);
    expect(outsider.get('CSECRET')).toBe('exists');
    expect(calls.filter((c) => c.startsWith('info'))).toHaveLength(10);
  });

  it('asks about a few channels one by one, without listing them all', async () => {
    const { access, calls } = slack(PUBLIC, {});
    await access.sights('UOUTSIDER', PUBLIC.slice(0, 3));
    expect(calls).toEqual(['info CPUB0', 'info CPUB1', 'info CPUB2']);
  });
});

describe('who may see, between two answers of Slack', () => {
  const MINUTE = 60_000;
  const sightsOf = async (access: ReturnType<typeof slack>['access'], user: string, channels: string[]) => [
    ...(await access.sights(user, channels)).values(),
  ];

  it('uses what it knows while asking Slack again in the background, and follows the membership events meanwhile', async () => {
    let t = 0;
    const secret = { CSECRET: ['UMEMBER'] };
    const { access, calls } = slack(PUBLIC.slice(0, 2), secret, { now: () => t });
    const channels = [...PUBLIC.slice(0, 2), 'CSECRET'];
    expect(await sightsOf(access, 'UMEMBER', channels)).toEqual(['full', 'full', 'full']);
    const first = calls.length;
    // Within a minute: nothing asked.
    t = MINUTE - 1;
    await access.sights('UMEMBER', channels);
    expect(calls).toHaveLength(first);
    // The events: who joins sees it at once, who leaves no longer does.
    access.joined('CSECRET', 'UNEWCOMER');
    access.left('CSECRET', 'UMEMBER');
    expect((await sightsOf(access, 'UNEWCOMER', channels))[2]).toBe('full');
    expect((await sightsOf(access, 'UMEMBER', channels))[2]).toBe('exists');
    // Older than a minute: answered from what is known, and each channel asked again.
    t = 5 * MINUTE;
    secret.CSECRET = ['UNEWCOMER', 'ULATE'];
    expect((await sightsOf(access, 'UNEWCOMER', channels))[2]).toBe('full');
    await new Promise((r) => setImmediate(r));
    expect(calls.slice(first)).toEqual(['info CPUB0', 'info CPUB1', 'info CSECRET', 'members CSECRET']);
    // Slack's new answer is used from then on.
    expect((await sightsOf(access, 'ULATE', channels))[2]).toBe('full');
  });

  it('never answers from what is older than ten minutes: it waits for Slack, and shows nothing private if Slack does not answer', async () => {
    let t = 0;
    const { access, release } = slack([], { CSECRET: ['UMEMBER'] }, { now: () => t, held: true });
    const channels = ['CSECRET'];
    const first = access.sights('UMEMBER', channels);
    await release();
    expect([...(await first).values()]).toEqual(['full']);
    t = 10 * MINUTE;
    let answered = false;
    const late = access.sights('UMEMBER', channels).then((m) => {
      answered = true;
      return [...m.values()];
    });
    await new Promise((r) => setTimeout(r, 20));
    expect(answered).toBe(false);
    await release();
    expect(await late).toEqual(['full']);
  });

  it('someone who leaves while Slack is being asked again stays out, whatever the answer made before says', async () => {
    let t = 0;
    let answerMembers: (() => void) | null = null;
    const client = {
      conversations: {
        info: async () => ({ channel: { id: 'CSECRET', is_private: true } }),
        // The members as they are when asked; the answer arrives when the test says.
        members: async () => {
          const members = ['UMEMBER', 'UOTHER'];
          if (t > 0) await new Promise<void>((r) => (answerMembers = r));
          return { members, response_metadata: { next_cursor: '' } };
        },
      },
    };
    const access = createChannelAccess({
      client: client as unknown as WebClient,
      now: () => t,
      logger: createLogger({ write: () => undefined }),
    });
    const channels = ['CSECRET'];
    expect([...(await access.sights('UMEMBER', channels)).values()]).toEqual(['full']);
    t = 2 * MINUTE;
    await access.sights('UMEMBER', channels);
    while (!answerMembers) await new Promise((r) => setImmediate(r));
    access.left('CSECRET', 'UMEMBER');
    (answerMembers as () => void)();
    await access.idle();
    expect([...(await access.sights('UMEMBER', channels)).values()]).toEqual(['exists']);
    expect([...(await access.sights('UOTHER', channels)).values()]).toEqual(['full']);
  });

  it('answers a stale list at once while one conversations.list pass refreshes it', async () => {
    let t = 0;
    const { access, calls, release } = slack(PUBLIC, {}, { now: () => t, held: true });
    const channels = PUBLIC;
    const first = access.sights('UANYONE', channels);
    await release();
    await release();
    expect([...(await first).values()].every((s) => s === 'full')).toBe(true);
    const before = calls.length;
    t = 2 * MINUTE;
    // Slack holds its answer: the sights come from what was known.
    expect((await sightsOf(access, 'UANYONE', channels)).every((s) => s === 'full')).toBe(true);
    expect(calls.slice(before)).toEqual(['list']);
    await release();
    await release();
    expect(calls.slice(before)).toEqual(['list', 'list next']);
  });
});
