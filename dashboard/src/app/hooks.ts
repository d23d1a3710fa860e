/**
 * `useApi(path)`: a GET answer, reloaded when the path changes, with its loading and error
 * state, and `reload()` after a write.
 */
import { useCallback, useEffect, useState } from 'react';
import { getJson } from './api.js';

/** The state of one GET. */
export interface ApiState<T> {
  data: T | undefined;
  error: Error | undefined;
  loading: boolean;
  reload(): void;
}

/** An answer and the request (path and scope) it answers. */
interface Answer<T> {
  key: string;
  data?: T;
  error?: Error;
}

/**
 * Load `path` (null: nothing to load yet); a new `scopeKey` (e.g. the project) loads it again.
 * An answer is only ever shown for the path and scope it was asked for: after either changes,
 * `data` is undefined until the new answer arrives (never another project's or scene's numbers
 * while loading), whereas `reload()` keeps showing the current answer until the fresh one is in.
 */
export function useApi<T>(path: string | null, scopeKey = ''): ApiState<T> {
  const key = path === null ? null : `${scopeKey}\u0000${path}`;
  const [answer, setAnswer] = useState<Answer<T> | undefined>(undefined);
  const [pending, setPending] = useState(0);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (path === null || key === null) return;
    let live = true;
    setPending((n) => n + 1);
    getJson<T>(path).then(
      (value) => {
        if (live) setAnswer({ key, data: value });
      },
      (problem: unknown) => {
        // A failed reload keeps the answer it meant to refresh, next to the error.
        const error = problem instanceof Error ? problem : new Error(String(problem));
        if (live) setAnswer((previous) => ({ key, data: previous?.key === key ? previous.data : undefined, error }));
      },
    ).finally(() => setPending((n) => n - 1));
    return () => {
      live = false;
    };
  }, [path, key, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  const current = answer !== undefined && answer.key === key ? answer : undefined;
  return { data: current?.data, error: current?.error, loading: key !== null && (current === undefined || pending > 0), reload };
}
