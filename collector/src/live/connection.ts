/**
 * One live client: what it may see (its key's project), what it follows, and the two guards on
 * a socket. Backpressure: a client that does not read gets its messages queued in the socket;
 * past `maxBufferedBytes` it is dropped rather than buffered without bound. Heartbeat: a ping
 * each interval, and a client that did not answer the previous one is dropped.
 */
import WebSocket from 'ws';
import type { ResolvedKey } from '../tenants/key-resolver.js';
import type { ServerMessage } from './protocol.js';

/** A connected live client; see {@link createConnection}. */
export interface LiveConnection {
  readonly key: ResolvedKey;
  readonly socket: WebSocket;
  /** The followed session of the key's project, if any. */
  following: string | null;
  /** Bumped by every follow or unfollow, so a slower earlier follow cannot win. */
  followAttempt: number;
  /** Send `message`; false when the socket is not open or the client was dropped as too slow. */
  send(message: ServerMessage): boolean;
  /** Ping, or drop the client when it never answered the previous ping. */
  heartbeat(): void;
}

/** Guards of one socket. */
export interface ConnectionOptions {
  /** Most bytes waiting in the socket before the client is dropped (default 1 MiB). */
  maxBufferedBytes?: number;
  /** The client was dropped for not reading (`slow`) or not answering pings (`unresponsive`). */
  onDrop?: (reason: 'slow' | 'unresponsive') => void;
}

/** Wrap an open socket authenticated as `key`. */
export function createConnection(socket: WebSocket, key: ResolvedKey, options: ConnectionOptions = {}): LiveConnection {
  const maxBufferedBytes = options.maxBufferedBytes ?? 1024 * 1024;
  let answered = true;
  socket.on('pong', () => (answered = true));

  function drop(reason: 'slow' | 'unresponsive'): void {
    socket.terminate();
    options.onDrop?.(reason);
  }

  return {
    key,
    socket,
    following: null,
    followAttempt: 0,
    send(message) {
      if (socket.readyState !== WebSocket.OPEN) return false;
      if (socket.bufferedAmount > maxBufferedBytes) {
        drop('slow');
        return false;
      }
      socket.send(JSON.stringify(message));
      return true;
    },
    heartbeat() {
      if (socket.readyState !== WebSocket.OPEN) return;
      if (!answered) {
        drop('unresponsive');
        return;
      }
      answered = false;
      socket.ping();
    },
  };
}
