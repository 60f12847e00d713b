/** Markdown runbooks as templates; the parser lives in ./markdown/. */
export { parseMarkdown, parseRunbook, type RunbookProblem, type RunbookResult } from './markdown/index.js';
