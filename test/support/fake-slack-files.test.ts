import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeSlack, type FakeSlack } from './fake-slack.js';
import { refusal, webClientOn } from './fake-slack/self-test.js';

const TOKEN = 'xoxb-files';
let fake: FakeSlack;

beforeEach(async () => {
  fake = await startFakeSlack({ token: TOKEN });
  fake.addChannel('CPUBLIC', { name: 'deploys' });
  fake.addChannel('GPRIVATE', { name: 'secret', isPrivate: true, botIsMember: false });
});
afterEach(() => fake.stop());

describe('the fake Slack: external file uploads', () => {
  it('files.uploadV2 (getUploadURLExternal, POST to the upload URL, completeUploadExternal) shares the bytes in the thread', async () => {
    const web = webClientOn(fake, TOKEN);
    const parent = fake.addMessage({ channel: 'CPUBLIC', text: 'parent', user: 'UALICE' });
    await web.files.uploadV2({
      channel_id: 'CPUBLIC',
      thread_ts: parent.ts,
      file: Buffer.from('# Héllo\n'),
      filename: 'r.md',
      title: 'R',
    });
    expect(fake.files()).toEqual([
      expect.objectContaining({
        filename: 'r.md',
        title: 'R',
        content: '# Héllo\n',
        length: 9,
        completed: true,
        channel: 'CPUBLIC',
        threadTs: parent.ts,
      }),
    ]);
    expect(fake.thread('CPUBLIC', parent.ts)).toHaveLength(2);
    const url = String(fake.callsTo('files.getUploadURLExternal')[0]!.response.upload_url);
    expect(url.startsWith(fake.url.replace('/api/', '/upload/'))).toBe(true);
  });

  it('refuses what Slack refuses: no length, a file never uploaded, a channel the bot cannot post in, a bad token', async () => {
    const web = webClientOn(fake, TOKEN);
    expect((await refusal(web.files.getUploadURLExternal({ filename: 'x.md', length: 0 }))).error).toBe(
      'invalid_arguments',
    );
    const { file_id } = await web.files.getUploadURLExternal({ filename: 'x.md', length: 3 });
    expect((await refusal(web.files.completeUploadExternal({ files: [{ id: file_id! }] }))).error).toBe(
      'file_not_found',
    );
    expect(
      (await refusal(web.files.completeUploadExternal({ files: [{ id: 'FNOPE' }], channel_id: 'CPUBLIC' }))).error,
    ).toBe('file_not_found');
    await fetch(String(fake.callsTo('files.getUploadURLExternal').at(-1)!.response.upload_url), {
      method: 'POST',
      body: 'abc',
    });
    expect(
      (await refusal(web.files.completeUploadExternal({ files: [{ id: file_id! }], channel_id: 'GPRIVATE' }))).error,
    ).toMatch(/channel_not_found|not_in_channel/);
    expect(
      (await refusal(webClientOn(fake, 'xoxb-wrong').files.getUploadURLExternal({ filename: 'x.md', length: 3 })))
        .error,
    ).toBe('invalid_auth');
  });
});
