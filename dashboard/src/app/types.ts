/** Shapes of the collector's answers the dashboard reads (see the README's Query API). */

/** A scene of `GET /api/v1/scenes`. */
export interface SceneInfo {
  scene: string;
  configured: boolean;
  capture: Record<string, boolean>;
  sampling: Record<string, number>;
  modelUrl: string | null;
  voxelSizeMm: number | null;
  heatmapVoxelMm: number;
  bounds: { min: [number, number, number]; max: [number, number, number] } | null;
  proxyMeshes: number | null;
  updatedAt: string | null;
}

/** Percentiles of a histogram. */
export interface Percentiles {
  p50: number;
  p95: number;
  p99: number;
}

/** Also the low end (p5, p1): frames per second, where low is bad. */
export interface LowPercentiles extends Percentiles {
  p5: number;
  p1: number;
}

/** `GET /api/v1/activity`. */
export interface Activity {
  totals: { sessions: number; visitors: number; events: number; eventsByType: Record<string, number> };
  series: Array<{ start: string; sessions: number; events: number; visitors: number | null }>;
  sessionDurationMs: ({ sessions: number } & Percentiles) | null;
}

/** A row of `GET /api/v1/mesh-attention`. */
export interface MeshAttention {
  mesh: string;
  clicks: number;
  picks: number;
  pointerMoves: number;
  hovers: number;
  dwellMs: number;
  visibleMs: number;
  centreMs: number;
  maxScreenPermille: number;
}

/** A row of `GET /api/v1/errors`. */
export interface ErrorRow {
  fingerprint: string;
  message: string;
  /** The script URL (query string dropped); null when the error named none. */
  source: string | null;
  count: number;
  /** Distinct sessions that saw it in the window (within the project's retention). */
  sessions: number;
  firstSeen: string;
  lastSeen: string;
}

/** A voxel of `GET /api/v1/heatmaps/:kind` (centre in mm). */
export interface Voxel {
  x: number;
  y: number;
  z: number;
  count: number;
}

/** `GET /api/v1/heatmaps/:kind`. */
export interface Heatmap {
  voxelMm: number;
  voxels: Voxel[];
  total: number;
  truncated: boolean;
}

/** `GET /api/v1/scenes/:id/proxy`. */
export interface Proxy {
  hash: string;
  meshes: Array<{ id: string; box: [number, number, number, number, number, number] }>;
}

/** A row of `GET /api/v1/sessions`. */
export interface SessionSummary {
  id: string;
  scene: string;
  startedAt: string;
  durationMs: number;
  events: number;
  clicks: number;
  picks: number;
  customEvents: number;
  errors: number;
  deviceType: string | null;
  browser: string | null;
  country: string | null;
  source: string | null;
  medium: string | null;
}

/** `GET /api/v1/activity` with each interval's events by type (the Errors and Custom events pages chart one type). */
export interface ActivityByType extends Activity {
  series: Array<Activity['series'][number] & { eventsByType: Record<string, number> }>;
}

/** A row of `GET /api/v1/custom-events` (`byProperty` only when a `property` was asked for). */
export interface CustomEventRow {
  name: string;
  count: number;
  byProperty: Array<{ value: string; count: number }> | null;
}

/** A funnel step: a click on a mesh, a custom event, or a session in a scene. */
export type FunnelStep = { kind: 'mesh_click'; mesh: string } | { kind: 'custom'; name: string } | { kind: 'scene'; scene: string };

/** A saved funnel of `GET /api/v1/funnels`. */
export interface Funnel {
  id: string;
  name: string;
  steps: FunnelStep[];
  createdAt: string;
}

/** `GET /api/v1/funnels/:id`: sessions started in the window, and how many reached each step in order. */
export interface FunnelReport extends Funnel {
  sessions: number;
  steps: Array<FunnelStep & { sessions: number; conversion: number }>;
}

/** A group of `GET /api/v1/performance` with every field (null percentiles: no windows). */
export interface PerformanceGroup {
  deviceType: string | null;
  browser: string | null;
  windows: number;
  frames: number;
  longFrames: number;
  frameMs: Percentiles | null;
  fps: LowPercentiles | null;
  drawCalls: Percentiles | null;
  triangles: Percentiles | null;
}

/** A group of `GET /api/v1/resources` (`heapKb` null where no browser reported the heap). */
export interface ResourceGroup {
  deviceType: string | null;
  browser: string | null;
  samples: number;
  geometries: Percentiles | null;
  textures: Percentiles | null;
  programs: Percentiles | null;
  heapKb: Percentiles | null;
}

/** The length of a per-interval series: intervals start at UTC hours, UTC days, or Mondays 00:00 UTC. */
export type SeriesInterval = 'hour' | 'day' | 'week';

/** An interval of a per-interval answer: its start (ISO 8601, UTC) and its groups, split like the window's. */
export interface SeriesPoint<G> {
  start: string;
  groups: G[];
}

/** `GET /api/v1/performance`: the window's groups (one, or one per segment with `groupBy`). */
export interface PerformanceAnswer {
  groups: PerformanceGroup[];
}

/** `GET /api/v1/performance?interval=…`: also the groups per interval (intervals without windows left out, oldest first). */
export interface PerformanceOverTime extends PerformanceAnswer {
  interval: SeriesInterval;
  series: Array<SeriesPoint<PerformanceGroup>>;
}

/** `GET /api/v1/resources`: the window's groups (one, or one per segment with `groupBy`). */
export interface ResourcesAnswer {
  groups: ResourceGroup[];
}

/** `GET /api/v1/resources?interval=…`: also the groups per interval (intervals without samples left out, oldest first). */
export interface ResourcesOverTime extends ResourcesAnswer {
  interval: SeriesInterval;
  series: Array<SeriesPoint<ResourceGroup>>;
}
