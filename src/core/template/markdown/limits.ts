import type { Nodes } from 'mdast';

/**
 * Bounds that keep one runbook from stopping the bot. The Markdown parser
 * (micromark) pairs emphasis and link brackets by scanning back over the whole
 * paragraph for every closing mark, and nests quotes and lists by re-reading
 * each line's prefix: a 49 kB paragraph of "*a_" took 35 s, and 8,000 nested
 * ">" overflowed the stack. So before parsing, a runbook may have at most
 * MAX_CHARS characters, MAX_MARKS emphasis or link marks in one paragraph, and
 * MAX_PREFIX quotes and list markers (or MAX_INDENT columns of indentation)
 * before a line's text; after parsing, at most MAX_DEPTH nested elements.
 */
export const RUNBOOK_LIMITS = {
  MAX_CHARS: 100_000,
  MAX_MARKS: 400,
  MAX_PREFIX: 16,
  MAX_INDENT: 64,
  MAX_DEPTH: 48,
} as const;
const { MAX_CHARS, MAX_MARKS, MAX_PREFIX, MAX_INDENT, MAX_DEPTH } = RUNBOOK_LIMITS;

export interface LimitProblem {
  line: number;
  message: string;
}

const MARKS = new Set(['*', '_', '~', '[', ']']);
const LIST_MARKER = /^(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)/;
const THEMATIC_BREAK = /^(?:[-*_][ \t]*){3,}$/;
const FENCE = /^(?:```|~~~)/;

/** The first limit the text is over, before it is parsed; null when it is within them all. */
export function overLimits(text: string): LimitProblem | null {
  if (text.length > MAX_CHARS) {
    const line = text.slice(0, MAX_CHARS).split('\n').length;
    return {
      line,
      message: `the runbook is ${text.length.toLocaleString('en')} characters long; at most ${MAX_CHARS.toLocaleString('en')} are read (split it into several runbooks)`,
    };
  }
  let inFence = false;
  let marks = 0;
  let unitLine = 1;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const { depth, lists, indent, rest } = prefixOf(lines[i]!);
    const line = i + 1;
    if (FENCE.test(rest)) inFence = !inFence;
    if (inFence) continue;
    if (depth > MAX_PREFIX)
      return { line, message: `quotes and lists are nested ${depth} deep; at most ${MAX_PREFIX} are read` };
    if (indent > MAX_INDENT)
      return { line, message: `the line is indented by ${indent} columns; at most ${MAX_INDENT} are read` };
    // A new paragraph starts after a blank line, with a heading and with a list item.
    if (!rest.trim() || rest.startsWith('#') || lists > 0) {
      marks = 0;
      unitLine = rest.trim() ? line : line + 1;
    }
    for (const ch of rest) if (MARKS.has(ch)) marks++;
    if (marks > MAX_MARKS) {
      return {
        line: unitLine,
        message: `a paragraph has more than ${MAX_MARKS} emphasis or link marks (*, _, ~, [ and ]); split it or put the text in a code block`,
      };
    }
  }
  return null;
}

/** How many quote and list markers open a line, how far it is indented, and the text after them. */
function prefixOf(raw: string): { depth: number; lists: number; indent: number; rest: string } {
  let depth = 0;
  let lists = 0;
  let indent = 0;
  let rest = raw;
  for (;;) {
    const spaces = /^[ \t]*/.exec(rest)![0];
    indent += [...spaces].reduce((n, ch) => n + (ch === '\t' ? 4 : 1), 0);
    rest = rest.slice(spaces.length);
    if (THEMATIC_BREAK.test(rest)) return { depth, lists, indent, rest };
    if (rest.startsWith('>')) rest = rest.slice(1);
    else if (LIST_MARKER.test(rest)) {
      rest = rest.replace(/^\S+/, '');
      lists++;
    } else return { depth, lists, indent, rest };
    depth++;
  }
}

/** The line of the first element nested more than MAX_DEPTH deep in the parsed runbook; null when none is. */
export function tooDeep(root: Nodes): LimitProblem | null {
  const stack: Array<{ node: Nodes; depth: number }> = [{ node: root, depth: 0 }];
  while (stack.length) {
    const { node, depth } = stack.pop()!;
    if (depth > MAX_DEPTH) {
      return {
        line: node.position?.start.line ?? 1,
        message: `elements are nested more than ${MAX_DEPTH} deep; at most ${MAX_DEPTH} are read`,
      };
    }
    if ('children' in node) for (const child of node.children) stack.push({ node: child, depth: depth + 1 });
  }
  return null;
}
