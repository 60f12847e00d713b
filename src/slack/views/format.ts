import { replacePlaceholders } from '../../core/template/placeholders.js';
import type { Progress } from '../../core/deployment/progress.js';
import { STATUS_LABELS, type Status } from '../../core/deployment/types.js';
import { shownMinutes } from '../../core/duration.js';
import { escapeMrkdwn, safeUrl } from '../../core/text.js';
import { LIFTOFF_ACTOR } from '../../core/schedule/liftoff-steps.js';

export const DATE_TIME = '{date_short_pretty} {time}';

/** "2026-11-23 09:00 UTC": what clients that cannot localise a date show instead. */
export function fallbackDate(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/** A date every reader sees in their own time zone. */
export function slackDate(ms: number, format: string = DATE_TIME): string {
  return `<!date^${Math.floor(ms / 1000)}^${format}|${fallbackDate(ms)}>`;
}

/** "45 min", "1 h 05 min", "< 1 min". */
export function formatDuration(ms: number): string {
  const minutes = shownMinutes(ms);
  if (minutes < 1) return '< 1 min';
  if (minutes < 60) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

const USER_ID = /^[UW][A-Z0-9]{2,20}$/;

/** A mention, built only from a Slack user id; a pipeline (`pipeline:<name>`) as 🤖 and its name; anything else as inert text. At most 24 characters. */
export function mention(userId: string): string {
  if (userId === LIFTOFF_ACTOR) return '🤖 Liftoff';
  if (userId.startsWith('pipeline:')) return `🤖 ${clip(userId.slice('pipeline:'.length), 20)}`;
  return USER_ID.test(userId) ? `<@${userId}>` : clip(userId, 24);
}

/** Mentions of the first `max` users, then "and N more". */
export function mentions(userIds: readonly string[], max = 5): string {
  const shown = userIds.slice(0, max).map(mention).join(', ');
  return userIds.length > max ? `${shown} and ${userIds.length - max} more` : shown;
}

/**
 * "▰▰▰▰▱▱▱▱▱▱ 40% (12/30 required · optional 1/4)", with the failed count when there is one. A
 * deployment completed reads 100 % whatever an override let through; the required items it left
 * unconfirmed are then said beside it, so the bar never reads as every check done when it was not.
 */
export function progressBar(p: Progress, width = 10): string {
  const filled = Math.min(width, Math.round((p.percent * width) / 100));
  const bar = '▰'.repeat(filled) + '▱'.repeat(width - filled);
  const unconfirmed = p.percent === 100 && p.done < p.total ? ` · ${p.total - p.done} left unconfirmed` : '';
  return `${bar} ${p.percent}% (${progressCounts(p)})${p.failed ? ` · ${p.failed} failed` : ''}${unconfirmed}`;
}

/** "12/30 required · optional 1/4": required items make the percentage, optional ones are shown apart. */
export function progressCounts(p: Progress): string {
  const optional = p.optionalTotal ? ` · optional ${p.optionalDone}/${p.optionalTotal}` : '';
  return `${p.done}/${p.total} required${optional}`;
}

export const STATUS_EMOJI: Record<Status, string> = {
  scheduled: '🗓️',
  preparing: '🛠️',
  in_progress: '🚀',
  verifying: '🔎',
  monitoring: '📈',
  completed: '✅',
  cancelled: '🚫',
  rolling_back: '⏪',
  rollback_failed: '🆘',
  rolled_back: '↩️',
};

export const statusText = (s: Status): string => `${STATUS_EMOJI[s]} ${STATUS_LABELS[s]}`;

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * Escapes user or template text for mrkdwn and shortens it to at most `max`
 * characters of escaped text, never cutting an entity ("&amp;") or a surrogate pair.
 */
export function clip(text: string, max: number): string {
  // Control characters and lone surrogates would take 6 characters each in JSON; the layout counts on 2 at most.
  // eslint-disable-next-line no-control-regex
  const raw = text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '').replace(LONE_SURROGATE, '\ufffd');
  const escaped = escapeMrkdwn(raw);
  if (escaped.length <= max) return escaped;
  let out = '';
  for (const ch of raw) {
    const e = escapeMrkdwn(ch);
    if (out.length + e.length > max - 1) break;
    out += e;
  }
  return `${out}…`;
}

/** Escaped lines joined by newlines, within `max` characters; the rest become "and N more". */
export function joinLines(lines: readonly string[], max: number, bullet = '• '): string {
  const out: string[] = [];
  let used = 0;
  for (const [i, line] of lines.entries()) {
    const next = `${bullet}${line}`;
    const tail = lines.length - i - 1 > 0 ? 24 : 0;
    if (used + next.length + 1 + tail > max) {
      out.push(`_and ${lines.length - i} more_`);
      break;
    }
    out.push(next);
    used += next.length + 1;
  }
  return out.join('\n');
}

/** "1 step", "3 steps". */
export const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

/** The first `max` entries, then "and N more" (of `total`: `all` unless only the first of them were read). */
export function firstFew<T>(all: readonly T[], max: number, show: (t: T) => string, total = all.length): string[] {
  const lines = all.slice(0, max).map(show);
  if (total > max) lines.push(`_and ${total - max} more_`);
  return lines;
}

const MAX_LINK_URL = 600;

/**
 * A mrkdwn link to `raw` if `safeUrl` accepts it and it is not absurdly long;
 * null otherwise (the caller shows it as text). "|", "<" and ">" are
 * percent-encoded so the URL cannot end the link early and relabel it.
 * Without a label it reads as its host first (see `hostFirst`).
 */
export function safeLink(raw: string, label?: string): string | null {
  const url = safeUrl(raw);
  if (!url) return null;
  const inert = url.replace(/&/g, '&amp;').replace(/</g, '%3C').replace(/>/g, '%3E').replace(/\|/g, '%7C');
  if (inert.length > MAX_LINK_URL) return null;
  return `<${inert}|${label === undefined ? hostFirst(new URL(url)) : clip(label, 80)}>`;
}

/**
 * A link's label: its real host first, never a user name or password before it
 * ("grafana.example.com@evil.example" reads "evil.example/…"), the end of a very long
 * host (where the owner's domain is), then as much of the path as fits in 80 characters.
 */
export function hostFirst(url: URL): string {
  const host = url.host.length > 60 ? `…${url.host.slice(-59)}` : url.host;
  const rest = `${url.pathname === '/' ? '' : url.pathname}${url.search}${url.hash}`;
  return rest ? `${host}${clip(rest, 80 - host.length).replace(/\|/g, '%7C')}` : host;
}

/** For plain text (modal labels, options, input placeholders): a `[…]` blank as `✎ …`, never raw brackets. */
export const plainHinted = (text: string): string =>
  replacePlaceholders(text, (inner) => `✎ ${inner.replace(/\s+/g, ' ').trim()}`);

/**
 * Escaped mrkdwn with each placeholder a blank of the template left (`[e.g., CI/CD pipeline]`, `` `[branch_name]` ``)
 * shown as a muted hint, `_✎ e.g., CI/CD pipeline_`, never as raw brackets.
 */
export function hinted(mrkdwn: string): string {
  const out = replacePlaceholders(
    mrkdwn,
    (inner) =>
      `_✎ ${inner
        .replace(/[_*`~]/g, ' ')
        .replace(/\s+/g, ' ')
        .trim()}_`,
  );
  return out.length <= mrkdwn.length + 300 ? out : mrkdwn; // a text of nothing but blanks stays within its size
}
