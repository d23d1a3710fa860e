/**
 * The live hub behind `WS /api/v1/live`: admits upgrades, keeps the connected clients, pushes
 * presence to each (its key's project only) every `presenceIntervalMs`, and sends a follower
 * each new batch of the session it follows. It learns of batches from the commit feed: this
 * process's write buffer publishes into it after each commit, and on PostgreSQL the other
 * processes' commits arrive through LISTEN/NOTIFY; the events themselves are read from the
 * batch's stream chunk, so a follower gets the same events whichever process took the batch.
 *
 * Built with the app's dependencies but idle (no timer, no connection) until `start()`, so a
 * test app that never listens costs nothing. A stop is two steps: `closeClients()` (1001, new
 * upgrades refused) before the write buffer drains, `stop()` after it, so the batches drained
 * last still reach the other processes.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { AppDeps } from '../http/deps.js';
import { HttpError } from '../http/errors.js';
import type { AcceptedBatch } from '../ingest/types.js';
import type { ResolvedKey } from '../tenants/key-resolver.js';
import { createConnection, type LiveConnection } from './connection.js';
import { createLocalFeed, type CommitFeed, type CommittedBatch } from './feed.js';
import { readBatchEvents, sessionExists } from './follow.js';
import { createPostgresFeed } from './pg-feed.js';
import { createPresence } from './presence.js';
import { MAX_CLIENT_MESSAGE_BYTES, parseClientMessage } from './protocol.js';
import { activeKeys } from './revocation.js';
import { admitUpgrade, LIVE_PATH, refusalOf, refuse } from './upgrade.js';

/** The live hub; see {@link createLiveHub}. */
export interface LiveHub {
  /** Subscribe to the commit feed (LISTEN on PostgreSQL) and start the timers. */
  start(): Promise<void>;
  /** The write buffer committed `batches` (its `onCommitted`); ignored until started. */
  committed(batches: readonly AcceptedBatch[]): void;
  /** The HTTP server's `upgrade` event. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Refuse new upgrades and close every client with 1001; resolves once they are gone. */
  closeClients(): Promise<void>;
  /** Stop the timers and the feed (after the write buffer drained). */
  stop(): Promise<void>;
  /** Open connections, sessions counted for presence, and clients dropped by the guards so far. */
  stats(): { connections: number; presenceSessions: number; dropped: { slow: number; unresponsive: number } };
}

/** Timings and bounds; the defaults suit production, tests shorten them. */
export interface LiveHubOptions {
  /** Presence push interval, ms (default 2000). */
  presenceIntervalMs?: number;
  /** A session is present while its latest batch is at most this old, ms (default 60,000). */
  presenceWindowMs?: number;
  /** Ping interval, ms (default 30,000); an unanswered ping drops the client at the next. */
  heartbeatIntervalMs?: number;
  /** How often open connections' keys are checked for revocation, ms (default 30,000). */
  revalidateIntervalMs?: number;
  /** Most bytes queued to one client before it is dropped (default 1 MiB). */
  maxBufferedBytes?: number;
  /** The commit feed (default: LISTEN/NOTIFY on PostgreSQL, in-process on the embedded store). */
  feed?: CommitFeed;
  /** Clock for presence, epoch ms (default `Date.now`). */
  now?: () => number;
}

const sessionKey = (projectId: string, sessionId: string) => `${projectId}\u0000${sessionId}`;

