import { STATUS_LABELS } from '../../../core/deployment/types.js';
import { section } from '../blocks.js';
import type { Notice, NoticeInput } from './common.js';
import { plainTitle, title } from './common.js';

/** The last word in a dedicated channel, just before it is archived. */
export function archiveNote({ d }: NoticeInput): Notice {
  const status = STATUS_LABELS[d.status].toLowerCase();
  const text =
    `📦 ${title(d)} is ${status}. I am archiving this channel now; it stays readable in the archive, ` +
    `the summary card stays in <#${d.channelId}>, and \`/deploy status ${d.ref}\` still shows the record.`;
  return { text: `${plainTitle(d)} is ${status}: archiving this channel`, blocks: [section(text)] };
}
