/**
 * Text from users goes into Slack mrkdwn. Escaping &, < and > is what Slack asks
 * for: it makes `<!channel>`, `<@U123>` and `<https://evil|bank>` inert text.
 */
export function escapeMrkdwn(text: string): string {
  // Most text has none of the three: it is returned as it is, without a copy.
  return MRKDWN_SPECIAL.test(text) ? text.replace(MRKDWN_SPECIALS, (c) => ENTITIES[c]!) : text;
}

const MRKDWN_SPECIAL = /[&<>]/;
const MRKDWN_SPECIALS = /[&<>]/g;
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

/** Removes control characters (keeps newlines and tabs) and invisible format characters, and trims. */
export function cleanText(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text
    .replace(
      /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g,
      '',
    )
    .trim();
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

/** Control characters (newlines included) and the bidirectional overrides, embeddings, isolates and marks that can disguise text. */
const DISGUISING = /[\p{Cc}\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;

/** Whether an identifier (a version, a branch, a service) holds characters that can disguise it. */
export const hasDisguisingCharacters = (text: string): boolean => DISGUISING.test(text);

/**
 * The canonical form of a name (a service): Unicode NFKC, case-folded,
 * default-ignorable code points (soft hyphen, zero-width characters) removed,
 * runs of white space collapsed to one space. "Check\u00adout", "ＣＨＥＣＫＯＵＴ"
 * and "checkout" are one name.
 */
export function canonicalName(text: string): string {
  const folded = text.normalize('NFKC').toLowerCase().normalize('NFKC');
  return folded
    .replace(/\p{Default_Ignorable_Code_Point}/gu, '')
    .replace(/\s+/gu, ' ')
    .trim();
}

/** A typed name as one of `known` when it is the same name canonically, else its canonical form. */
export function resolveName(known: readonly string[], typed: string): string {
  const canonical = canonicalName(typed);
  return known.find((k) => canonicalName(k) === canonical) ?? canonical;
}
