/**
 * The brute-force side of the aggregate oracle test (test-only, not part of the build's API): a
 * simulated population with known ground truth — who sent each session (user agent, address),
 * when the collector received each batch, each event's time after skew correction — and the
 * answer of every aggregate route computed from that list of events by direct enumeration,
 * written from the query API contract (`/work/briefs/issue5-api.md`), not from the collector.
 *
 * Nothing here imports the collector's aggregates, ingest or privacy code: events are decoded
 * from the wire tuples with the schema registry alone, and user agents map to device type and
 * browser through a fixed table.
 */
import { EVENT_BY_CODE, EVENT_BY_TYPE, encodeBatch, type EventType, type VantageEvent, type WireBatch } from '@vantage/sdk-core/schema';
import { createRng, deriveSeed, simulateVisitors, type SimulateVisitorsOptions } from '@vantage/fixtures';

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

/** User agents the population is sent with, and what any parser must make of them. */
export const AGENTS = {
  chromeWindows: { ua: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36', deviceType: 'desktop', browser: 'Chrome' },
  edgeWindows: { ua: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0', deviceType: 'desktop', browser: 'Microsoft Edge' },
  safariMac: { ua: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15', deviceType: 'desktop', browser: 'Safari' },
  firefoxLinux: { ua: 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0', deviceType: 'desktop', browser: 'Firefox' },
  safariIphone: { ua: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1', deviceType: 'mobile', browser: 'Safari' },
  chromeAndroid: { ua: 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36', deviceType: 'mobile', browser: 'Chrome' },
  safariIpad: { ua: 'Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1', deviceType: 'tablet', browser: 'Safari' },
} as const;
export type Agent = (typeof AGENTS)[keyof typeof AGENTS];
const DESKTOP_AGENTS: readonly Agent[] = [AGENTS.chromeWindows, AGENTS.chromeWindows, AGENTS.edgeWindows, AGENTS.safariMac, AGENTS.firefoxLinux];
const MOBILE_AGENTS: readonly Agent[] = [AGENTS.safariIphone, AGENTS.chromeAndroid, AGENTS.chromeAndroid, AGENTS.safariIpad];

/** Public addresses whose country the bundled database knows; every other sender uses 2001:db8::/32 (no country). */
export const COUNTRY_ADDRESSES: ReadonlyArray<readonly [string, string]> = [['81.2.69.142', 'GB'], ['8.8.8.8', 'US']];

/** A decoded event with its time after skew correction (epoch ms) and mesh ids resolved. */
export type TruthEvent = VantageEvent & { readonly t: number };

/** One batch as sent and as the collector must see it. */
export interface PlannedBatch {
  readonly wire: WireBatch;
  /** The receipt time the pinned clock answers for this batch (epoch ms). */
  readonly receivedAt: number;
  /** Events the collector must accept from it (scene capture flags applied), in batch order. */
  readonly events: TruthEvent[];
  /** Sent a second time after its acknowledgement (a retry): must be answered `duplicate`. */
  readonly resend: boolean;
}

/** One session of the population. */
export interface TruthSession {
  readonly sid: string;
  readonly scene: string;
  readonly agent: Agent;
  /** Client address, sent as `X-Forwarded-For` (the collector trusts one hop). */
  readonly ip: string;
  readonly country: string | null;
  /** The page URL of its `session_start` (utm_* inside). */
  readonly url: string;
  readonly referrer: string | undefined;
  readonly batches: PlannedBatch[];
}

/** A scene's capture flags as the test sets them before ingest. */
export type SceneCapture = Record<string, Partial<Record<EventType, boolean>>>;

/** What {@link buildPopulation} takes. */
export interface PopulationOptions {
  sessions: number;
  seed: number;
  scenes: readonly string[];
  startMs: number;
  spreadMs: number;
  /** Opt-in channels the test switches on per scene (absent: off). */
  capture: SceneCapture;
  /** Receipt times are multiples of this (ms); each batch is received at the next one after its real send time. */
  receiptStepMs: number;
  /** Hand-written sessions with varied custom properties and errors, besides the simulated ones. */
  handWritten?: number;
  durationMs?: SimulateVisitorsOptions['durationMs'];
}

/** Resolve a scene's flags: always-on channels on, opt-in ones as set. */
function flagsOf(capture: SceneCapture, scene: string): (type: EventType) => boolean {
  const set = capture[scene] ?? {};
  return (type) => {
    return EVENT_BY_TYPE[type].optIn ? set[type] === true : true;
  };
}

/** Decode one wire tuple with the registry alone: `[code, dt, ...fields]`, mesh fields index `ids`. */
export function decodeTuple(raw: unknown[], batch: WireBatch): VantageEvent {
  const def = EVENT_BY_CODE[raw[0] as number];
  if (!def) throw new Error(`oracle: unknown event code ${String(raw[0])}`);
  const event: Record<string, unknown> = { type: def.type, t: batch.t0 + (raw[1] as number) };
  def.keys.forEach((key, i) => {
    const value = raw[i + 2];
    if (value === undefined || value === null) return;
    event[key] = def.meshKeys.includes(key) ? (batch.ids as string[])[value as number] : value;
  });
  return event as VantageEvent;
}

/** The collector's minimisation of the fields an aggregate reads: script URLs lose their query. */
function minimise(event: VantageEvent): VantageEvent {
  if (event.type === 'runtime_error' && typeof event.source === 'string') return { ...event, source: event.source.replace(/[?#].*$/, '') };
  return event;
}

/**
 * A deterministic population: simulated sessions (every opt-in channel recorded, so the scene
 * flags decide) plus a few hand-written ones. A third of the senders have a wrong clock (their
 * `t0` and `sentAt` shifted by up to ±6 h), which skew correction must undo; visitors that come
 * back (same anonymous id) reuse their address and browser, so they are one visitor hash.
 */
export function buildPopulation(options: PopulationOptions): TruthSession[] {
  const rng = createRng(deriveSeed(options.seed, 0x0c1e));
  const returning = new Map<string, { ip: string; agent: Agent; country: string | null }>();
  const out: TruthSession[] = [];
  let addresses = 0;
  const sender = (mobile: boolean) => {
    const agent = rng.pick(mobile ? MOBILE_AGENTS : DESKTOP_AGENTS);
    if (rng.chance(0.04)) {
      const [ip, country] = rng.pick(COUNTRY_ADDRESSES);
      return { ip, agent, country };
    }
    addresses += 1;
    return { ip: `2001:db8:${(addresses >> 16).toString(16)}:${(addresses & 0xffff).toString(16)}::${rng.int(1, 0xfffe).toString(16)}`, agent, country: null };
  };
  const visitors = simulateVisitors({
    sessions: options.sessions,
    seed: options.seed,
    scenes: options.scenes,
    startMs: options.startMs,
    spreadMs: options.spreadMs,
    optIn: true,
    durationMs: options.durationMs ?? { medianMs: 6000, minMs: 5000, maxMs: 60_000 },
    anonymousShare: 0.6,
    returningShare: 0.4,
  });
  for (const session of visitors) {
    let who = session.anonymousId === undefined ? undefined : returning.get(session.anonymousId);
    if (!who) {
      who = sender(session.profile.device === 'mobile');
      if (session.anonymousId !== undefined) returning.set(session.anonymousId, who);
    }
    const offset = rng.chance(1 / 3) ? Math.round(rng.float(-6, 6) * HOUR_MS) : 0;
    out.push(plan(options, session.sid, session.scene, who, session.batches, offset, rng, session.profile.url, session.profile.referrer));
  }
  for (let i = 0; i < (options.handWritten ?? 0); i++) {
    const scene = options.scenes[i % options.scenes.length] as string;
    const startMs = options.startMs + Math.round(rng.float(0, options.spreadMs));
    const sid = `handwritten_${options.seed}_${i}`;
    const url = `https://shop.example.com/products/sofa?utm_source=partner_${i % 3}&utm_medium=referral&utm_campaign=hand_${i % 2}`;
    out.push(plan(options, sid, scene, sender(i % 4 === 0), handWrittenBatches(sid, scene, startMs, i, url), 0, rng, url, undefined));
  }
  return out;
}

function plan(
  options: PopulationOptions,
  sid: string,
  scene: string,
  who: { ip: string; agent: Agent; country: string | null },
  batches: readonly WireBatch[],
  offset: number,
  rng: ReturnType<typeof createRng>,
  url: string,
  referrer: string | undefined,
): TruthSession {
  const on = flagsOf(options.capture, scene);
  const step = options.receiptStepMs;
  const planned = batches.map((batch): PlannedBatch => {
    const receivedAt = (Math.floor(batch.sentAt / step) + 1) * step;
    const wire: WireBatch = { ...batch, t0: batch.t0 + offset, sentAt: batch.sentAt + offset };
    const skew = receivedAt - wire.sentAt;
    const events = wire.events
      .map((raw) => decodeTuple(raw as unknown[], wire))
      .filter((e) => on(e.type))
      .map((e) => minimise({ ...e, t: e.t + skew } as VantageEvent) as TruthEvent);
    return { wire, receivedAt, events, resend: rng.chance(0.01) };
  });
  return { sid, scene, agent: who.agent, ip: who.ip, country: who.country, url, referrer, batches: planned };
}

const LONG_VALUE = `a-very-long-fabric-name-${'x'.repeat(80)}`;

/** A short session whose custom events and errors cover every byProperty and fingerprint case. */
function handWrittenBatches(sid: string, scene: string, startMs: number, i: number, url: string): WireBatch[] {
  const at = (ms: number) => startMs + ms;
  const props: Array<Record<string, unknown> | undefined> = [
    { variant: 'navy', quantity: 2, gift: true },
    { variant: LONG_VALUE, quantity: 1.5 },
    { variant: { nested: 'no' }, gift: false },
    { variant: null },
    undefined,
    { variant: ['list'], quantity: 0 },
    { variant: 'navy', gift: 'yes' },
  ];
  const events: VantageEvent[] = [
    { type: 'session_start', t: at(0), url, viewportW: 1280, viewportH: 720, dpr100: 100, sdk: 'three/0.1.0', lang: 'en-GB', gpu: 'integrated' },
    { type: 'custom', t: at(400), name: 'swatch_opened', ...(props[i % props.length] ? { props: props[i % props.length] as Record<string, unknown> } : {}) },
    { type: 'custom', t: at(900), name: 'variant_selected', props: { variant: i % 2 === 0 ? 'champagne' : 'gray' } },
    { type: 'runtime_error', t: at(1200), message: `Error: hand-written failure ${i % 3}`, ...(i % 2 === 0 ? { source: `https://cdn.shop.example.com/app-${i % 3}.js?v=${i}` } : {}) },
    { type: 'runtime_error', t: at(1300 + i), message: 'TypeError: x is undefined', source: 'https://cdn.shop.example.com/vendor.js' },
    { type: 'click', t: at(1500), x: 100, y: -200, button: 0, mesh: 'handwritten/knob', hx: -12_345, hy: 777, hz: 99_999 },
    { type: 'custom', t: at(1800), name: 'swatch_opened', props: { quantity: 3, variant: 'navy' } },
    { type: 'session_end', t: at(2000), reason: 'stop', durationMs: 2000 },
  ];
  const batches = [encodeBatch({ sid, seq: 0, scene, sentAt: at(2001) }, events)];
  // A late batch holding only an opt-in channel: where the scene has it off, nothing of it is accepted.
  batches.push(encodeBatch({ sid, seq: 1, scene, sentAt: at(2600) }, [{ type: 'resource_sample', t: at(2500), geometries: 9, textures: 4, programs: 3 }]));
  // The same error again an hour later, in a later batch (a tab left open): one more error in
  // another hour, not one more session.
  batches.push(encodeBatch({ sid, seq: 2, scene, sentAt: at(3_602_800) }, [{ type: 'runtime_error', t: at(3_602_700), message: 'TypeError: x is undefined', source: 'https://cdn.shop.example.com/vendor.js' }]));
  return batches;
}

// ---------------------------------------------------------------------------------------------
// Windows and buckets

/** A query window and scene filter. */
export interface Window {
  from: number;
  to: number;
  scene?: string | undefined;
}

const hourOf = (t: number) => Math.floor(t / HOUR_MS) * HOUR_MS;
const dayOf = (t: number) => Math.floor(t / DAY_MS) * DAY_MS;
/** Monday 00:00 UTC of the week holding `t` (1970-01-01 was a Thursday). */
export const weekOf = (t: number) => Math.floor((t - 4 * DAY_MS) / (7 * DAY_MS)) * 7 * DAY_MS + 4 * DAY_MS;

/** Every accepted event whose hour bucket starts in the window, with its session. */
export function* eventsIn(population: readonly TruthSession[], w: Window): Generator<{ e: TruthEvent; s: TruthSession; b: PlannedBatch }> {
  for (const s of population) {
    if (w.scene !== undefined && s.scene !== w.scene) continue;
    for (const b of s.batches) {
      for (const e of b.events) {
        const h = hourOf(e.t);
        if (h >= w.from && h < w.to) yield { e, s, b };
      }
    }
  }
}

/** Like {@link eventsIn} for rollups bucketed per UTC day (heatmaps). */
function* eventsInDays(population: readonly TruthSession[], w: Window): Generator<TruthEvent> {
  for (const s of population) {
    if (w.scene !== undefined && s.scene !== w.scene) continue;
    for (const b of s.batches) for (const e of b.events) if (dayOf(e.t) >= w.from && dayOf(e.t) < w.to) yield e;
  }
}

/** Nearest-rank percentile of weighted values (`p` in 0..1); null without weight. */
export function nearestRank(values: ReadonlyArray<readonly [number, number]>, p: number): number | null {
  const sorted = values.filter(([, w]) => w > 0).sort((a, b) => a[0] - b[0]);
  const total = sorted.reduce((n, [, w]) => n + w, 0);
  if (total === 0) return null;
  const rank = Math.ceil(p * total);
  let seen = 0;
  for (const [v, w] of sorted) {
    seen += w;
    if (seen >= rank) return v;
  }
  return (sorted[sorted.length - 1] as readonly [number, number])[0];
}

/** p50, p95 and p99 of weighted values. */
export function percentiles(values: ReadonlyArray<readonly [number, number]>): { p50: number | null; p95: number | null; p99: number | null } {
  return { p50: nearestRank(values, 0.5), p95: nearestRank(values, 0.95), p99: nearestRank(values, 0.99) };
}

/** The same with the low end, p5 and p1. */
export function lowPercentiles(values: ReadonlyArray<readonly [number, number]>): { p50: number | null; p95: number | null; p99: number | null; p5: number | null; p1: number | null } {
  return { ...percentiles(values), p5: nearestRank(values, 0.05), p1: nearestRank(values, 0.01) };
}

const inc = (map: Map<string, number>, key: string, by = 1) => map.set(key, (map.get(key) ?? 0) + by);

// ---------------------------------------------------------------------------------------------
// Activity

/** Counts of one activity bucket. */
export interface ActivityCounts {
  sessions: number;
  events: number;
  eventsByType: Record<string, number>;
  visitors: number | null;
}

/** The visitor of a session: the collector hashes (address, user agent) under one salt. */
const visitorOf = (s: TruthSession) => `${s.ip}|${s.agent.ua}`;

/** Distinct visitors per UTC day of batch receipt whose day starts in the window. */
export function visitorsPerDay(population: readonly TruthSession[], w: Window): Map<number, number> {
  const days = new Map<number, Set<string>>();
  for (const s of population) {
    if (w.scene !== undefined && s.scene !== w.scene) continue;
    for (const b of s.batches) {
      const day = dayOf(b.receivedAt);
      if (day < w.from || day >= w.to) continue;
      let set = days.get(day);
      if (!set) days.set(day, (set = new Set()));
      set.add(visitorOf(s));
    }
  }
  return new Map([...days].map(([d, set]) => [d, set.size]));
}

/** Length of a series interval, ms (weeks: from Monday 00:00 UTC). */
export const INTERVAL_MS = { hour: HOUR_MS, day: DAY_MS, week: 7 * DAY_MS } as const;

/** Start of the series interval holding `t` (epoch ms). */
export function intervalStartOf(t: number, interval: keyof typeof INTERVAL_MS): number {
  return interval === 'hour' ? hourOf(t) : interval === 'day' ? dayOf(t) : weekOf(t);
}

/** `GET /api/v1/activity`: totals, the series (buckets with data only) and session durations. */
export function activity(population: readonly TruthSession[], w: Window, interval: keyof typeof INTERVAL_MS) {
  const bucketOf = (t: number) => intervalStartOf(t, interval);
  const empty = (): ActivityCounts => ({ sessions: 0, events: 0, eventsByType: {}, visitors: interval === 'hour' ? null : 0 });
  const totals = empty();
  totals.visitors = 0;
  const series = new Map<number, ActivityCounts>();
  const durations: Array<[number, number]> = [];
  for (const { e } of eventsIn(population, w)) {
    const start = bucketOf(e.t);
    let entry = series.get(start);
    if (!entry) series.set(start, (entry = empty()));
    for (const c of [totals, entry]) {
      c.events += 1;
      c.eventsByType[e.type] = (c.eventsByType[e.type] ?? 0) + 1;
      if (e.type === 'session_start') c.sessions += 1;
    }
    if (e.type === 'session_end') durations.push([e.durationMs, 1]);
  }
  for (const [day, n] of visitorsPerDay(population, w)) {
    totals.visitors += n;
    if (interval === 'hour') continue;
    const start = bucketOf(day);
    let entry = series.get(start);
    if (!entry) series.set(start, (entry = empty()));
    entry.visitors = (entry.visitors ?? 0) + n;
  }
  return {
    totals,
    series: [...series].sort((a, b) => a[0] - b[0]).map(([start, c]) => ({ start, ...c })),
    sessionDurationMs: { sessions: durations.length, ...percentiles(durations) },
  };
}

// ---------------------------------------------------------------------------------------------
// Mesh attention, heatmaps, view directions

/** One mesh's attention figures. */
export interface MeshAttention {
  scene: string;
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

/** `GET /api/v1/mesh-attention`, every mesh (unsorted). */
export function meshAttention(population: readonly TruthSession[], w: Window): MeshAttention[] {
  const rows = new Map<string, MeshAttention>();
  const row = (scene: string, mesh: string) => {
    const key = `${scene}\u0000${mesh}`;
    let r = rows.get(key);
    if (!r) rows.set(key, (r = { scene, mesh, clicks: 0, picks: 0, pointerMoves: 0, hovers: 0, dwellMs: 0, visibleMs: 0, centreMs: 0, maxScreenPermille: 0 }));
    return r;
  };
  for (const { e, s } of eventsIn(population, w)) {
    if (e.type === 'click' && e.mesh !== undefined) row(s.scene, e.mesh).clicks += 1;
    else if (e.type === 'mesh_pick') row(s.scene, e.mesh).picks += 1;
    else if (e.type === 'pointer_move' && e.mesh !== undefined) row(s.scene, e.mesh).pointerMoves += 1;
    else if (e.type === 'hover_dwell') {
      const r = row(s.scene, e.mesh);
      r.hovers += 1;
      r.dwellMs += e.dwellMs;
    } else if (e.type === 'mesh_visibility') {
      const r = row(s.scene, e.mesh);
      r.visibleMs += e.visibleMs;
      r.centreMs += e.centreMs;
      r.maxScreenPermille = Math.max(r.maxScreenPermille, e.maxScreenPermille);
    }
  }
  return [...rows.values()];
}

/** The contract's order: `sort` descending, ties by scene then mesh. */
export function sortAttention(rows: readonly MeshAttention[], sort: keyof MeshAttention): MeshAttention[] {
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return [...rows].sort((a, b) => (b[sort] as number) - (a[sort] as number) || cmp(a.scene, b.scene) || cmp(a.mesh, b.mesh));
}

/** Voxel size of a scene by the contract's rule. */
export function voxelMmOf(scene: { voxelSizeMm?: number | null; bounds?: { min: number[]; max: number[] } | null }): number {
  if (scene.voxelSizeMm) return scene.voxelSizeMm;
  if (scene.bounds) {
    const extentMm = Math.max(...scene.bounds.max.map((v, i) => (v - (scene.bounds?.min[i] as number)) * 1000));
    return Math.max(10, Math.ceil(extentMm / 64));
  }
  return 100;
}

/** `GET /api/v1/heatmaps/:kind` for one scene: voxel centre key `x,y,z` → count. */
export function heatmap(population: readonly TruthSession[], w: Window & { scene: string }, kind: 'click' | 'gaze' | 'camera', sceneVoxelMm: number): Map<string, number> {
  const voxels = new Map<string, number>();
  // Camera positions use a grid eight times coarser than hit points (the contract).
  const voxelMm = kind === 'camera' ? sceneVoxelMm * 8 : sceneVoxelMm;
  const centre = (mm: number) => (Math.floor(mm / voxelMm) + 0.5) * voxelMm;
  for (const e of eventsInDays(population, w)) {
    let p: [number, number, number] | undefined;
    if (kind === 'click' && e.type === 'click' && e.hx !== undefined && e.hy !== undefined && e.hz !== undefined) p = [e.hx, e.hy, e.hz];
    if (kind === 'gaze' && e.type === 'gaze') p = [e.hx, e.hy, e.hz];
    if (kind === 'camera' && e.type === 'camera') p = [e.px, e.py, e.pz];
    if (p) inc(voxels, p.map(centre).join(','));
  }
  return voxels;
}

/** `GET /api/v1/view-directions` (per UTC day): `azimuthBin,elevationBin` → samples. */
export function viewDirections(population: readonly TruthSession[], w: Window): Map<string, number> {
  const bins = new Map<string, number>();
  for (const e of eventsInDays(population, w)) {
    if (e.type !== 'camera') continue;
    const n = Math.hypot(e.qx, e.qy, e.qz, e.qw);
    const [x, y, z, q] = [e.qx / n, e.qy / n, e.qz / n, e.qw / n];
    // (0, 0, -1) rotated by the unit quaternion (x, y, z, q).
    const fx = -2 * (x * z + q * y);
    const fy = -2 * (y * z - q * x);
    const fz = -(1 - 2 * (x * x + y * y));
    const elevation = Math.min(11, Math.floor(((fy + 1) / 2) * 12));
    const azimuth = ((Math.floor(((Math.atan2(fx, -fz) + Math.PI) / (2 * Math.PI)) * 24) % 24) + 24) % 24;
    inc(bins, `${azimuth},${elevation}`);
  }
  return bins;
}

// ---------------------------------------------------------------------------------------------
// Performance, resources

/** Filters and grouping of the performance and resources routes. */
export interface DeviceQuery extends Window {
  deviceType?: string;
  browser?: string;
  groupBy: 'none' | 'deviceType' | 'browser';
  /** Paranoid projects keep neither: every session is in the null group. */
  paranoid?: boolean;
}

function groupsOf<T>(population: readonly TruthSession[], q: DeviceQuery, make: () => T, fold: (g: T, e: TruthEvent) => void): Map<string | null, T> {
  const groups = new Map<string | null, T>();
  for (const { e, s } of eventsIn(population, q)) {
    const deviceType = q.paranoid ? null : s.agent.deviceType;
    const browser = q.paranoid ? null : s.agent.browser;
    if (q.deviceType !== undefined && deviceType !== q.deviceType) continue;
    if (q.browser !== undefined && browser !== q.browser) continue;
    const key = q.groupBy === 'deviceType' ? deviceType : q.groupBy === 'browser' ? browser : 'all';
    let g = groups.get(key);
    if (!g) groups.set(key, (g = make()));
    fold(g, e);
  }
  return groups;
}

/** `GET /api/v1/performance`: group key (deviceType, browser or `all`) → figures. */
export function performance(population: readonly TruthSession[], q: DeviceQuery) {
  type Acc = { windows: number; frames: number; longFrames: number; frameUs: Array<[number, number]>; fps: Array<[number, number]>; drawCalls: Array<[number, number]>; triangles: Array<[number, number]> };
  const groups = groupsOf<Acc>(population, q, () => ({ windows: 0, frames: 0, longFrames: 0, frameUs: [], fps: [], drawCalls: [], triangles: [] }), (g, e) => {
    if (e.type !== 'perf') return;
    g.windows += 1;
    g.frames += e.frames;
    g.longFrames += e.longFrames;
    g.frameUs.push([e.p50Us, e.frames]);
    if (e.windowMs > 0) g.fps.push([(e.frames * 1000) / e.windowMs, 1]);
    g.drawCalls.push([e.drawCalls, 1]);
    g.triangles.push([e.triangles, 1]);
  });
  return new Map(
    [...groups].filter(([, g]) => g.windows > 0).map(([k, g]) => [k, {
      windows: g.windows,
      frames: g.frames,
      longFrames: g.longFrames,
      frameUs: percentiles(g.frameUs),
      fps: lowPercentiles(g.fps),
      drawCalls: percentiles(g.drawCalls),
      triangles: percentiles(g.triangles),
    }]),
  );
}

/** `GET /api/v1/resources`: group key → figures. */
export function resources(population: readonly TruthSession[], q: DeviceQuery) {
  type Acc = { samples: number; geometries: Array<[number, number]>; textures: Array<[number, number]>; programs: Array<[number, number]>; heapKb: Array<[number, number]> };
  const groups = groupsOf<Acc>(population, q, () => ({ samples: 0, geometries: [], textures: [], programs: [], heapKb: [] }), (g, e) => {
    if (e.type !== 'resource_sample') return;
    g.samples += 1;
    g.geometries.push([e.geometries, 1]);
    g.textures.push([e.textures, 1]);
    g.programs.push([e.programs, 1]);
    if (e.heapKb !== undefined) g.heapKb.push([e.heapKb, 1]);
  });
  return new Map(
    [...groups].filter(([, g]) => g.samples > 0).map(([k, g]) => [k, {
      samples: g.samples,
      geometries: percentiles(g.geometries),
      textures: percentiles(g.textures),
      programs: percentiles(g.programs),
      heapKb: g.heapKb.length > 0 ? percentiles(g.heapKb) : null,
    }]),
  );
}

// ---------------------------------------------------------------------------------------------
// Errors, custom events

/** `GET /api/v1/errors`: `message\nsource` → count, distinct sessions and first/last time (epoch ms). */
export function errors(population: readonly TruthSession[], w: Window): Map<string, { message: string; source: string | null; count: number; sessions: number; firstSeen: number; lastSeen: number }> {
  const out = new Map<string, { message: string; source: string | null; count: number; sessions: Set<string>; firstSeen: number; lastSeen: number }>();
  for (const { e, s } of eventsIn(population, w)) {
    if (e.type !== 'runtime_error') continue;
    const key = `${e.message}\n${e.source ?? ''}`;
    const r = out.get(key);
    if (!r) out.set(key, { message: e.message, source: e.source ?? null, count: 1, sessions: new Set([s.sid]), firstSeen: e.t, lastSeen: e.t });
    else {
      r.count += 1;
      r.sessions.add(s.sid);
      r.firstSeen = Math.min(r.firstSeen, e.t);
      r.lastSeen = Math.max(r.lastSeen, e.t);
    }
  }
  return new Map([...out].map(([key, r]) => [key, { ...r, sessions: r.sessions.size }]));
}

/** The contract's value of one property: String() of a scalar cut to 64 characters, else `(none)`. */
export function propertyValue(props: Record<string, unknown> | undefined, property: string): string {
  const v = props?.[property];
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return String(v).slice(0, 64);
  return '(none)';
}

/** `GET /api/v1/custom-events`: name → count and (with `property`) value → count. */
export function customEvents(population: readonly TruthSession[], w: Window, property?: string): Map<string, { count: number; byProperty: Map<string, number> | null }> {
  const out = new Map<string, { count: number; byProperty: Map<string, number> | null }>();
  for (const { e } of eventsIn(population, w)) {
    if (e.type !== 'custom') continue;
    let r = out.get(e.name);
    if (!r) out.set(e.name, (r = { count: 0, byProperty: property === undefined ? null : new Map() }));
    r.count += 1;
    if (property !== undefined && r.byProperty) inc(r.byProperty, propertyValue(e.props, property));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Traffic sources, session summaries, funnels

/** A session's campaign, as its landing page's `utm_*` say (every session of the population has them). */
export function campaignOf(s: TruthSession): { source: string; medium: string; campaign: string | null } {
  const params = new URL(s.url).searchParams;
  const utm = (name: string) => params.get(name)?.trim().toLowerCase() || null;
  return { source: utm('utm_source') ?? '(none)', medium: utm('utm_medium') ?? '(none)', campaign: utm('utm_campaign') };
}

/** `GET /api/v1/traffic-sources`: `source medium` → sessions started (by `session_start` hour) in the window. */
export function trafficSources(population: readonly TruthSession[], w: Window): Map<string, number> {
  const out = new Map<string, number>();
  for (const { e, s } of eventsIn(population, w)) {
    if (e.type !== 'session_start') continue;
    const { source, medium } = campaignOf(s);
    inc(out, `${source} ${medium}`);
  }
  return out;
}

/** When the collector received a session's first batch: the summary's start. */
export const startedAt = (s: TruthSession) => Math.min(...s.batches.map((b) => b.receivedAt));

/** One session of `GET /api/v1/sessions`. */
export interface SessionRow {
  id: string;
  scene: string;
  startedAt: string;
  durationMs: number;
  events: number;
  clicks: number;
  picks: number;
  customEvents: number;
  errors: number;
  hasErrors: boolean;
  deviceType: string | null;
  browser: string | null;
  country: string | null;
  source: string | null;
  medium: string | null;
  campaign: string | null;
}

/**
 * `GET /api/v1/sessions`, newest first (start, then id, descending), sessions started in the
 * window. `durationMs` is the larger of `session_end.durationMs` and the span of the session's
 * accepted events (the contract leaves it open; this is the collector's documented meaning).
 */
export function sessionRows(population: readonly TruthSession[], w: Window & { deviceType?: string; browser?: string; hasErrors?: boolean }): SessionRow[] {
  const rows: Array<SessionRow & { at: number }> = [];
  for (const s of population) {
    const at = startedAt(s);
    if (at < w.from || at >= w.to || (w.scene !== undefined && s.scene !== w.scene)) continue;
    if ((w.deviceType !== undefined && s.agent.deviceType !== w.deviceType) || (w.browser !== undefined && s.agent.browser !== w.browser)) continue;
    const events = s.batches.flatMap((b) => b.events);
    const count = (type: string) => events.filter((e) => e.type === type).length;
    const times = events.map((e) => e.t);
    const ended = events.reduce((d, e) => (e.type === 'session_end' ? Math.max(d, e.durationMs) : d), 0);
    const errors = count('runtime_error');
    if (w.hasErrors !== undefined && (errors > 0) !== w.hasErrors) continue;
    rows.push({
      at,
      id: s.sid,
      scene: s.scene,
      startedAt: new Date(at).toISOString(),
      durationMs: Math.max(ended, times.length > 0 ? Math.max(...times) - Math.min(...times) : 0),
      events: events.length,
      clicks: count('click'),
      picks: count('mesh_pick'),
      customEvents: count('custom'),
      errors,
      hasErrors: errors > 0,
      deviceType: s.agent.deviceType,
      browser: s.agent.browser,
      country: s.country,
      ...campaignOf(s),
    });
  }
  rows.sort((a, b) => b.at - a.at || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
  return rows.map(({ at: _at, ...row }) => row);
}

/** A funnel step as the API takes it. */
export type FunnelStep = { kind: 'mesh_click'; mesh: string } | { kind: 'custom'; name: string } | { kind: 'scene'; scene: string };

/**
 * A funnel over the sessions started in the window: how many did steps 1..k in order (not
 * necessarily adjacent), for each k. A session enters its scene at its start; mesh clicks and
 * custom events are taken in the order the visitor did them.
 */
export function funnel(population: readonly TruthSession[], w: Window, steps: readonly FunnelStep[]): { sessions: number; reached: number[] } {
  const reached = steps.map(() => 0);
  let sessions = 0;
  for (const s of population) {
    const at = startedAt(s);
    if (at < w.from || at >= w.to || (w.scene !== undefined && s.scene !== w.scene)) continue;
    sessions += 1;
    const done: FunnelStep[] = [{ kind: 'scene', scene: s.scene }];
    for (const b of s.batches) {
      for (const e of b.events) {
        if (e.type === 'click' && e.mesh !== undefined) done.push({ kind: 'mesh_click', mesh: e.mesh });
        if (e.type === 'custom') done.push({ kind: 'custom', name: e.name });
      }
    }
    let k = 0;
    for (const d of done) if (k < steps.length && JSON.stringify(d) === JSON.stringify(steps[k])) k += 1;
    for (let i = 0; i < k; i++) reached[i] = (reached[i] ?? 0) + 1;
  }
  return { sessions, reached };
}
