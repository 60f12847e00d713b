/**
 * Slack's external upload flow: files.getUploadURLExternal hands out an upload URL (here on the fake
 * server, `/upload/<file id>`) and a file id; the bytes are POSTed there (raw or multipart); then
 * files.completeUploadExternal shares the uploaded files, in a channel (and thread) when one is given.
 */
import { randomBytes } from 'node:crypto';
import type { Handler } from './chat.js';
import type { SlackJson } from './types.js';
import { invalidArguments, required, SlackError, str, type Workspace } from './workspace.js';

export interface FakeFile {
  id: string;
  filename: string;
  /** The length announced to files.getUploadURLExternal. */
  length: number;
  /** The bytes POSTed to the upload URL, as UTF-8 text; undefined until then. */
  content?: string;
  /** The same bytes as they arrived (binary files: images). */
  bytes?: Buffer;
  /** The image's description for screen readers (`alt_txt` in Slack's docs; @slack/web-api sends `alt_text`). */
  altText?: string;
  title?: string;
  /** Where it was shared by files.completeUploadExternal (undefined: not completed, or private). */
  completed: boolean;
  channel?: string;
  threadTs?: string;
  initialComment?: string;
}

export function createFileStore(base: () => string) {
  const files = new Map<string, FakeFile>();

  function methods(ws: Workspace): Record<string, Handler> {
    return {
      'files.getUploadURLExternal': (args) => {
        const filename = required(args, 'filename');
        const length = Number(args.length);
        if (!Number.isInteger(length) || length <= 0)
          throw invalidArguments('length must be a positive integer [json-pointer:/length]');
        const altText = str(args.alt_txt) ?? str(args.alt_text);
        if (altText && [...altText].length > 1000) throw new SlackError('alt_txt_too_large');
        const id = `F${randomBytes(5).toString('hex').toUpperCase()}`;
        files.set(id, { id, filename, length, completed: false, ...(altText ? { altText } : {}) });
        return { upload_url: `${base()}/upload/${id}`, file_id: id };
      },

      'files.completeUploadExternal': (args) => {
        let list: unknown = args.files;
        if (typeof list === 'string') {
          try {
            list = JSON.parse(list);
          } catch {
            throw invalidArguments('files is not valid JSON [json-pointer:/files]');
          }
        }
        if (!Array.isArray(list) || !list.length)
          throw invalidArguments('files must be a non-empty array [json-pointer:/files]');
        const wanted = (list as SlackJson[]).map((f) => ({ file: files.get(String(f?.id)), title: str(f?.title) }));
        // An id never handed out, or whose bytes never arrived, is not a file Slack knows.
        if (wanted.some((w) => !w.file?.content)) throw new SlackError('file_not_found');
        const channelId = str(args.channel_id);
        const threadTs = str(args.thread_ts);
        const ch = channelId ? ws.postableChannel(channelId) : undefined;
        if (threadTs && !ch) throw invalidArguments('thread_ts needs channel_id');
        if (ch && threadTs && !ws.findMessage(ch.id, threadTs))
          ws.warnings.push(`files.completeUploadExternal: thread_ts ${threadTs} is not a message in ${ch.id}`);
        const comment = str(args.initial_comment);
        for (const { file, title } of wanted) {
          Object.assign(file!, {
            completed: true,
            ...(title ? { title } : {}),
            ...(ch ? { channel: ch.id } : {}),
            ...(threadTs ? { threadTs } : {}),
            ...(comment ? { initialComment: comment } : {}),
          });
        }
        if (ch) ws.post({ channel: ch.id, text: comment ?? '', thread_ts: threadTs || undefined });
        return {
          files: wanted.map(({ file }) => ({
            id: file!.id,
            title: file!.title ?? file!.filename,
            name: file!.filename,
          })),
        };
      },
    };
  }

  /** A POST to `/upload/<id>`: raw bytes, or multipart form data (the first file part) as @slack/web-api sends. */
  async function uploaded(id: string, raw: Buffer, contentType: string): Promise<{ status: number; body: string }> {
    const file = files.get(id);
    if (!file || file.content !== undefined) return { status: 404, body: 'not found' };
    let bytes = raw;
    if (contentType.startsWith('multipart/form-data')) {
      const form = await new Response(new Uint8Array(raw), { headers: { 'content-type': contentType } }).formData();
      const part = [...form.values()].find((v): v is File => typeof v !== 'string');
      if (!part) return { status: 400, body: 'no file in the form' };
      bytes = Buffer.from(await part.arrayBuffer());
    }
    file.content = bytes.toString('utf8');
    file.bytes = bytes;
    return { status: 200, body: `OK - ${bytes.length}` };
  }

  return { methods, uploaded, all: () => [...files.values()] };
}
