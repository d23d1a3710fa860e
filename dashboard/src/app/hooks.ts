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

/** Load `path` (null: nothing to load yet); a new `scopeKey` (e.g. the project) loads it again. */
export function useApi<T>(path: string | null, scopeKey = ''): ApiState<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<Error | undefined>(undefined);
  const [loading, setLoading] = useState(path !== null);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (path === null) return;
    let live = true;
    setLoading(true);
    getJson<T>(path).then(
      (value) => {
        if (!live) return;
        setData(value);
        setError(undefined);
        setLoading(false);
      },
      (problem: unknown) => {
        if (!live) return;
        setError(problem instanceof Error ? problem : new Error(String(problem)));
        setLoading(false);
      },
    );
    return () => {
      live = false;
    };
  }, [path, scopeKey, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data, error, loading, reload };
}
