import type { HomeView, KnownBlock } from '@slack/types';
import { context, section } from './blocks.js';
import { firstFew } from './format.js';

/** What someone outside a private channel learns of the deployments there: only that they exist. */
export function hiddenLine(refs: readonly string[]): string {
  const list = firstFew([...refs], 20, (r) => r).join(', ');
  return refs.length === 1
    ? `🔒 ${list} is in a private channel you are not in; only its members see its details.`
    : `🔒 ${list} are in private channels you are not in; only their members see their details.`;
}

/** An answer with the hidden deployments' line added below it; none hidden: the answer as it is. */
export function withHidden<A extends { text: string; blocks?: KnownBlock[] }>(answer: A, refs: readonly string[]): A {
  if (!refs.length) return answer;
  const line = hiddenLine(refs);
  return {
    ...answer,
    text: `${answer.text} · ${line}`,
    blocks: [...(answer.blocks ?? [section(answer.text)]), context(line)],
  };
}

/** /deploy status of a deployment in a private channel the person is not in. */
export function privateStatusMessage(ref: string): { text: string; blocks: KnownBlock[] } {
  const text = `🔒 ${ref} is in a private channel you are not in; only its members see its details. Ask someone in that channel.`;
  return { text, blocks: [section(text)] };
}

/** App Home with the hidden deployments' line above its closing hint (Home allows 100 blocks; homeView uses at most 95). */
export function homeWithHidden(view: HomeView, refs: readonly string[]): HomeView {
  if (!refs.length) return view;
  return { ...view, blocks: [...view.blocks.slice(0, -1), context(hiddenLine(refs)), ...view.blocks.slice(-1)] };
}
