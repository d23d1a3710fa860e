/**
 * `<Replay>`: `createReplay` as a React component. Mounting creates the viewer in a `div`,
 * unmounting disposes it. A new `stream`, `live` source, `scene.modelUrl` or `scene.proxy`
 * creates it again (a new `scene` object with the same contents does not); `speed` and
 * `skipInactivity` are applied to the running viewer. The viewer's module (three.js) is imported
 * when the component mounts, so importing this on a server touches no browser API.
 */
import { createElement, useEffect, useRef, type CSSProperties, type ReactElement } from 'react';
import type { CreateReplayOptions, ReplayHandle } from './create-replay.js';

/** Props of {@link Replay}: `createReplay`'s options without the container, plus the div's look. */
export interface ReplayProps extends Omit<CreateReplayOptions, 'container'> {
  /** Class of the wrapping div (give it a size). */
  className?: string;
  /** Style of the wrapping div; default `width: 100%; height: 100%`. */
  style?: CSSProperties;
  /** Called with the running viewer once created (and again after it is re-created). */
  onReady?: (handle: ReplayHandle) => void;
}

/** A session replay (see {@link ReplayProps}); the handle comes through `onReady`. */
export function Replay(props: ReplayProps): ReactElement {
  const container = useRef<HTMLDivElement | null>(null);
  const handle = useRef<ReplayHandle | null>(null);
  const latest = useRef(props);
  latest.current = props;
  const { stream, scene, live, speed, skipInactivity } = props;

  useEffect(() => {
    let cancelled = false;
    let created: ReplayHandle | null = null;
    import('./create-replay.js').then(
      ({ createReplay }) => {
        const element = container.current;
        if (cancelled || element === null) return;
        const { className: _c, style: _s, onReady, ...options } = latest.current;
        created = createReplay({ ...options, container: element });
        handle.current = created;
        onReady?.(created);
      },
      (error: unknown) => {
        const problem = new Error(`Vantage: <Replay> could not load the viewer: ${error instanceof Error ? error.message : String(error)}`);
        (latest.current.onError ?? ((e: Error) => console.warn(e.message)))(problem);
      },
    );
    return () => {
      cancelled = true;
      created?.dispose();
      handle.current = null;
    };
  }, [stream, scene?.modelUrl, scene?.proxy, live]);

  useEffect(() => {
    if (speed !== undefined) handle.current?.setSpeed(speed);
  }, [speed]);
  useEffect(() => {
    if (skipInactivity !== undefined) handle.current?.setSkipInactivity(skipInactivity);
  }, [skipInactivity]);

  return createElement('div', {
    ref: container,
    className: props.className,
    style: props.style ?? { width: '100%', height: '100%' },
    'data-vantage-replay': '',
  });
}
