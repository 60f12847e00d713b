/** Markdown runbooks as templates; the parser lives in ./markdown/. */
export { parseRunbook } from './markdown/index.js';
