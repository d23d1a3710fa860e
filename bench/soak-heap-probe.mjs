// Preloaded into the soak's collector only (`node --expose-gc --import <this file>`): every
// VANTAGE_BENCH_HEAP_MS (default 30 s) a full garbage collection, then one line of
// `{"at": epoch ms, "heapUsed": bytes, "external": bytes}` appended to VANTAGE_BENCH_HEAP_FILE.
// What is left after a full collection is what the process really holds, without the
// collector's saw-tooth and without the pages V8 keeps committed, which RSS counts.
// Does nothing without the file or without `--expose-gc`; never keeps the process alive.
import { appendFileSync } from 'node:fs';

const file = process.env.VANTAGE_BENCH_HEAP_FILE;
const everyMs = Number(process.env.VANTAGE_BENCH_HEAP_MS) || 30_000;
const gc = globalThis.gc;
if (file && typeof gc === 'function') {
  const timer = setInterval(() => {
    gc();
    const { heapUsed, external } = process.memoryUsage();
    appendFileSync(file, `${JSON.stringify({ at: Date.now(), heapUsed, external })}\n`);
  }, everyMs);
  timer.unref();
}
