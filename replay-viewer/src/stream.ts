/**
 * What the viewer plays: the decoded session stream the collector answers on
 * `GET /api/v1/sessions/:id/events`, the scene to draw it in, and a live source for follow mode.
 * Types only; shared by the player core, the three.js viewer and the React component.
 */
import type { VantageEvent } from '@vantage/sdk-core/schema';

/** The session a stream belongs to. */
export interface ReplaySession {
  /** Session id. */
  readonly id: string;
  /** Scene id the session ran in. */
  readonly scene: string;
  /** When the session started, ISO 8601 (the first event's time is the replay's start). */
  readonly startedAt: string;
}

/**
 * The contract with the collector: a session and its events, decoded (`@vantage/sdk-core/schema`
 * units: positions in mm, quaternions × 32767, NDC × 10,000), sorted by `t` (epoch ms), mesh ids
 * as strings. msgpack or NDJSON on the wire; the viewer takes the decoded object.
 */
export interface ReplayStream {
  readonly session: ReplaySession;
  readonly events: readonly VantageEvent[];
}

/** A box of the scene proxy: `[minX, minY, minZ, maxX, maxY, maxZ]` in integer millimetres. */
export type ProxyBox = readonly [number, number, number, number, number, number];

/** The proxy of bounding boxes a connector registered for a scene (one box per mesh id). */
export interface SceneProxy {
  readonly meshes: ReadonlyArray<{ readonly id: string; readonly box: ProxyBox }>;
}

/**
 * The scene to replay in: the glTF registered for the scene (`modelUrl`), or else the proxy of
 * bounding boxes. With neither, the viewer still plays the camera, pointer and markers.
 */
export interface ReplayScene {
  readonly modelUrl?: string | null;
  readonly proxy?: SceneProxy | null;
}

/**
 * A live session for follow mode: `subscribe` calls `onEvents` with each new chunk of decoded
 * events (sorted, newer than what came before) and returns an unsubscribe function.
 */
export interface LiveSource {
  subscribe(onEvents: (events: readonly VantageEvent[]) => void): () => void;
}
