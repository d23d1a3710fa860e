/**
 * Messages between the main thread and the PGlite worker (`pglite-worker.ts`). Values cross by
 * structured clone, so Dates, Uint8Arrays and bigints survive; functions do not.
 */
import type { RowMode } from './driver.js';
import type { StoreErrorFields } from './errors.js';
import type { Row, SqlStatement } from './types.js';

/** `workerData` of the worker: where PGlite keeps its files. */
export interface WorkerInit {
  dataDir: string;
}

/** A request; the worker answers each with a {@link WorkerReply} of the same `id`, in order. */
export type WorkerRequest =
  | { id: number; op: 'query'; sql: string; params: readonly unknown[]; rowMode: RowMode }
  | { id: number; op: 'transaction'; statements: readonly SqlStatement[] }
  | { id: number; op: 'close' };

/** An error as it crosses the thread boundary; `sql` is set when the database refused. */
export interface WireError {
  name: string;
  message: string;
  sql?: StoreErrorFields | undefined;
}

/** The answer to a request, or (id 0) the worker's start-up outcome. */
export type WorkerReply =
  | { id: number; ok: true; result: unknown[] | Row[][] }
  | { id: number; ok: false; error: WireError };

/** The id of the start-up reply: ok once PGlite is open and ready for requests. */
export const STARTUP_ID = 0;
