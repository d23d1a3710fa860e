/**
 * An HTTP forwarding proxy in front of a real server, for delivery tests: it forwards requests
 * unchanged, or — as its rule decides per request — answers them itself (a `429` with
 * `Retry-After`, a `503`, a `400`…) or drops the connection; it can also stop listening
 * altogether (connection refused) and come back on the same port. Every request is logged.
 *
 * Answers it makes itself carry a CORS grant for the request's origin (as the collector's own
 * error answers do), unless the rule says otherwise, so a browser can read their status.
 */
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** One request as the proxy saw it. */
export interface ProxiedRequest {
  /** 0-based arrival order. */
  index: number;
  method: string;
  /** Path and query. */
  url: string;
  /** Path without query. */
  path: string;
  /** Arrival time (`Date.now()`). */
  at: number;
  headers: IncomingMessage['headers'];
  /** The request body. */
  body: Buffer;
  /** What the proxy did with it. */
  action: 'forward' | 'respond' | 'drop';
  /** The target answered but the browser never got it (cut, or it gave up waiting). */
  answerLost: boolean;
  /** The status the browser got (0 for a dropped connection, until forwarded answers arrive). */
  status: number;
}

/** What to do with one request. */
export type ProxyAction =
  /**
   * Forward to the target, after `delayMs`. With `answerDelayMs` the target's answer is held
   * that long (a client with a shorter timeout gives up: the batch is stored but never
   * acknowledged). With `loseAnswer` the browser's connection is cut instead of answered — note
   * that Chromium then resends the request by itself when the connection was a reused one.
   */
  | { kind: 'forward'; delayMs?: number; answerDelayMs?: number; loseAnswer?: boolean }
  | { kind: 'respond'; status: number; headers?: Record<string, string>; body?: string; cors?: boolean }
  | { kind: 'drop' };

/** Decides per request; called once the whole request body has arrived. */
export type ProxyRule = (request: ProxiedRequest) => ProxyAction;

/** A running proxy. */
export interface FaultProxy {
  /** `http://127.0.0.1:<port>` — give this to the client as its endpoint. */
  url: string;
  /** Every request so far. */
  requests: ProxiedRequest[];
  /** Replace the rule (default: forward everything). */
  setRule(rule: ProxyRule): void;
  /** Stop listening and cut open connections: the browser sees "connection refused". */
  down(): Promise<void>;
  /** Listen again on the same port. */
  up(): Promise<void>;
  close(): Promise<void>;
}

/** Forward everything. */
export const forwardAll: ProxyRule = () => ({ kind: 'forward' });

function readAll(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Start a proxy to `target` (`http://127.0.0.1:<port>`) on an ephemeral port of 127.0.0.1. */
export async function startFaultProxy(target: string, initialRule: ProxyRule = forwardAll): Promise<FaultProxy> {
  const targetUrl = new URL(target);
  const requests: ProxiedRequest[] = [];
  const sockets = new Set<Socket>();
  let rule = initialRule;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readAll(req);
    const url = req.url ?? '/';
    const record: ProxiedRequest = {
      index: requests.length,
      method: req.method ?? 'GET',
      url,
      path: url.split('?')[0] ?? url,
      at: Date.now(),
      headers: req.headers,
      body,
      action: 'forward',
      answerLost: false,
      status: 0,
    };
    requests.push(record);
    const action = rule(record);
    record.action = action.kind;
    if (action.kind === 'drop') {
      req.socket.destroy();
      return;
    }
    if (action.kind === 'respond') {
      const headers: Record<string, string> = { 'Content-Type': 'application/json', ...action.headers };
      const origin = req.headers.origin;
      if (action.cors !== false && typeof origin === 'string') {
        headers['Access-Control-Allow-Origin'] = origin;
        headers['Access-Control-Expose-Headers'] = 'Retry-After';
        headers.Vary = 'Origin';
      }
      record.status = action.status;
      res.writeHead(action.status, headers);
      res.end(action.body ?? '');
      return;
    }
    if (action.delayMs) await new Promise((resolve) => setTimeout(resolve, action.delayMs));
    const upstream = httpRequest(
      { host: targetUrl.hostname, port: targetUrl.port, method: record.method, path: url, headers: { ...req.headers, host: targetUrl.host } },
      (answer) => {
        if (action.loseAnswer) {
          record.answerLost = true;
          answer.resume();
          answer.on('end', () => req.socket.destroy());
          return;
        }
        readAll(answer)
          .then(async (payload) => {
            if (action.answerDelayMs) await new Promise((resolve) => setTimeout(resolve, action.answerDelayMs));
            if (res.destroyed || req.socket.destroyed) {
              record.answerLost = true;
              return;
            }
            record.status = answer.statusCode ?? 0;
            res.writeHead(record.status, answer.headers);
            res.end(payload);
          })
          .catch(() => req.socket.destroy());
      },
    );
    upstream.on('error', () => req.socket.destroy());
    upstream.end(body);
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => req.socket.destroy());
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  async function stopListening(): Promise<void> {
    if (!server.listening) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of sockets) socket.destroy();
    await closed;
  }

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    setRule(next) {
      rule = next;
    },
    down: stopListening,
    async up() {
      if (server.listening) return;
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, '127.0.0.1', () => {
          server.off('error', reject);
          resolve();
        });
      });
    },
    close: stopListening,
  };
}
