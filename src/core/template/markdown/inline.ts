import type { List, Nodes, Paragraph, PhrasingContent, RootContent, Table } from 'mdast';

export type Fill = (text: string) => string;

/** Plain text of inline content: emphasis markers dropped, `code` kept, soft breaks as spaces. */
export function phrasing(nodes: readonly PhrasingContent[], fill: Fill): string {
  return fill(collapse(nodes.map(inlineText).join('')));
}

function inlineText(node: PhrasingContent): string {
  switch (node.type) {
    case 'text':
      return node.value;
    case 'inlineCode':
      return `\`${node.value}\``;
    case 'break':
      return ' ';
    case 'image':
      return node.alt ?? '';
    case 'html':
      return node.value;
    case 'footnoteReference':
      return `[^${node.identifier}]`;
    case 'link': {
      const text = node.children.map(inlineText).join('');
      return text === node.url || !node.url ? text : `${text} (${node.url})`;
    }
    default:
      return 'children' in node ? (node.children as PhrasingContent[]).map(inlineText).join('') : '';
  }
}

function collapse(text: string): string {
  return text.split(/\s+/).filter(Boolean).join(' ');
}

export interface Labelled {
  label: string;
  rest: string;
}

/** "**Label:** rest" or "*Label:* rest" (or "**Label**: rest") at the start of a paragraph. */
export function leadingLabel(paragraph: Paragraph, fill: Fill): Labelled | null {
  const [first, ...others] = paragraph.children;
  if (!first || (first.type !== 'strong' && first.type !== 'emphasis')) return null;
  const inside = phrasing(first.children, fill);
  const rest = phrasing(others, fill);
  if (inside.endsWith(':')) return { label: inside.slice(0, -1).trim(), rest };
  if (rest.startsWith(':')) return { label: inside, rest: rest.slice(1).trim() };
  return null;
}

/** An item's text and the words its id comes from: "Title: sentence" keys on the title. */
export function itemText(paragraph: Paragraph, fill: Fill): { text: string; idSource: string } {
  const labelled = leadingLabel(paragraph, fill);
  if (!labelled) {
    const text = phrasing(paragraph.children, fill);
    return { text, idSource: text };
  }
  const text = labelled.rest ? `${labelled.label}: ${labelled.rest}` : labelled.label;
  return { text, idSource: labelled.label };
}

/** "(if applicable)", "(If needed)", "(optional)": the item never holds a gate. */
export function isOptional(text: string): boolean {
  let depth = 0;
  let aside = '';
  for (const ch of text) {
    if (ch === '(') {
      if (depth === 0) aside = '';
      depth++;
    } else if (ch === ')' && depth > 0) {
      depth--;
      if (depth === 0) {
        const words = aside.trim().toLowerCase();
        if (words === 'optional' || words === 'if' || words.startsWith('if ')) return true;
      }
    } else if (depth > 0) aside += ch;
  }
  return false;
}

/** "Link to QA Sign-off" → "Link to QA sign-off": Capitalised words after the first are lowercased. */
export function sentenceCase(text: string): string {
  let out = '';
  let run = '';
  let seenWord = false;
  const flush = () => {
    const capitalised =
      run.length > 1 && run[0] !== run[0]!.toLowerCase() && run.slice(1) === run.slice(1).toLowerCase();
    out += seenWord && capitalised ? run.toLowerCase() : run;
    if (run) seenWord = true;
    run = '';
  };
  for (const ch of text) {
    if (ch.toLowerCase() !== ch.toUpperCase()) run += ch;
    else {
      flush();
      out += ch;
    }
  }
  flush();
  return out;
}

/** Heading text without its numbering: "2. Pre-Deployment Checklist" → "Pre-Deployment Checklist". */
export function headingTitle(nodes: readonly PhrasingContent[], fill: Fill): string {
  const text = phrasing(nodes, fill);
  let i = 0;
  while (i < text.length && text[i]! >= '0' && text[i]! <= '9') i++;
  if (i > 0 && (text[i] === '.' || text[i] === ')')) i++;
  return i > 0 && text[i] === ' ' ? text.slice(i + 1).trim() : text;
}

/** Words of a heading or label for keyword matching: "Pre-Deployment" → "pre deployment". */
export function keywords(text: string): string {
  return ` ${text
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean)
    .join(' ')} `;
}

export const hasWord = (words: string, ...candidates: string[]): boolean =>
  candidates.some((c) => (c.endsWith('*') ? words.includes(` ${c.slice(0, -1)}`) : words.includes(` ${c} `)));

/** Any block as readable text, for notes and details. */
export function blockText(node: RootContent | Nodes, fill: Fill): string {
  switch (node.type) {
    case 'paragraph':
      return phrasing(node.children, fill);
    case 'heading':
      return `${'#'.repeat(node.depth)} ${phrasing(node.children, fill)}`;
    case 'list':
      return listText(node, fill, '');
    case 'code':
      return fill(['```' + (node.lang ?? ''), node.value, '```'].join('\n'));
    case 'table':
      return tableText(node, fill);
    case 'blockquote':
      return node.children.map((c) => `> ${blockText(c, fill)}`).join('\n');
    case 'html':
    case 'yaml':
      return node.value;
    case 'thematicBreak':
      return '';
    default:
      return 'children' in node ? (node.children as RootContent[]).map((c) => blockText(c, fill)).join('\n') : '';
  }
}

function listText(list: List, fill: Fill, indent: string): string {
  return list.children
    .map((li, i) => {
      const marker = list.ordered ? `${(list.start ?? 1) + i}.` : '-';
      const box = li.checked === null || li.checked === undefined ? '' : li.checked ? '[x] ' : '[ ] ';
      return li.children
        .map((c, j) =>
          c.type === 'list'
            ? listText(c, fill, `${indent}  `)
            : `${indent}${j === 0 ? `${marker} ${box}` : '  '}${blockText(c, fill)}`,
        )
        .join('\n');
    })
    .join('\n');
}

function tableText(table: Table, fill: Fill): string {
  return table.children.map((row) => row.children.map((cell) => phrasing(cell.children, fill)).join(' | ')).join('\n');
}

/** Minutes in "45 minutes", "2 hours", "1 day"; null for placeholders or anything else. */
export function minutesIn(text: string | null): number | null {
  if (!text || text.includes('[')) return null;
  const match = /(\d+(?:\.\d+)?)\s*(m|min|mins|minutes?|h|hrs?|hours?|d|days?)\b/i.exec(text);
  if (!match) return null;
  const unit = match[2]!.toLowerCase();
  const factor = unit.startsWith('d') ? 1440 : unit.startsWith('h') ? 60 : 1;
  const minutes = Math.round(Number(match[1]) * factor);
  return minutes > 0 ? minutes : null;
}
