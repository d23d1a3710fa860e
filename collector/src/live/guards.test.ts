/**
 * The live hub's guards, with real sockets and shortened timings: a client that stops reading
 * is dropped once its queue passes the cap (memory stays bounded), a client that never answers
 * pings is dropped, one that does stays; a connection whose key is revoked is closed (1008).
 */
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { createApp } from '../http/app.js';
import type { AppDeps } from '../http/deps.js';
import type { AcceptedBatch } from '../ingest/types.js';
import { createLogger } from '../log.js';
import { createDeps } from '../server.js';
import { createKey, createProject, revokeKey } from '../tenants/projects.js';
import { useTestStore } from '../testing/harness.js';
import { openLive } from '../testing/live-client.js';
import { createLiveHub, type LiveHub, type LiveHubOptions } from './hub.js';

const MAX_BUFFERED = 256 * 1024;

async function waitUntil(condition: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`not true within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A bare WebSocket client over TCP: upgrades, then does only what the test makes it do. */
async function rawClient(port: number, sk: string): Promise<Socket> {
  const socket = connect(port, '127.0.0.1');
  await once(socket, 'connect');
  socket.write(
    [
      'GET /api/v1/live HTTP/1.1',
      `Host: 127.0.0.1:${port}`,
      'Upgrade: websocket',
      'Connection: Upgrade',
      `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
      'Sec-WebSocket-Version: 13',
      `Authorization: Bearer ${sk}`,
      '',
      '',
    ].join('\r\n'),
  );
  const [head] = (await once(socket, 'data')) as [Buffer];
  expect(head.toString()).toMatch(/^HTTP\/1\.1 101 /);
  return socket;
}

describe('live hub guards', () => {
  const testStore = useTestStore('embedded');
  let deps: AppDeps;
  let projectId = '';
  let sk = '';
  const stops: Array<() => Promise<void>> = [];

  beforeAll(async () => {
    deps = createDeps(loadConfig({ VANTAGE_DATA_DIR: tmpdir(), LOG_LEVEL: 'silent' }), testStore.store, createLogger('silent'));
    const { project, keys } = await createProject(testStore.store, { name: 'guards', privacyMode: 'standard', retentionDays: 90, allowedOrigins: [] }, 'test');
    projectId = project.id;
    sk = keys.find((k) => k.kind === 'sk')?.token ?? '';
  });

  afterAll(async () => {
    for (const stop of stops.reverse()) await stop();
    await deps?.keys.stop();
  });

  /** The app and a hub with `options` on an ephemeral port. */
  async function serve(options: LiveHubOptions): Promise<{ hub: LiveHub; port: number; url: string }> {
    const hub = createLiveHub(deps, options);
    await hub.start();
    const server: Server = createServer(createApp(deps).callback());
    server.on('upgrade', (req, socket, head) => hub.handleUpgrade(req, socket, head));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    stops.push(async () => {
      await hub.closeClients();
      await hub.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });
    return { hub, port, url: `http://127.0.0.1:${port}` };
  }

  it('drops a client that never answers pings, and keeps one that does', async () => {
    const { hub, port, url } = await serve({ heartbeatIntervalMs: 150 });
    const silent = await rawClient(port, sk);
    silent.resume(); // reads (and ignores) everything, but never answers a ping
    const closed = once(silent, 'close');
    const polite = await openLive(url, { key: sk });
    await closed;
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(polite.socket.readyState).toBe(polite.socket.OPEN);
    expect(hub.stats()).toMatchObject({ connections: 1, dropped: { unresponsive: 1, slow: 0 } });
    polite.socket.close();
  });

  it('drops a client that stops reading once its queue passes the cap, and keeps a reader', async () => {
    const { hub, port, url } = await serve({ presenceIntervalMs: 20, maxBufferedBytes: MAX_BUFFERED });
    // Thousands of scenes make each presence message ~100 KB, every 20 ms.
    const batches = Array.from({ length: 4000 }, (_, i) => ({ projectId, sessionId: `crowd_${i}`, seq: 0, sceneId: `scene-number-${i}` }));
    hub.committed(batches as unknown as AcceptedBatch[]);
    const reader = await openLive(url, { key: sk });
    const stalled = await rawClient(port, sk);
    stalled.pause();
    await waitUntil(() => hub.stats().dropped.slow === 1, 20_000);
    expect(hub.stats().connections).toBe(1);
    expect(reader.socket.readyState).toBe(reader.socket.OPEN);
    const last = reader.messages.at(-1);
    expect(last?.type === 'presence' && Object.keys(last.scenes).length).toBe(4000);
    stalled.destroy();
    reader.socket.close();
  });

  it('closes a connection with 1008 once its key is revoked', async () => {
    const { url } = await serve({ revalidateIntervalMs: 200 });
    const key = await createKey(testStore.store, projectId, 'sk', 'to revoke', 'test');
    const client = await openLive(url, { key: key.token });
    await revokeKey(testStore.store, projectId, key.id, 'test');
    expect(await client.closed).toEqual({ code: 1008, reason: 'the key was revoked' });
  });
});
