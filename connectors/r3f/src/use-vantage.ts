/** `useVantage()`: the app's handle on the capture that `<VantageAnalytics>` runs. */
import { createContext, useContext } from 'react';
import type { CustomProps, Identity, VantageClient } from '@vantage/sdk-core';
import type { SceneTracker } from '@vantage/three';

/** What {@link useVantage} returns. The functions are stable across renders. */
export interface VantageHandle {
  /**
   * Send a custom event (`name`: letters, digits, `_ . : / -`, ≤ 64; JSON `props`). Calls made
   * before capture started (a child's mount effect runs before its parent's) are held and sent
   * at the start, up to 100; after a stop, or when capture is off (opt-out), they do nothing.
   */
  track(name: string, props?: CustomProps): void;
  /** Set or clear the app-supplied ids sent with the following batches (see sdk-core's `identify`). */
  identify(identity: Identity): void;
  /** The sdk-core client, for typed channels and stats; `undefined` until capture started (after the first commit). */
  readonly client: VantageClient | undefined;
  /** The `@vantage/three` tracker underneath (`pick(object)`, `refresh()`); `undefined` until started. */
  readonly tracker: SceneTracker | undefined;
}

/** Filled by `<VantageAnalytics>` for its children. */
export const VantageContext = createContext<VantageHandle | null>(null);

/**
 * The capture of the nearest `<VantageAnalytics>` above: `{ track, identify, client, tracker }`.
 * Throws `Vantage: useVantage() must be used inside <VantageAnalytics>` elsewhere.
 */
export function useVantage(): VantageHandle {
  const handle = useContext(VantageContext);
  if (handle === null) throw new Error('Vantage: useVantage() must be used inside <VantageAnalytics>');
  return handle;
}
