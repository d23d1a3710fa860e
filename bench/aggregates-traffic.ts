/**
 * The traffic of the aggregates benchmark, as pure functions of a session id: simulated sessions
 * are sent again and again under fresh ids, each copy from its own visitor (a public IPv4 address
 * in `X-Forwarded-For`, a user agent of its device and browser family) and moved back in time by
 * up to {@link SPREAD_MS}, so that 10 million events look like a week of a shop's traffic in the
 * default 7-day window of the query API, with visitors, devices and browsers to group by.
 *
 * Moving a session back: the collector sets an event's time to `t + receivedAt − sentAt` (clock
 * skew correction). A copy keeps `sentAt` at the moment it is sent and moves `t0` back by the
 * copy's {@link sessionBackMs}, so its events land that far before their receipt.
 */
import type { WireBatch } from '@vantage/sdk-core/schema';

/** Device class of a simulated visitor (as `@vantage/fixtures` draws it). */
export type TrafficDevice = 'desktop' | 'mobile';

/** One simulated session to copy: its batches in send order and who sent it. */
export interface TrafficSession {
  readonly sid: string;
  readonly device: TrafficDevice;
  /** Whether the visitor's browser is Chromium-based (the simulator's `reportsHeap`). */
  readonly chromium: boolean;
  readonly batches: readonly WireBatch[];
}

/** How far back copies are spread: 6 days 18 hours, inside the 7-day window with room for a long run (ms). */
export const SPREAD_MS = (6 * 24 + 18) * 3_600_000;

/** Real browsers' user agents by device class and Chromium or not; a copy takes one by its id. */
export const USER_AGENTS: Readonly<Record<TrafficDevice, Readonly<Record<'chromium' | 'other', readonly string[]>>>> = {
  desktop: {
    chromium: [
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0',
    ],
    other: [
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:127.0) Gecko/20100101 Firefox/127.0',
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
    ],
  },
  mobile: {
    chromium: [
      'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36',
      'Mozilla/5.0 (Linux; Android 14; SAMSUNG SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36',
    ],
    other: [
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
      'Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
    ],
  },
};

/**
 * A stable 32-bit hash of `text` (FNV-1a, then MurmurHash3's finaliser so the high bits of
 * similar ids are spread too): a copy's visitor and time follow from its id alone.
 */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The id of copy `pass` of session `sid` sent by load worker `worker` (valid as a wire `sid`). */
export function copySessionId(sid: string, worker: number, pass: number): string {
  return `${sid}_${worker.toString(36)}${pass.toString(36)}`;
}

/** How far back a copy's events land (ms), uniform in [0, `spreadMs`) by its id. */
export function sessionBackMs(copySid: string, spreadMs = SPREAD_MS): number {
  return Math.floor((hash32(`back:${copySid}`) / 2 ** 32) * spreadMs);
}

/**
 * A public IPv4 address for a copy's visitor, by its id: first octet 11..222, never a private,
 * loopback, link-local or shared range, so the collector treats it as a real client.
 */
export function visitorAddress(copySid: string): string {
  const h = hash32(`ip:${copySid}`);
  let a = 11 + (h % 212);
  const b = (h >>> 8) & 0xff;
  if (a === 100 || a === 127 || a === 169 || a === 172 || a === 192) a += 1;
  return `${a}.${b}.${(h >>> 16) & 0xff}.${1 + ((h >>> 24) % 254)}`;
}

/** The user agent of a copy: one of its device and browser family's, by its id. */
export function visitorUserAgent(copySid: string, device: TrafficDevice, chromium: boolean): string {
  const list = USER_AGENTS[device][chromium ? 'chromium' : 'other'];
  return list[hash32(`ua:${copySid}`) % list.length] as string;
}

/**
 * `batch` as copy `copySid` sends it: renamed, `sentAt` moved by `shiftMs` (to about now) and
 * `t0` by `shiftMs − backMs`, so the collector's skew correction puts its events `backMs` before
 * their receipt.
 */
export function copyBatch(batch: WireBatch, copySid: string, shiftMs: number, backMs: number): WireBatch {
  return { ...batch, sid: copySid, sentAt: batch.sentAt + shiftMs, t0: batch.t0 + shiftMs - backMs };
}
