/** What the R3F bench page (`bench-page.tsx`) offers `bench/r3f.ts`, on `window.vantageR3fBench`. */
import type { ClientOptions, ClientStats } from '@vantage/sdk-core';

/** How to set the page up. */
export interface R3fBenchSetup {
  client: Pick<ClientOptions, 'endpoint' | 'key' | 'sceneId' | 'flushIntervalMs'>;
  track: boolean;
  grid?: number;
  size?: [number, number];
  tuning?: Record<string, number>;
}

export interface R3fBenchPage {
  open(setup: R3fBenchSetup): Promise<void>;
  /** Turn the camera around the grid by `degrees` over `ms`. */
  orbit(degrees: number, ms: number): Promise<void>;
  measure(frames: number): Promise<{ msPerFrame: number; connectorMsPerFrame: number }>;
  stats(): ClientStats;
}

declare global {
  interface Window {
    vantageR3fBench: R3fBenchPage;
  }
}

