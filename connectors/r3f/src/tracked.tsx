/**
 * Declarative tagging: `<Tracked id>` around a part, `useTracked(ref, id)` on an object of one's
 * own. Both set `userData.vantageId` (as `@vantage/three`'s `tagObject` does), so every mesh below
 * counts under the id unless it has a tag of its own.
 */
import { context } from '@react-three/fiber';
import { useContext, useLayoutEffect, type ReactNode, type RefObject } from 'react';
import type { Object3D } from 'three';
import { assertMeshId, invalidateMeshIds, MESH_ID_KEY } from '@vantage/three/mesh-id';
import { refreshTrackers } from './registry.js';
import { vantageTag } from './vantage-tag.js';

/** Props of {@link Tracked}. */
export interface TrackedProps {
  /** The id every mesh below takes (unless tagged itself): 1–128 characters, no control characters. */
  id: string;
  children?: ReactNode;
}

/**
 * A `<group>` whose meshes count as `id`: `<Tracked id="sofa-cushion"><mesh … /></Tracked>`.
 * An invalid id throws a `Vantage:` error during render.
 */
export function Tracked({ id, children }: TrackedProps): ReactNode {
  return <group {...vantageTag(id)}>{children}</group>;
}

/**
 * Tag the object in `ref` with `id` while the component is mounted (the previous tag, if any, is
 * put back on unmount), and have running `<VantageAnalytics>` trackers re-read ids. Inside
 * `<Canvas>` only; an invalid id throws a `Vantage:` error during render.
 */
export function useTracked(ref: RefObject<Object3D | null>, id: string): void {
  const store = useContext(context);
  if (store === null) throw new Error('Vantage: useTracked() must be used inside <Canvas>');
  assertMeshId(id, 'useTracked');
  useLayoutEffect(() => {
    const object = ref.current;
    if (!object) {
      console.warn(`Vantage: useTracked(ref, ${JSON.stringify(id)}): the ref holds no object`);
      return;
    }
    const had = Object.prototype.hasOwnProperty.call(object.userData, MESH_ID_KEY);
    const previous: unknown = object.userData[MESH_ID_KEY];
    object.userData[MESH_ID_KEY] = id;
    invalidateMeshIds(object);
    refreshTrackers(store);
    return () => {
      if (had) object.userData[MESH_ID_KEY] = previous;
      else delete object.userData[MESH_ID_KEY];
      invalidateMeshIds(object);
      refreshTrackers(store);
    };
  }, [ref, id, store]);
}
