/** Loads data for a page, with loading and error states and cancellation on unmount. */
import { useCallback, useEffect, useState } from 'react';
import { isAbort } from '../api/client.ts';

/** The state of one load. */
export type LoadState<T> =
  | { status: 'loading' }
  | { status: 'error'; error: unknown }
  | { status: 'ready'; data: T };

/**
 * Runs `load` whenever one of `deps` changes (e.g. the UI language, since
 * the server localises names). Returns the state and a retry function.
 */
export function useLoad<T>(load: (signal: AbortSignal) => Promise<T>, deps: readonly unknown[]): [LoadState<T>, () => void] {
  const [state, setState] = useState<LoadState<T>>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    const controller = new AbortController();
    setState((previous) => (previous.status === 'ready' ? previous : { status: 'loading' }));
    load(controller.signal).then(
      (data) => {
        if (!controller.signal.aborted) setState({ status: 'ready', data });
      },
      (error: unknown) => {
        if (!controller.signal.aborted && !isAbort(error)) setState({ status: 'error', error });
      },
    );
    return () => controller.abort();
    // `load` is a fresh closure each render; `deps` say when to run it again.
  }, [...deps, attempt]);
  const retry = useCallback(() => {
    setState({ status: 'loading' });
    setAttempt((n) => n + 1);
  }, []);
  return [state, retry];
}
