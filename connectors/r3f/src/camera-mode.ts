/**
 * How the visitor moves the camera, read from the controls in React Three Fiber's store
 * (`state.controls`, which drei's `makeDefault` and `set({ controls })` fill), never from the
 * camera's class: an orbit viewer and a first-person walk both use a `PerspectiveCamera`.
 */

/** `orbit`: the camera turns around a target (OrbitControls, MapControls, TrackballControls,
 * camera-controls); `first-person`: the camera is the visitor's head (PointerLockControls,
 * FirstPersonControls, FlyControls); `none`: no controls in the store, or unknown ones. */
export type CameraMode = 'orbit' | 'first-person' | 'none';

type Loose = Record<string, unknown>;

/** The {@link CameraMode} of `controls` (duck-typed on what each family has; never throws). */
export function cameraModeOf(controls: unknown): CameraMode {
  if (controls === null || typeof controls !== 'object') return 'none';
  const c = controls as Loose;
  if (typeof c.lock === 'function' || typeof c.isLocked === 'boolean' || typeof c.lookSpeed === 'number' || typeof c.rollSpeed === 'number') return 'first-person';
  const target = c.target as { isVector3?: unknown } | undefined;
  if ((target !== null && typeof target === 'object' && target.isVector3 === true) || typeof c.getTarget === 'function' || typeof c.setLookAt === 'function') return 'orbit';
  return 'none';
}

/**
 * Whether the visitor aims with the centre of the view now: first-person controls with the
 * pointer locked (`controls.isLocked`, or the document's pointer-lock element set). Unlocked
 * first-person controls (FirstPersonControls steers by where the pointer is) aim with the pointer.
 */
export function aimsAtCentre(controls: unknown): boolean {
  if (cameraModeOf(controls) !== 'first-person') return false;
  if ((controls as Loose).isLocked === true) return true;
  return typeof document !== 'undefined' && document.pointerLockElement != null;
}
