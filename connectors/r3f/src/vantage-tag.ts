/**
 * Declarative mesh tagging for React Three Fiber: the JSX face of `@vantage/three`'s `tagObject`.
 */
// The mesh-id module alone: the package root would load three.js and the connector (not SSR-safe to need).
import { assertMeshId, MESH_ID_KEY } from '@vantage/three/mesh-id';

/** The props {@link vantageTag} returns: a `userData` object carrying the mesh id. */
export interface VantageTagProps {
  readonly userData: { readonly vantageId: string; readonly [key: string]: unknown };
}

/**
 * Props that give an R3F object an explicit, stable Vantage id: spread them into JSX,
 * `<mesh {...vantageTag('sofa-cushion')} />`, or on a `<group>` to name a whole part (descendants
 * without their own tag take it; see `meshIdOf` in `@vantage/three`).
 *
 * Spreading sets the whole `userData` prop, so pass any `userData` of your own as the second
 * argument (default none) instead of beside the spread; the tag wins over a `vantageId` in it.
 * The id is validated like `tagObject`'s (1–128 characters, no control characters) and a bad one
 * throws a `Vantage:` error during render, where the mistake is made.
 */
export function vantageTag(id: string, userData?: Readonly<Record<string, unknown>>): VantageTagProps {
  assertMeshId(id, 'vantageTag');
  return { userData: { ...userData, [MESH_ID_KEY]: id } as VantageTagProps['userData'] };
}
