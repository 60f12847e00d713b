import { clip, mention, safeLink } from './format.js';

/** A pipeline's progress note in the deployment's thread: who (the pipeline), what, and a link to its run. */
export function pipelineNoteText(pipeline: string, text: string, runUrl?: string): string {
  const run = runUrl ? safeLink(runUrl, 'run') : null;
  return `📝 ${mention(`pipeline:${pipeline}`)}: ${clip(text, 1000)}${run ? ` · ${run}` : ''}`;
}
