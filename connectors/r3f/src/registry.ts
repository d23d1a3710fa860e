/**
 * The trackers running in each R3F root, so that tagging hooks can ask them to re-read ids
 * (`useTracked` tags an object that may already be indexed under its name or path).
 */
import type { RootStore } from '@react-three/fiber';
import type { SceneTracker } from '@vantage/three';

const trackers = new WeakMap<RootStore, Set<SceneTracker>>();

/** Register `tracker` as running in `store`; returns the function that unregisters it. */
export function addTracker(store: RootStore, tracker: SceneTracker): () => void {
  let set = trackers.get(store);
  if (!set) trackers.set(store, (set = new Set()));
  set.add(tracker);
  return () => set.delete(tracker);
}

/** Ask every tracker of `store` to re-read mesh ids. */
export function refreshTrackers(store: RootStore): void {
  for (const tracker of trackers.get(store) ?? []) tracker.refresh();
}
