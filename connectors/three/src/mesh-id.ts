/**
 * Stable mesh ids. Every event about a mesh names it by an id that survives page reloads, so
 * aggregates from different sessions add up and an unnamed mesh never costs an event.
 *
 * Resolution order for `meshIdOf(object, root)`:
 *
 * 1. an explicit tag (`userData.vantageId`, set by {@link tagObject}) on the object itself, else
 *    on its nearest tagged ancestor (up to and including `root`): tagging a Group names the whole
 *    part, so a click on any of its sub-meshes counts for the part. A mesh's own tag beats the
 *    ancestor's;
 * 2. else the object's own `name`, when it is a valid id (see {@link isValidMeshId});
 * 3. else a path of child indices from the nearest named ancestor: `Sofa/2/0` is child 0 of
 *    child 2 of the object named `Sofa`. With no named ancestor the path starts at `root` (or at
 *    the top of the graph) and begins with `/`: `/3/1`. An unnamed, parentless object is `/`.
 *
 * The same scene graph built again (a reload) gives the same ids. Two distinct unnamed meshes get
 * distinct ids unless their nearest named ancestors share a name: name groups uniquely or tag
 * them. Named meshes share an id when they share a name — the name is the id.
 *
 * Ids are cached per object: after the first call `meshIdOf` is two WeakMap reads and allocates
 * nothing. When the graph changes in a way that changes ids (a child added, removed or reordered,
 * an object renamed or re-parented), call {@link invalidateMeshIds} on the object whose children
 * or name changed; {@link tagObject} invalidates for you. As a cheap safety net, a cached id is
 * recomputed when the object's own parent changed since it was cached.
 */
import type { Object3D } from 'three';
import { MAX_MESH_ID_LENGTH } from '@vantage/sdk-core';

/** The `userData` key that holds an explicit mesh id tag. */
export const MESH_ID_KEY = 'vantageId';

/** C0 and C1 control characters, including DEL. */
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * Whether `id` can be a mesh id on the wire: a string of 1–128 UTF-16 code units with no control
 * characters. Never throws; safe in the render loop.
 */
export function isValidMeshId(id: unknown): id is string {
  return typeof id === 'string' && id.length >= 1 && id.length <= MAX_MESH_ID_LENGTH && !CONTROL_CHARS.test(id);
}

/**
 * Throws a `Vantage:` error naming what is wrong unless `id` is a valid mesh id
 * ({@link isValidMeshId}). For setup-time APIs (`tagObject`, R3F's `vantageTag`), never for the
 * render loop. `caller` names the API in the message.
 */
export function assertMeshId(id: unknown, caller = 'tagObject'): asserts id is string {
  if (typeof id !== 'string') {
    throw new TypeError(`Vantage: ${caller} needs a string id, got ${id === null ? 'null' : typeof id}`);
  }
  if (id.length < 1 || id.length > MAX_MESH_ID_LENGTH) {
    throw new RangeError(
      `Vantage: ${caller} needs an id of 1–${MAX_MESH_ID_LENGTH} characters, got ${id.length}`,
    );
  }
  if (CONTROL_CHARS.test(id)) {
    throw new RangeError(`Vantage: ${caller} id ${JSON.stringify(id)} contains control characters`);
  }
}

interface CacheEntry {
  id: string;
  /** The `root` the id was resolved against (`null`: the top of the graph). */
  root: Object3D | null;
  /** The object's parent when the id was resolved. */
  parent: Object3D | null;
}

let cache = new WeakMap<Object3D, CacheEntry>();
/** Objects with an invalid tag that were already warned about (warn once, never throw). */
const warnedTags = new WeakSet<Object3D>();

/**
 * Gives `object` (a mesh, or a Group to name a whole part) an explicit, stable id. The tag
 * applies to the object and to every descendant without a tag of its own. Stored in
 * `object.userData.vantageId`; the cached ids of the object and its descendants are forgotten.
 * Returns the object, so `scene.add(tagObject(mesh, 'sofa-cushion'))` reads well.
 *
 * Throws a `Vantage:` error on a non-object or an invalid id: it runs at setup, not per frame.
 */
export function tagObject<T extends Object3D>(object: T, id: string): T {
  if (object === null || typeof object !== 'object' || (object as { isObject3D?: unknown }).isObject3D !== true) {
    throw new TypeError('Vantage: tagObject(object, id) needs a three.js Object3D');
  }
  assertMeshId(id, 'tagObject');
  object.userData[MESH_ID_KEY] = id;
  invalidateMeshIds(object);
  return object;
}

/**
 * The stable id of `object` (resolution order in this module's doc). `root` is the scene (or
 * model) the ids are relative to: ancestor tags above it are ignored and root-anchored paths
 * start at it; when omitted, or when `object` is not below `root`, the top of the graph is used.
 *
 * Hot path: after the first call for an object it allocates nothing, and it never throws.
 */
export function meshIdOf(object: Object3D, root?: Object3D): string {
  const r = root ?? null;
  const entry = cache.get(object);
  if (entry !== undefined && entry.root === r && entry.parent === object.parent) return entry.id;
  const id = resolveId(object, r);
  if (entry === undefined) {
    cache.set(object, { id, root: r, parent: object.parent });
  } else {
    entry.id = id;
    entry.root = r;
    entry.parent = object.parent;
  }
  return id;
}

/**
 * Forgets cached ids after the graph changed. With an object: that object and its descendants
 * (call it on the parent whose children were added, removed or reordered, or on an object that
 * was renamed or re-tagged). With no argument: every cached id.
 */
export function invalidateMeshIds(object?: Object3D): void {
  if (object === undefined) {
    cache = new WeakMap();
    return;
  }
  object.traverse((o) => {
    cache.delete(o);
  });
}

function resolveId(object: Object3D, root: Object3D | null): string {
  for (let o: Object3D | null = object; o !== null; o = o === root ? null : o.parent) {
    const tag: unknown = o.userData?.[MESH_ID_KEY];
    if (tag === undefined) continue;
    if (isValidMeshId(tag)) return tag;
    if (!warnedTags.has(o)) {
      warnedTags.add(o);
      console.warn(`Vantage: ignoring invalid userData.${MESH_ID_KEY} on "${o.name}"`);
    }
  }
  if (isValidMeshId(object.name)) return object.name;
  return fitId(pathOf(object, root));
}

/** Child indices from the nearest validly named ancestor (`Name/i/j`) or from the root (`/i/j`). */
function pathOf(object: Object3D, root: Object3D | null): string {
  const indices: number[] = [];
  let anchor = '';
  for (let o = object; ; ) {
    if (o !== object && isValidMeshId(o.name)) {
      anchor = o.name;
      break;
    }
    const parent = o.parent;
    if (o === root || parent === null) break;
    indices.push(parent.children.indexOf(o));
    o = parent;
  }
  return `${anchor}/${indices.reverse().join('/')}`;
}

/**
 * Keeps a path within the wire's id length: a too-long path becomes a hash of the whole path
 * followed by its tail, so it stays distinct and still readable at the end that matters.
 */
function fitId(path: string): string {
  if (path.length <= MAX_MESH_ID_LENGTH) return path;
  const hash = fnv1a32(path).toString(16).padStart(8, '0');
  return `${hash}~${path.slice(path.length - (MAX_MESH_ID_LENGTH - hash.length - 1))}`;
}

/** FNV-1a, 32 bits, over UTF-16 code units. */
function fnv1a32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
