/**
 * The ingest baseline, forked by `ingest.ts`: a bare `node:http` server in one process that reads
 * each body, decodes it as the collector does (msgpackr, or UTF-8 + JSON.parse) and answers
 * `202 {accepted, dropped}` — no framework, no validation, no storage. It listens on a free port
 * of 127.0.0.1 when asked and answers with the port; SIGTERM closes it.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseJsonBody, unpackBody } from './body-decoding.js';
import { serveOneJob } from './worker-side.js';
import type { BareServerReady } from './worker-protocol.js';

function eventCount(value: unknown): number {
  const events = value !== null && typeof value === 'object' ? (value as { events?: unknown }).events : undefined;
  return Array.isArray(events) ? events.length : 0;
}

function answer(res: ServerResponse, status: number, body: object): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function handle(req: IncomingMessage, res: ServerResponse): void {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    const json = (req.headers['content-type'] ?? '').includes('json');
    try {
      const accepted = eventCount(json ? parseJsonBody(body) : unpackBody(body));
      answer(res, 202, { accepted, dropped: {} });
    } catch {
      answer(res, 400, { error: 'invalid_payload', message: 'the body cannot be decoded' });
    }
  });
}

const server = createServer(handle);
server.keepAliveTimeout = 65_000;
process.on('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});

serveOneJob<unknown, BareServerReady>(
  () =>
    new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve({ port: (server.address() as AddressInfo).port }));
    }),
  { keepRunning: true },
);
