/**
 * What the client test page exposes as `window.vantageTest`, for tests to drive with
 * `page.evaluate`. Shared by the page (which implements it) and the tests (which call it).
 */
import type { ClientOptions, RemoteConfig, VantageClient, createClient } from '@vantage/sdk-core';

/** An error the client reported through `onError`, as plain data. */
export interface RecordedError {
  code: string;
  message: string;
  count: number;
  status: number | undefined;
}

/** The test page's API. */
export interface VantageTestApi {
  createClient: typeof createClient;
  /** Create the client with `onError` and `onConfig` recorded (in `errors`, `configs`). */
  start(options: ClientOptions): VantageClient;
  client: VantageClient | undefined;
  errors: RecordedError[];
  configs: RemoteConfig[];
  /** `pagehide`/`pageshow` seen by the page, with `persisted`. */
  pageEvents: string[];
}

declare global {
  interface Window {
    vantageTest: VantageTestApi;
  }
}
