/**
 * Every option of the client and of the three.js connector is a prop of `<VantageAnalytics>` and
 * reaches `createClient` or `trackScene`; callbacks are called in their latest version (a new
 * inline function restarts nothing); the store supplies scene, renderer, camera, R3F's pointer
 * and raycaster, and the frames come from `useFrame`.
 */
import { LoadingManager, type Object3D } from 'three';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { VantageEvent } from '@vantage/sdk-core/schema';
import { render, tick, type TestRoot } from './test-support.js';

const spies = vi.hoisted(() => ({ createClient: [] as unknown[], trackScene: [] as unknown[] }));
vi.mock('@vantage/sdk-core', async (importOriginal) => {
  const actual = await importOriginal<typeof import('@vantage/sdk-core')>();
  return { ...actual, createClient: (o: Parameters<typeof actual.createClient>[0]) => (spies.createClient.push(o), actual.createClient(o)) };
});
vi.mock('@vantage/three', async (importOriginal) => {
  const actual = await importOriginal<typeof import('@vantage/three')>();
  return { ...actual, trackScene: (o: Parameters<typeof actual.trackScene>[0]) => (spies.trackScene.push(o), actual.trackScene(o)) };
});
const { VantageAnalytics } = await import('./index.js');

let root: TestRoot | undefined;
afterEach(async () => {
  await root?.renderer.unmount();
  root = undefined;
  await tick();
});

describe('option forwarding', () => {
  it('passes every client option and every connector option on, the store’s parts and R3F’s pointer and raycaster with them', async () => {
    const loadingManager = new LoadingManager();
    const seen: string[] = [];
    const props = {
      endpoint: 'http://127.0.0.1:9',
      publishableKey: 'pk_forward',
      sceneId: 'forward',
      // createClient's
      ignoreOptOut: true,
      beforeSend: (e: VantageEvent) => (seen.push(`beforeSend:${e.type}`), e),
      onConfig: () => seen.push('onConfig'),
      sdk: 'shop/2.1',
      flushAt: 7,
      flushIntervalMs: 600_000,
      maxQueueEvents: 900,
      maxBatchEvents: 90,
      maxBatchBytes: 20_000,
      inactivityTimeoutMs: 60_000,
      requestTimeoutMs: 100,
      anonymousId: 'anon-1',
      userId: 'user-1',
      // trackScene's
      cameraIntervalMs: 150,
      pointerIntervalMs: 120,
      hoverThresholdMs: 400,
      perfWindowMs: 2000,
      visibilityStepMs: 200,
      visibilityWindowMs: 5000,
      maxVisibilityMeshes: 50,
      resourceIntervalMs: 3000,
      maxErrorsPerMinute: 5,
      loadingManager,
      include: (o: Object3D) => (seen.push('include'), o.name !== 'hidden'),
      registerProxy: false,
      // both
      onError: () => seen.push('onError'),
    };
    root = await render(<VantageAnalytics {...props} />);
    const state = root.state();
    expect(spies.createClient).toHaveLength(1);
    expect(spies.trackScene).toHaveLength(1);
    const client = spies.createClient[0] as Record<string, unknown>;
    const track = spies.trackScene[0] as Record<string, unknown>;
    expect(client).toMatchObject({ endpoint: props.endpoint, key: 'pk_forward', sceneId: 'forward', ignoreOptOut: true, sdk: 'shop/2.1', flushAt: 7, flushIntervalMs: 600_000, maxQueueEvents: 900, maxBatchEvents: 90, maxBatchBytes: 20_000, inactivityTimeoutMs: 60_000, requestTimeoutMs: 100, anonymousId: 'anon-1', userId: 'user-1' });
    expect(track).toMatchObject({ cameraIntervalMs: 150, pointerIntervalMs: 120, hoverThresholdMs: 400, perfWindowMs: 2000, visibilityStepMs: 200, visibilityWindowMs: 5000, maxVisibilityMeshes: 50, resourceIntervalMs: 3000, maxErrorsPerMinute: 5, registerProxy: false, frames: 'manual' });
    expect(track.loadingManager).toBe(loadingManager);
    expect(track.scene).toBe(state.scene);
    expect(track.renderer).toBe(state.gl);
    expect(track.raycaster).toBe(state.raycaster);
    expect(track.pointer).toBe(state.pointer);
    expect(track.client).toBeDefined();
    // No connector option leaks into the client, nor the reverse.
    expect(Object.keys(client)).not.toContain('pointerIntervalMs');
    expect(Object.keys(track)).not.toContain('flushAt');
    // Callbacks arrive wrapped, and call the app's.
    (client.beforeSend as (e: VantageEvent) => unknown)({ type: 'custom', t: 0, name: 'x' } as VantageEvent);
    (client.onConfig as (c: unknown) => void)({});
    (track.include as (o: unknown) => boolean)({ name: 'x' });
    (track.onError as (e: unknown) => void)(new Error('x'));
    (client.onError as (e: unknown) => void)(new Error('y'));
    expect(seen).toEqual(expect.arrayContaining(['beforeSend:custom', 'onConfig', 'include', 'onError']));
    expect(seen.filter((s) => s === 'onError').length).toBeGreaterThanOrEqual(2);
    // A re-render with new inline callbacks restarts nothing; a new scene id restarts capture.
    await root.renderer.update(<VantageAnalytics {...props} beforeSend={(e: VantageEvent) => e} onError={() => undefined} />);
    await tick();
    expect(spies.createClient).toHaveLength(1);
    await root.renderer.update(<VantageAnalytics {...props} sceneId="forward-2" />);
    await tick();
    expect(spies.createClient).toHaveLength(2);
    expect((spies.createClient[1] as Record<string, unknown>).sceneId).toBe('forward-2');
  });
});
