/**
 * Text from users goes into Slack mrkdwn. Escaping &, < and > is what Slack asks
 * for: it makes `<!channel>`, `<@U123>` and `<https://evil|bank>` inert text.
 */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Removes control characters (keeps newlines and tabs) and invisible format characters, and trims. */
export function cleanText(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g, '').trim();
}

/** Shortens to at most `max` characters (UTF-16 units), marking the cut with an ellipsis; never splits an emoji. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = Math.max(0, max - 1);
  if (end > 0 && /[\ud800-\udbff]/.test(text.charAt(end - 1))) end--;
  return `${text.slice(0, end)}…`;
}

/** A link only if it is a plain http(s) URL; anything else stays inert text. */
export function safeUrl(text: string): string | null {
  try {
    const url = new URL(text.trim());
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
    return url.toString();
  } catch {
    return null;
  }
}
