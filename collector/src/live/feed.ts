/**
 * The commit feed: how every collector process learns of every batch any of them committed,
 * as keys only (the events stay in `session_chunks`). On the embedded store there is one
 * process, and an in-process emitter is the whole feed; on PostgreSQL, `pg-feed.ts` adds
 * LISTEN/NOTIFY between processes behind the same interface.
 */
import { EventEmitter } from 'node:events';

/** A committed batch, by key: enough for presence, and to read the batch's chunk. */
export interface CommittedBatch {
  projectId: string;
  sessionId: string;
  seq: number;
  sceneId: string;
}

/** Receives commits; must not throw. */
export type CommitListener = (batches: readonly CommittedBatch[]) => void;

/** Every commit, of this process or another, reaches each subscriber once. */
export interface CommitFeed {
  /** Start receiving other processes' commits (nothing to do in one process). */
  start(): Promise<void>;
  /** This process committed `batches`: tell every subscriber, here and in the other processes. */
  publish(batches: readonly CommittedBatch[]): void;
  /** Call `listener` for every commit; returns the unsubscribe function. */
  subscribe(listener: CommitListener): () => void;
  /** Stop listening and close any connection of the feed's own. */
  stop(): Promise<void>;
}

/** The feed of one process: an in-process emitter. */
export function createLocalFeed(): CommitFeed {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  return {
    start: async () => undefined,
    publish(batches) {
      if (batches.length > 0) emitter.emit('commit', batches);
    },
    subscribe(listener) {
      emitter.on('commit', listener);
      return () => emitter.off('commit', listener);
    },
    stop: async () => {
      emitter.removeAllListeners();
    },
  };
}
