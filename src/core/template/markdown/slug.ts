const STOPWORDS = new Set([
  'the',
  'of',
  'to',
  'for',
  'and',
  'or',
  'in',
  'on',
  'at',
  'by',
  'with',
  'from',
  'is',
  'are',
  'be',
]);
const MAX_WORDS = 5;
const MAX_LENGTH = 40;

/**
 * A short id from an item's words: parenthesised asides dropped,
 * lowercased, stop words dropped, at most 5 words and 40 characters.
 * "Code Freeze Initiated (if applicable)" → "code-freeze-initiated".
 */
export function slugify(text: string, fallback = 'item'): string {
  const words = stripAsides(text)
    .toLowerCase()
    .normalize('NFKD')
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  const significant = words.filter((w) => !STOPWORDS.has(w));
  const chosen = significant.length ? significant : words;
  let out = '';
  for (const word of chosen.slice(0, MAX_WORDS)) {
    const next = out ? `${out}-${word}` : word;
    if (next.length > MAX_LENGTH) break;
    out = next;
  }
  return out || chosen[0]?.slice(0, MAX_LENGTH) || fallback;
}

function stripAsides(text: string): string {
  let out = '';
  let depth = 0;
  let inCode = false;
  for (const ch of text) {
    if (ch === '`') inCode = !inCode;
    else if (!inCode && ch === '(') depth++;
    else if (!inCode && ch === ')' && depth > 0) depth--;
    else if (depth === 0) out += ch;
  }
  return out.trim() ? out : text;
}

/** Hands out ids unique within one section: "notify-stakeholders", then "notify-stakeholders-2". */
export function idAllocator(): (text: string) => string {
  const used = new Set<string>();
  return (text) => {
    const base = slugify(text);
    let id = base;
    for (let n = 2; used.has(id); n++) id = `${base.slice(0, 44)}-${n}`;
    used.add(id);
    return id;
  };
}
