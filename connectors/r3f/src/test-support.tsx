/**
 * Shared by the unit tests: an R3F root from `@react-three/test-renderer` whose canvas is a real
 * `EventTarget` (so the connector's listeners hear dispatched pointer events), and a real
 * sdk-core client whose events are recorded through `beforeSend` (its collector is a closed port).
 */
import { create } from '@react-three/test-renderer';
import { _roots, type RootState } from '@react-three/fiber';
import type { ReactNode } from 'react';
import type { VantageEvent } from '@vantage/sdk-core/schema';
import { Vector3, type Object3D } from 'three';

/** Options every test's `<VantageAnalytics>` takes: a closed port, no opt-out, no timer flushes. */
export const CLIENT = { endpoint: 'http://127.0.0.1:9', publishableKey: 'pk_test', ignoreOptOut: true, flushIntervalMs: 600_000, requestTimeoutMs: 100 } as const;

/** A test root: the renderer, its store's state, its canvas, and input helpers. */
export interface TestRoot {
  renderer: Awaited<ReturnType<typeof create>>;
  canvas: EventTarget;
  state(): RootState;
  /** Run `n` R3F frames (the `useFrame` subscribers), after updating world matrices as a render would. */
  frames(n: number): Promise<void>;
  /** Where `object`'s world centre is, in NDC, through the store's camera. */
  ndcOf(object: Object3D): { x: number; y: number };
  /** A press and release on the canvas, with R3F's pointer at (x, y) NDC as its event system would set it. */
  click(x: number, y: number): void;
}

export async function render(element: ReactNode): Promise<TestRoot> {
  const target = new EventTarget();
  let canvas: EventTarget = target;
  const renderer = await create(element, {
    width: 800,
    height: 600,
    beforeReturn(canvasElement: HTMLCanvasElement) {
      const c = canvasElement as unknown as Record<string, unknown>;
      c.addEventListener = target.addEventListener.bind(target);
      c.removeEventListener = target.removeEventListener.bind(target);
      c.dispatchEvent = target.dispatchEvent.bind(target);
      c.getBoundingClientRect = () => ({ left: 0, top: 0, width: 800, height: 600, right: 800, bottom: 600, x: 0, y: 0 });
      canvas = c as unknown as EventTarget;
    },
  });
  const store = _roots.get(canvas as unknown as HTMLCanvasElement)?.store;
  if (!store) throw new Error('no R3F root for the test canvas');
  const state = (): RootState => store.getState();
  const root: TestRoot = {
    renderer,
    canvas,
    state,
    async frames(n) {
      for (let i = 0; i < n; i++) {
        const s = state();
        s.scene.updateMatrixWorld(true);
        s.camera.updateMatrixWorld(true);
        await renderer.advanceFrames(1, 1 / 60);
        // Frames are at least a pointer interval apart in time, as in a browser at 10 Hz and up.
        await new Promise((resolve) => setTimeout(resolve, 4));
      }
    },
    ndcOf(object) {
      const s = state();
      s.scene.updateMatrixWorld(true);
      s.camera.updateMatrixWorld(true);
      const v = object.getWorldPosition(new Vector3()).project(s.camera);
      return { x: v.x, y: v.y };
    },
    click(x, y) {
      const s = state();
      s.pointer.set(x, y);
      const event = (type: string) => Object.assign(new Event(type), { clientX: 400, clientY: 300, button: 0 });
      canvas.dispatchEvent(event('pointerdown'));
      canvas.dispatchEvent(event('pointerup'));
    },
  };
  return root;
}

/** Records every event a client hands to `beforeSend` (automatic ones included). */
export function recorder(): { events: VantageEvent[]; beforeSend: (event: VantageEvent) => VantageEvent; of<T extends VantageEvent['type']>(type: T): Array<Extract<VantageEvent, { type: T }>> } {
  const events: VantageEvent[] = [];
  return {
    events,
    beforeSend(event) {
      events.push(event);
      return event;
    },
    of(type) {
      return events.filter((e) => e.type === type) as never;
    },
  };
}

/** Let deferred work run (the connector's deferred stop is a zero-delay task). */
export const tick = (ms = 10): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
