/**
 * The Node flags the collector runs with: `npm start`, the Docker image and the benchmark all
 * start `node` with exactly these (a test holds the three together).
 *
 * `--max-semi-space-size=64` gives V8's young generation room for what a busy collector holds
 * between a request and its commit: every acknowledged batch lives until its flush is durable,
 * ~100 ms under heavy load. With the default (16 MB semi-spaces) those batches outlive two
 * scavenges, get promoted and are then collected by the far costlier old-generation GC; at 512
 * requests in flight the CPU profile put 18 % of the collector's samples in garbage collection, 7 %
 * with 64 MB. The young generation can then take up to 3 × 64 MB more memory under that load.
 */
export const COLLECTOR_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=64'];

/**
 * Those of {@link COLLECTOR_NODE_FLAGS} this process was started without: a flag counts as given
 * when its name (the part before `=`) is among `execArgv` or in `NODE_OPTIONS`, whatever its value.
 */
export function missingNodeFlags(execArgv: readonly string[] = process.execArgv, nodeOptions: string = process.env.NODE_OPTIONS ?? ''): string[] {
  const given = new Set([...execArgv, ...nodeOptions.split(/\s+/)].map((arg) => arg.split('=')[0]));
  return COLLECTOR_NODE_FLAGS.filter((flag) => !given.has(flag.split('=')[0]));
}
