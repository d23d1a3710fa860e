/** What the connector test page (`scene-page.ts`) offers the tests, on `window.vantageThree`. */
import type { ClientOptions, ClientStats } from '@vantage/sdk-core';

/** How to set up the page's scene. */
export interface SceneSetup {
  client: ClientOptions;
  /** URL of a .glb to load, or a grid of `grid` boxes (per side, in a cube) when absent. */
  model?: string;
  grid?: number;
  /** Play the model's first animation. */
  animate?: boolean;
  /** Track with the connector (false: the same page without it, for the benchmark). */
  track?: boolean;
  /** Connector tuning (numbers only: functions cannot cross into the page). */
  tuning?: Record<string, number>;
}

/** A point of the canvas whose nearest hit (by three.js's own raycaster) is on `id`. */
export interface ScreenTarget {
  id: string;
  /** CSS pixels, page coordinates. */
  x: number;
  y: number;
  /** The world hit point three.js finds there. */
  point: [number, number, number];
}

/** An error the page's client or connector reported. */
export interface ReportedError {
  code: string;
  message: string;
}

export interface VantageThreePage {
  open(setup: SceneSetup): Promise<{ meshIds: string[] }>;
  /** Points of the canvas on each mesh id (a grid search with three's raycaster). */
  targets(): ScreenTarget[];
  /** Freeze or resume the animation. */
  setAnimating(on: boolean): void;
  /** Turn the camera around the scene's centre by `degrees` over `ms`. */
  orbit(degrees: number, ms: number): Promise<void>;
  /** World boxes (metres) of each mesh id, as three.js computes them now. */
  boxes(): Record<string, [number, number, number, number, number, number]>;
  /** Frames rendered so far. */
  frames(): number;
  stats(): ClientStats;
  errors(): ReportedError[];
  flush(): Promise<boolean>;
  stop(): Promise<void>;
  /** Throw from the connector's `include` filter from now on (to test that it never breaks the page). */
  breakFilter(): void;
  /** Add a mesh named `name` in front of the camera (a graph change). */
  addMesh(name: string): void;
  /** Average ms per frame of the render loop plus connector work over `frames` frames (benchmark). */
  measure(frames: number): Promise<{ msPerFrame: number; connectorMsPerFrame: number }>;
}

declare global {
  interface Window {
    vantageThree: VantageThreePage;
  }
}
