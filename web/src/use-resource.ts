import { useCallback, useEffect, useRef, useState } from 'react';
import type { DependencyList } from 'react';

/** The state of data loaded by {@link useResource}. */
export interface Resource<T> {
  /** The latest successful result for the current inputs. */
  data: T | undefined;
  /** The latest failure; kept alongside older `data` when a refresh fails. */
  error: Error | undefined;
  /** True until the first result (or failure) for the current inputs arrives. */
  loading: boolean;
  /** When `data` was last loaded (epoch ms). */
  updatedAt: number | null;
  /** Loads again now (after a retry click, or after the page changed something). */
  reload(): void;
}

interface State<T> {
  key: string;
  data: T | undefined;
  error: Error | undefined;
  updatedAt: number | null;
}

/**
 * Loads data for the given inputs, optionally polling. Results are tagged with the
 * inputs they belong to, so switching groups never shows the previous group's data,
 * and aborted or superseded requests never overwrite newer ones. Polling pauses while
 * the tab is hidden and catches up as soon as it is visible again.
 */
export function useResource<T>(load: (signal: AbortSignal) => Promise<T>, deps: DependencyList, options: { pollMs?: number } = {}): Resource<T> {
  const { pollMs } = options;
  const key = JSON.stringify(deps);
  const [state, setState] = useState<State<T>>({ key: '', data: undefined, error: undefined, updatedAt: null });
  const [nonce, setNonce] = useState(0);
  // The loader closes over the latest props; read it through a ref so it is not a dependency.
  const loadRef = useRef(load);
  useEffect(() => {
    loadRef.current = load;
  });

  // biome-ignore lint/correctness/useExhaustiveDependencies: `nonce` is how reload() asks for a fresh load
  useEffect(() => {
    let disposed = false;
    let inFlight = false;
    let timer: number | undefined;
    let controller: AbortController | undefined;
    let started = false;

    const schedule = () => {
      if (pollMs && !disposed) timer = window.setTimeout(run, pollMs);
    };
    const run = async () => {
      timer = undefined;
      if (inFlight || disposed) return;
      // Only the first load runs in a hidden tab; polls wait for the tab to come back.
      if (pollMs && document.hidden && started) return;
      started = true;
      inFlight = true;
      controller = new AbortController();
      try {
        const data = await loadRef.current(controller.signal);
        if (disposed) return;
        setState({ key, data, error: undefined, updatedAt: Date.now() });
      } catch (cause) {
        if (disposed) return;
        const error = cause instanceof Error ? cause : new Error(String(cause));
        setState((s) => (s.key === key ? { ...s, error } : { key, data: undefined, error, updatedAt: null }));
      } finally {
        inFlight = false;
      }
      schedule();
    };
    const onVisibility = () => {
      if (document.hidden || !pollMs) return;
      if (timer !== undefined) window.clearTimeout(timer);
      timer = undefined;
      void run();
    };

    void run();
    document.addEventListener('visibilitychange', onVisibility);
    return () => {
      disposed = true;
      if (timer !== undefined) window.clearTimeout(timer);
      controller?.abort();
      document.removeEventListener('visibilitychange', onVisibility);
    };
  }, [key, nonce, pollMs]);

  const reload = useCallback(() => {
    // Clear a shown error so the page reports "loading" again while retrying.
    setState((s) => (s.error ? { ...s, error: undefined } : s));
    setNonce((n) => n + 1);
  }, []);

  const current = state.key === key ? state : undefined;
  return {
    data: current?.data,
    error: current?.error,
    loading: !current || (current.data === undefined && current.error === undefined),
    updatedAt: current?.updatedAt ?? null,
    reload,
  };
}