/** Build the hub over the app's dependencies (idle until `start()`). */
export function createLiveHub(deps: AppDeps, options: LiveHubOptions = {}): LiveHub {
  const now = options.now ?? Date.now;
  const presence = createPresence({ windowMs: options.presenceWindowMs ?? 60_000 });
  const feed =
    options.feed ??
    (deps.store.kind === 'postgres' && deps.config.databaseUrl
      ? createPostgresFeed(deps.config.databaseUrl, { onError: (error) => deps.log.warn({ err: error }, 'live notification failed') })
      : createLocalFeed());
  const wss = new WebSocketServer({ noServer: true, clientTracking: false, maxPayload: MAX_CLIENT_MESSAGE_BYTES, perMessageDeflate: false });
  const connections = new Set<LiveConnection>();
  const followers = new Map<string, Set<LiveConnection>>();
  // Per followed session, the delivery in progress: batches go out one after another.
  const deliveries = new Map<string, Promise<void>>();
  const timers: NodeJS.Timeout[] = [];
  let unsubscribe: (() => void) | undefined;
  let state: 'idle' | 'running' | 'closing' = 'idle';
  const dropped = { slow: 0, unresponsive: 0 };

  function unfollow(conn: LiveConnection): void {
    if (conn.following === null) return;
    const key = sessionKey(conn.key.projectId, conn.following);
    const set = followers.get(key);
    set?.delete(conn);
    if (set?.size === 0) followers.delete(key);
    conn.following = null;
  }

  async function follow(conn: LiveConnection, sessionId: string): Promise<void> {
    unfollow(conn);
    const attempt = ++conn.followAttempt;
    if (!deps.config.rawSessionRetention) {
      conn.send({ type: 'error', error: 'raw_retention_disabled', message: 'raw session streams are not kept on this collector (ENABLE_RAW_SESSION_RETENTION is off): live follow is unavailable' });
      return;
    }
    const exists = await sessionExists(deps.store, conn.key.projectId, sessionId);
    if (attempt !== conn.followAttempt || !connections.has(conn)) return;
    if (!exists) {
      conn.send({ type: 'error', error: 'not_found', message: 'no such session' });
      return;
    }
    conn.following = sessionId;
    const key = sessionKey(conn.key.projectId, sessionId);
    const set = followers.get(key) ?? new Set<LiveConnection>();
    followers.set(key, set.add(conn));
    conn.send({ type: 'following', session: sessionId });
  }

  function onMessage(conn: LiveConnection, data: RawData, isBinary: boolean): void {
    const message = isBinary ? null : parseClientMessage(data.toString());
    if (!message) {
      conn.send({ type: 'error', error: 'invalid_payload', message: 'messages are JSON text frames' });
    } else if (message.type === 'error') {
      conn.send(message);
    } else if (message.type === 'unfollow') {
      conn.followAttempt++;
      unfollow(conn);
    } else {
      follow(conn, message.session).catch((error: unknown) => {
        deps.log.warn({ err: error }, 'live follow failed');
        conn.send({ type: 'error', error: 'not_found', message: 'the session could not be looked up; try again' });
      });
    }
  }

  function presenceOf(projectId: string) {
    return { type: 'presence' as const, scenes: presence.count(projectId, now()), at: now() };
  }

  function open(socket: WebSocket, key: ResolvedKey): void {
    const conn = createConnection(socket, key, {
      ...(options.maxBufferedBytes !== undefined ? { maxBufferedBytes: options.maxBufferedBytes } : {}),
      onDrop: (reason) => {
        dropped[reason]++;
        deps.log.info({ projectId: key.projectId, reason }, 'live client dropped');
      },
    });
    connections.add(conn);
    socket.on('message', (data, isBinary) => onMessage(conn, data, isBinary));
    socket.on('error', () => undefined);
    socket.once('close', () => {
      unfollow(conn);
      connections.delete(conn);
    });
    conn.send(presenceOf(key.projectId));
  }

  function deliver(batch: CommittedBatch): void {
    const key = sessionKey(batch.projectId, batch.sessionId);
    const previous = deliveries.get(key) ?? Promise.resolve();
    const next = previous
      .then(async () => {
        const events = await readBatchEvents(deps.store, deps.validators, batch);
        if (!events || events.length === 0) return;
        for (const conn of followers.get(key) ?? []) {
          conn.send({ type: 'events', session: batch.sessionId, seq: batch.seq, events });
        }
      })
      .catch((error: unknown) => deps.log.warn({ err: error }, 'live follow read failed'))
      .finally(() => {
        if (deliveries.get(key) === next) deliveries.delete(key);
      });
    deliveries.set(key, next);
  }

  function onCommit(batches: readonly CommittedBatch[]): void {
    const at = now();
    for (const b of batches) {
      presence.record(b.projectId, b.sessionId, b.sceneId, at);
      if (deps.config.rawSessionRetention && followers.has(sessionKey(b.projectId, b.sessionId))) deliver(b);
    }
  }

  function pushPresence(): void {
    presence.prune(now());
    const byProject = new Map<string, ReturnType<typeof presenceOf>>();
    for (const conn of connections) {
      let message = byProject.get(conn.key.projectId);
      if (!message) byProject.set(conn.key.projectId, (message = presenceOf(conn.key.projectId)));
      conn.send(message);
    }
  }

  async function closeRevoked(): Promise<void> {
    if (connections.size === 0) return;
    const open = [...connections];
    const active = await activeKeys(deps.store, [...new Map(open.map((c) => [c.key.keyId, c.key])).values()]);
    for (const conn of open) {
      if (!active.has(`${conn.key.projectId}/${conn.key.keyId}`)) conn.socket.close(1008, 'the key was revoked');
    }
  }

  function every(ms: number, fn: () => void): void {
    const timer = setInterval(fn, ms);
    timer.unref();
    timers.push(timer);
  }

  return {
    async start() {
      if (state !== 'idle') return;
      await feed.start();
      unsubscribe = feed.subscribe(onCommit);
      every(options.presenceIntervalMs ?? 2_000, pushPresence);
      every(options.heartbeatIntervalMs ?? 30_000, () => {
        for (const conn of connections) conn.heartbeat();
      });
      every(options.revalidateIntervalMs ?? 30_000, () => {
        closeRevoked().catch((error: unknown) => deps.log.warn({ err: error }, 'live key check failed'));
      });
      state = 'running';
    },
    committed(batches) {
      if (state === 'idle') return;
      feed.publish(batches.map((b) => ({ projectId: b.projectId, sessionId: b.sessionId, seq: b.seq, sceneId: b.sceneId })));
    },
    handleUpgrade(req, socket, head) {
      socket.on('error', () => undefined);
      const path = new URL(req.url ?? '/', 'http://collector').pathname;
      if (path !== LIVE_PATH) return refuse(socket, new HttpError(404, 'not_found', `no route for ${req.method ?? 'GET'} ${path}`));
      if (state !== 'running') return refuse(socket, new HttpError(503, 'unavailable', 'the collector is stopping', 1));
      if ((req.headers.upgrade ?? '').toLowerCase() !== 'websocket') return refuse(socket, new HttpError(400, 'invalid_payload', 'only WebSocket upgrades are served'));
      admitUpgrade(deps, req, Date.now()).then(
        (key) => {
          if (state !== 'running') return refuse(socket, new HttpError(503, 'unavailable', 'the collector is stopping', 1));
          wss.handleUpgrade(req, socket, head, (ws) => open(ws, key));
        },
        (error: unknown) => refuse(socket, refusalOf(error, deps)),
      );
    },
    async closeClients() {
      if (state === 'running') state = 'closing';
      const closed = [...connections].map(
        (conn) =>
          new Promise<void>((resolve) => {
            conn.socket.once('close', () => resolve());
            conn.socket.close(1001, 'the collector is stopping');
            setTimeout(() => conn.socket.terminate(), 2_000).unref();
          }),
      );
      await Promise.all(closed);
    },
    async stop() {
      state = 'closing';
      for (const timer of timers.splice(0)) clearInterval(timer);
      unsubscribe?.();
      for (const conn of connections) conn.socket.terminate();
      await Promise.allSettled([...deliveries.values()]);
      await feed.stop();
    },
    stats: () => ({ connections: connections.size, presenceSessions: presence.size(), dropped: { ...dropped } }),
  };
}
