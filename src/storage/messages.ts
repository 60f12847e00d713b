import type { Db } from './db.js';
import { withoutDiskSync, writeTransaction } from './transaction.js';

export interface MessageRecord {
  deploymentId: number;
  key: string;
  channelId: string;
  ts: string | null;
  renderedHash: string | null;
}

/** A deployment's messages are all in line: the digest of what they were drawn from (table `drawn`). */
interface InLine {
  deploymentId: number;
  digest: string;
}

/** Which Slack message shows which part of a deployment, and what it last showed. */
export function createMessagesRepository({ db }: { db: Db }) {
  const selectAll = db.prepare<[number], MessageRecord>(
    `SELECT deployment_id AS deploymentId, key, channel_id AS channelId, ts, rendered_hash AS renderedHash
     FROM messages WHERE deployment_id = ?`,
  );
  const selectOne = db.prepare<[number, string], MessageRecord>(
    `SELECT deployment_id AS deploymentId, key, channel_id AS channelId, ts, rendered_hash AS renderedHash
     FROM messages WHERE deployment_id = ? AND key = ?`,
  );
  const upsert = db.prepare(
    `INSERT INTO messages (deployment_id, key, channel_id, ts, rendered_hash, updated_at) VALUES (@deploymentId, @key, @channelId, @ts, @renderedHash, @at)
     ON CONFLICT (deployment_id, key) DO UPDATE SET channel_id = excluded.channel_id, ts = excluded.ts,
       rendered_hash = excluded.rendered_hash, updated_at = excluded.updated_at`,
  );
  const selectDrawn = db.prepare<[number], { digest: string; revision: number }>(
    `SELECT drawn.digest, deployments.revision FROM drawn JOIN deployments ON deployments.id = drawn.deployment_id
     WHERE drawn.deployment_id = ?`,
  );
  const upsertDrawn = db.prepare(
    `INSERT INTO drawn (deployment_id, digest) VALUES (?, ?) ON CONFLICT (deployment_id) DO UPDATE SET digest = excluded.digest`,
  );
  const saveAll = writeTransaction(db, (records: readonly MessageRecord[], at: number) => {
    for (const m of records) upsert.run({ ...m, at });
  });
  const saveAllInLine = writeTransaction(db, (records: readonly MessageRecord[], at: number, inLine?: InLine) => {
    saveAll(records, at);
    if (inLine) upsertDrawn.run(inLine.deploymentId, inLine.digest);
  });
  return {
    list(deploymentId: number): Map<string, MessageRecord> {
      return new Map(selectAll.all(deploymentId).map((m) => [m.key, m]));
    },
    /** One part's record (its parent card's, for a link), read alone. */
    find(deploymentId: number, key: string): MessageRecord | undefined {
      return selectOne.get(deploymentId, key);
    },
    save(m: MessageRecord, at: number) {
      upsert.run({ ...m, at });
    },
    /** Saves several records in one transaction: one commit (one sync to disk) for all. */
    saveAll,
    /**
     * What a redraw drew: one commit, not synced to disk at once (the next synced commit or
     * checkpoint carries it). A crash of the process loses nothing; a crash of the machine may
     * lose it, and the message is only drawn again (a post is found again by the mark saveAll made).
     * With `inLine`, the note that every message of the deployment is in line, in the same commit.
     */
    saveDrawn(records: readonly MessageRecord[], at: number, inLine?: InLine) {
      withoutDiskSync(db, () => saveAllInLine(records, at, inLine));
    },
    /** The digest of what the deployment's messages were last fully brought in line with, and its revision now. */
    inLine(deploymentId: number): { digest: string; revision: number } | undefined {
      return selectDrawn.get(deploymentId);
    },
  };
}

export type MessagesRepository = ReturnType<typeof createMessagesRepository>;
