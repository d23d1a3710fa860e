/** What the replay test page (`replay-page.ts`) offers the tests, on `window.replayTest`. */
import type { VantageEvent } from '@vantage/sdk-core/schema';
import type { ReplayHandle, ReplayScene } from '@vantage/replay-viewer';

/** How to open a replay on the page. */
export interface ReplaySetup {
  /** URL of the stream JSON (a recorded fixture), or null for an empty live session. */
  stream: string | null;
  scene: ReplayScene;
  /** Seek here (epoch ms) once the scene is loaded. */
  at?: number;
  /** `createReplay` directly, or the React component. */
  mode?: 'vanilla' | 'react';
  /** Attach a live source the test feeds with {@link ReplayTestPage.push}. */
  live?: boolean;
  /** Viewer size in CSS pixels (default 800 × 560, the bar included). */
  size?: [number, number];
}

/** The camera as three.js holds it, and the canvas. */
export interface CameraReport {
  position: [number, number, number];
  quaternion: [number, number, number, number];
  fov: number;
  aspect: number;
  canvas: [number, number];
}

export interface ReplayTestPage {
  open(setup: ReplaySetup): Promise<void>;
  /** The running viewer (after `open`). */
  readonly handle: ReplayHandle | null;
  camera(): CameraReport;
  /** Feed the live source. */
  push(events: VantageEvent[]): void;
  /** Unmount the React component (mode `react`). */
  unmount(): void;
}

declare global {
  interface Window {
    replayTest: ReplayTestPage;
  }
}
