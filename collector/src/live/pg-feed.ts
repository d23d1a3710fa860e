/**
 * The commit feed across collector processes sharing one PostgreSQL: after a commit a process
 * tells its own subscribers at once and sends `pg_notify` on one channel; every process
 * LISTENs on that channel, on a connection of its own, and hands the other processes' commits
 * to its subscribers. Payloads carry keys only (project, session, seq, scene), several batches
 * to a notification and never more than PostgreSQL's 8000 bytes; each names the process that
 * sent it, so a process skips its own. A notification lost while the LISTEN connection was
 * down costs a follower that batch and presence a few seconds, nothing more (postgres.js
 * reconnects and listens again).
 */
import { randomUUID } from 'node:crypto';
import postgres from 'postgres';
import { createLocalFeed, type CommitFeed, type CommittedBatch } from './feed.js';

/** The channel every collector of a database listens on. */
export const LIVE_CHANNEL = 'vantage_live';

/** Largest payload sent, bytes (PostgreSQL refuses 8000 and more). */
export const MAX_PAYLOAD_BYTES = 7900;

type Entry = [projectId: string, sessionId: string, seq: number, sceneId: string];

/** Settings. */
export interface PostgresFeedOptions {
  channel?: string;
  /** A notification could not be sent or read; the feed goes on. */
  onError?: (error: unknown) => void;
}

/** The payloads announcing `batches` from `origin`, each at most {@link MAX_PAYLOAD_BYTES}. */
export function encodePayloads(origin: string, batches: readonly CommittedBatch[]): string[] {
  const head = `{"o":${JSON.stringify(origin)},"b":[`;
  const payloads: string[] = [];
  let entries: string[] = [];
  let bytes = head.length + 2;
  for (const b of batches) {
    const entry = JSON.stringify([b.projectId, b.sessionId, b.seq, b.sceneId] satisfies Entry);
    const size = Buffer.byteLength(entry) + 1;
    if (entries.length > 0 && bytes + size > MAX_PAYLOAD_BYTES) {
      payloads.push(`${head}${entries.join(',')}]}`);
      entries = [];
      bytes = head.length + 2;
    }
    entries.push(entry);
    bytes += size;
  }
  if (entries.length > 0) payloads.push(`${head}${entries.join(',')}]}`);
  return payloads;
}

/** The sender and batches of a payload, or null if it is not one of ours. */
export function decodePayload(payload: string): { origin: string; batches: CommittedBatch[] } | null {
  try {
    const value = JSON.parse(payload) as { o?: unknown; b?: unknown };
    if (typeof value.o !== 'string' || !Array.isArray(value.b)) return null;
    const batches: CommittedBatch[] = [];
    for (const e of value.b as unknown[]) {
      if (!Array.isArray(e) || e.length !== 4) continue;
      const [projectId, sessionId, seq, sceneId] = e as unknown[];
      if (typeof projectId !== 'string' || typeof sessionId !== 'string' || typeof seq !== 'number' || typeof sceneId !== 'string') continue;
      batches.push({ projectId, sessionId, seq, sceneId });
    }
    return { origin: value.o, batches };
  } catch {
    return null;
  }
}

/** A feed over LISTEN/NOTIFY on the database at `databaseUrl` (two connections of its own). */
export function createPostgresFeed(databaseUrl: string, options: PostgresFeedOptions = {}): CommitFeed {
  const channel = options.channel ?? LIVE_CHANNEL;
  const origin = randomUUID();
  const local = createLocalFeed();
  const inflight = new Set<Promise<unknown>>();
  let sql: postgres.Sql | undefined;
  let listening: postgres.ListenMeta | undefined;

  function received(payload: string): void {
    const message = decodePayload(payload);
    if (!message) {
      options.onError?.(new Error('Vantage: an unreadable live notification was skipped'));
      return;
    }
    if (message.origin !== origin) local.publish(message.batches);
  }

  return {
    async start() {
      sql ??= postgres(databaseUrl, { max: 1, onnotice: () => undefined, connection: { application_name: 'vantage-live' } });
      listening ??= await sql.listen(channel, received);
    },
    publish(batches) {
      local.publish(batches);
      if (!sql) return;
      for (const payload of encodePayloads(origin, batches)) {
        const sent: Promise<unknown> = sql.notify(channel, payload).then(
          () => undefined,
          (error: unknown) => options.onError?.(error),
        );
        inflight.add(sent);
        void sent.finally(() => inflight.delete(sent));
      }
    },
    subscribe: (listener) => local.subscribe(listener),
    async stop() {
      await Promise.allSettled([...inflight]);
      const open = sql;
      sql = undefined;
      await listening?.unlisten().catch(() => undefined);
      listening = undefined;
      await open?.end({ timeout: 5 });
      await local.stop();
    },
  };
}
