/**
 * `@vantage/replay-viewer/react` — the replay as a React component, `<Replay stream scene />`.
 * React is a peer dependency; importing this entry is safe during server-side rendering.
 */
export { Replay, type ReplayProps } from './replay-component.js';
export type { CreateReplayOptions, ReplayHandle } from './create-replay.js';
export type { ReplayStream, ReplayScene, LiveSource } from './stream.js';
