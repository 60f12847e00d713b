import { section } from './blocks.js';
import { clip, mention, safeLink } from './format.js';
import type { Notice, NoticeInput } from './notices/common.js';

/** A pipeline's progress note in the deployment's thread: who (the pipeline), what, and a link to its run. */
export function pipelineNoteText(pipeline: string, text: string, runUrl?: string): string {
  const run = runUrl ? safeLink(runUrl, 'run') : null;
  return `📝 ${mention(`pipeline:${pipeline}`)}: ${clip(text, 1000)}${run ? ` · ${run}` : ''}`;
}

/** The scheduler's notice for a pipeline's note (posted once, found again by its metadata after a restart). */
export function pipelineNote({ job, d }: NoticeInput): Notice {
  const note = job.payload.note;
  const text = note ? pipelineNoteText(note.pipeline, note.text, note.runUrl) : `📝 A note on ${d.ref}`;
  return { text, blocks: [section(text)] };
}
