import type { WebClient } from '@slack/web-api';
import { describe, expect, it } from 'vitest';
import { createChannelAccess } from '../../src/slack/membership.js';
import { createLogger } from '../../src/support/logger.js';

/** Slack's answers for `public` and `secret` channels (the bot is in the private ones), and the calls made. */
function slack(publicChannels: string[], secret: Record<string, string[]>, { listFails = false } = {}) {
  const calls: string[] = [];
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
        return {
          channels: page.map((id) => ({ id, is_private: isPrivate(id) })),
          response_metadata: { next_cursor: cursor ? '' : 'next' },
        };
      },
      info: async ({ channel }: { channel: string }) => {
        calls.push(`info ${channel}`);
        return { channel: { id: channel, is_private: isPrivate(channel) } };
      },
      members: async ({ channel }: { channel: string }) => {
        calls.push(`members ${channel}`);
        return { members: secret[channel] ?? [], response_metadata: { next_cursor: '' } };
      },
    },
  };
  const access = createChannelAccess({
    client: client as unknown as WebClient,
    now: () => 0,
    logger: createLogger({ write: () => undefined }),
  });
  return { access, calls };
}

const PUBLIC = Array.from({ length: 20 }, (_, i) => `CPUB${i}`);
const placed = (channels: string[]) => channels.map((c, i) => ({ id: i + 1, channels: [c] }));

describe('who may see a deployment, by its channels, at an organisation with many deploy channels', () => {
  it('learns which of many channels are public from one conversations.list pass, and still reads a private channel’s members', async () => {
    const { access, calls } = slack(PUBLIC, { CSECRET: ['UMEMBER'] });
    const ds = placed([...PUBLIC, 'CSECRET']);
    const member = await access.sights('UMEMBER', ds);
    const outsider = await access.sights('UOUTSIDER', ds);
    expect([...member.values()].every((s) => s === 'full')).toBe(true);
    expect(outsider.get(ds.length)).toBe('exists');
    expect([...outsider.values()].filter((s) => s === 'full')).toHaveLength(PUBLIC.length);
    // Two list pages, then only the private channel asked about on its own; the second ask is cached.
    expect(calls).toEqual(['list', 'list next', 'info CSECRET', 'members CSECRET']);
  });

  it('asks about each channel when the list is refused, and shows the same', async () => {
    const { access, calls } = slack(PUBLIC.slice(0, 9), { CSECRET: ['UMEMBER'] }, { listFails: true });
    const ds = placed([...PUBLIC.slice(0, 9), 'CSECRET']);
    const outsider = await access.sights('UOUTSIDER', ds);
    expect([...outsider.values()].filter((s) => s === 'full')).toHaveLength(9);
    expect(outsider.get(ds.length)).toBe('exists');
    expect(calls.filter((c) => c.startsWith('info'))).toHaveLength(10);
  });

  it('asks about a few channels one by one, without listing them all', async () => {
    const { access, calls } = slack(PUBLIC, {});
    await access.sights('UOUTSIDER', placed(PUBLIC.slice(0, 3)));
    expect(calls).toEqual(['info CPUB0', 'info CPUB1', 'info CPUB2']);
  });
});
