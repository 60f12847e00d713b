import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { startDeployment, textOf } from '../support/flows.js';
import { CHANNELS, PEOPLE, startHarness, type Harness } from '../support/harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

it('an archive retried long after its note was posted does not post the note again', async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'liftoff-archive-')), 'liftoff.yml');
  writeFileSync(
    file,
    `dedicated_channels:\n  prefix: deploy\n  archive_after_hours: 0\nservices:\n  checkout:\n    deploy_channel: ${CHANNELS.deploys}\n    location: channel\n`,
  );
  h = await startHarness({ env: { LIFTOFF_CONFIG: file } });
  const { id } = await startDeployment(h);
  const room = (
    h.fake.callsTo('conversations.create').find((c) => c.response.ok === true)!.response.channel as { id: string }
  ).id;
  await h.slack.command(`cancel DEP-${id} moved to next week`, { user: PEOPLE.deployer, channel: room });
  await h.settled();
  // The note goes out on the first attempt; archiving it fails four times, the last retry 4 minutes after the one before.
  h.fake.fail('conversations.archive', { error: 'internal_error' }, 4);
  await h.liftoff.scheduler.tick();
  for (const wait of [30, 60, 120, 240]) {
    h.clock.advance(wait * 1000 + 1000);
    await h.liftoff.scheduler.tick();
  }
  await h.settled();
  const archived = h.fake.callsTo('conversations.archive').filter((c) => c.response.ok === true);
  expect(archived.map((c) => c.args.channel)).toEqual([room]);
  const job = h.query<{ status: string }>(
    "SELECT status FROM jobs WHERE kind = 'archive_room' AND deployment_id = ?",
    id,
  )[0];
  expect(job?.status).toBe('sent');
  expect(
    h.fake
      .messages(room)
      .map(textOf)
      .filter((t) => /archiving this channel/.test(t)),
  ).toHaveLength(1);
});
