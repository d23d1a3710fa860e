/**
 * Test client of `WS /api/v1/live` (not part of the build): opens a real WebSocket with a key,
 * a live token or an origin, keeps every message, and waits for the ones a test expects. A
 * refused upgrade is read as the HTTP answer it is.
 */
import WebSocket from 'ws';
import type { ServerMessage } from '../live/protocol.js';

/** How to connect. */
export interface LiveConnectOptions {
  /** Sent as `Authorization: Bearer …`. */
  key?: string;
  /** Sent as `?token=`. */
  token?: string;
  /** Sent as `Origin` (a browser's). */
  origin?: string;
  /** Default `/api/v1/live`. */
  path?: string;
}

/** An open live connection. */
export interface LiveClient {
  socket: WebSocket;
  /** Every message received, in order. */
  messages: ServerMessage[];
  /** The first message matching `match` not returned before (waiting up to `timeoutMs`). */
  next<T extends ServerMessage = ServerMessage>(match: (m: ServerMessage) => boolean, timeoutMs?: number): Promise<T>;
  send(message: unknown): void;
  /** Resolves with the close code and reason once the socket closed. */
  closed: Promise<{ code: number; reason: string }>;
}

/** A refused upgrade: its HTTP status and JSON body. */
export interface Refusal {
  status: number;
  body: { error?: string; message?: string };
}

function target(baseUrl: string, options: LiveConnectOptions): { url: string; headers: Record<string, string> } {
  const url = new URL(options.path ?? '/api/v1/live', baseUrl.replace(/^http/, 'ws'));
  if (options.token !== undefined) url.searchParams.set('token', options.token);
  const headers: Record<string, string> = {};
  if (options.key !== undefined) headers.Authorization = `Bearer ${options.key}`;
  if (options.origin !== undefined) headers.Origin = options.origin;
  return { url: url.toString(), headers };
}

/** Open a live connection; rejects with a {@link Refusal} when the upgrade is refused. */
export function openLive(baseUrl: string, options: LiveConnectOptions): Promise<LiveClient> {
  const { url, headers } = target(baseUrl, options);
  const socket = new WebSocket(url, { headers });
  const messages: ServerMessage[] = [];
  const returned = new Set<number>();
  const waiters = new Set<() => void>();
  socket.on('message', (data) => {
    messages.push(JSON.parse(data.toString()) as ServerMessage);
    for (const wake of [...waiters]) wake();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  const client: LiveClient = {
    socket,
    messages,
    closed,
    send: (message) => socket.send(JSON.stringify(message)),
    next<T extends ServerMessage>(match: (m: ServerMessage) => boolean, timeoutMs = 5_000): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        const look = (): boolean => {
          const index = messages.findIndex((m, i) => !returned.has(i) && match(m));
          if (index < 0) return false;
          returned.add(index);
          resolve(messages[index] as T);
          return true;
        };
        if (look()) return;
        const timer = setTimeout(() => {
          waiters.delete(wake);
          reject(new Error(`no matching live message in ${timeoutMs} ms; got ${JSON.stringify(messages).slice(0, 2000)}`));
        }, timeoutMs);
        const wake = () => {
          if (look()) {
            clearTimeout(timer);
            waiters.delete(wake);
          }
        };
        waiters.add(wake);
      });
    },
  };
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve(client));
    socket.once('unexpected-response', (_request, response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString()));
      response.on('end', () => {
        let body: Refusal['body'] = {};
        try {
          body = JSON.parse(text) as Refusal['body'];
        } catch {
          // Not JSON: the test will say so.
        }
        reject(Object.assign(new Error(`upgrade refused: ${response.statusCode} ${text}`), { status: response.statusCode ?? 0, body }));
      });
    });
    socket.once('error', reject);
  });
}

/** The refusal of an upgrade that must be refused (throws if it opens). */
export async function refusedUpgrade(baseUrl: string, options: LiveConnectOptions): Promise<Refusal> {
  try {
    const client = await openLive(baseUrl, options);
    client.socket.close();
  } catch (error) {
    const refusal = error as Partial<Refusal>;
    if (typeof refusal.status === 'number') return { status: refusal.status, body: refusal.body ?? {} };
    throw error;
  }
  throw new Error('the upgrade was accepted');
}

/** Whether no message matching `match` arrives within `ms` (after those already received). */
export async function nothingArrives(client: LiveClient, match: (m: ServerMessage) => boolean, ms: number): Promise<ServerMessage[]> {
  const from = client.messages.length;
  await new Promise((resolve) => setTimeout(resolve, ms));
  return client.messages.slice(from).filter(match);
}
