/** The objects Slack answers with (message, channel, user, view), with the fields clients read. */
import type { FakeMessage, FakeView, SlackJson } from './types.js';
import { APP_ID, type Channel, type User, type Workspace } from './workspace.js';

export function messageJson(ws: Workspace, m: FakeMessage): SlackJson {
  const parent = m.thread_ts ? ws.findMessage(m.channel, m.thread_ts) : undefined;
  const byBot = m.user === ws.botUserId;
  return {
    type: 'message',
    text: m.text,
    user: m.user,
    ...(byBot ? { bot_id: ws.botId, app_id: APP_ID } : {}),
    team: ws.teamId,
    ts: m.ts,
    ...(m.thread_ts ? { thread_ts: m.thread_ts, parent_user_id: parent?.user } : {}),
    ...(m.blocks.length ? { blocks: m.blocks } : {}),
    ...(m.metadata ? { metadata: m.metadata } : {}),
    ...(m.edited !== undefined ? { edited: { user: m.user, ts: `${Math.floor(m.edited / 1000)}.000000` } } : {}),
    ...(byBot
      ? { bot_profile: { id: ws.botId, app_id: APP_ID, name: 'Liftoff', team_id: ws.teamId, deleted: false } }
      : {}),
  };
}

export function channelJson(ws: Workspace, c: Channel): SlackJson {
  return {
    id: c.id,
    ...(c.isIm ? { user: c.imUser } : { name: c.name, name_normalized: c.name }),
    is_channel: !c.isIm && !c.isPrivate,
    is_group: !c.isIm && c.isPrivate,
    is_im: c.isIm,
    is_mpim: false,
    is_private: c.isPrivate,
    is_archived: c.isArchived,
    is_general: false,
    is_shared: false,
    is_ext_shared: false,
    is_org_shared: false,
    is_member: c.botIsMember,
    created: c.created,
    creator: c.creator,
    context_team_id: ws.teamId,
    topic: { value: '', creator: '', last_set: 0 },
    purpose: { value: '', creator: '', last_set: 0 },
  };
}

export function userJson(ws: Workspace, u: User): SlackJson {
  return {
    id: u.id,
    team_id: ws.teamId,
    name: u.name,
    deleted: u.deleted,
    real_name: u.name,
    tz: u.tz,
    tz_label: u.tz,
    tz_offset: tzOffsetSeconds(u.tz, ws.now()),
    is_admin: false,
    is_owner: false,
    is_bot: u.isBot,
    is_app_user: false,
    profile: {
      real_name: u.name,
      display_name: u.name,
      real_name_normalized: u.name,
      display_name_normalized: u.name,
      team: ws.teamId,
      ...(u.email ? { email: u.email } : {}),
    },
  };
}

export function viewJson(ws: Workspace, v: FakeView): SlackJson {
  return {
    id: v.id,
    team_id: ws.teamId,
    type: v.kind,
    blocks: [],
    private_metadata: '',
    callback_id: '',
    external_id: '',
    state: { values: {} },
    hash: v.hash,
    clear_on_close: false,
    notify_on_close: false,
    ...v.view,
    root_view_id: v.root_view_id ?? v.id,
    previous_view_id: v.previous_view_id ?? null,
    app_id: APP_ID,
    app_installed_team_id: ws.teamId,
    bot_id: ws.botId,
  };
}

/** The offset of an IANA time zone from UTC at `atMs`, in seconds, as users.info's `tz_offset`. */
function tzOffsetSeconds(tz: string, atMs: number): number {
  try {
    const parts = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    }).formatToParts(new Date(atMs));
    const get = (t: string) => Number(parts.find((p) => p.type === t)?.value ?? 0);
    const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
    return Math.round((asUtc - Math.floor(atMs / 1000) * 1000) / 1000);
  } catch {
    return 0;
  }
}
