/**
 * Loads the document space and keeps it current: again when the language
 * changes (slot names come translated), after each upload or withdrawal,
 * and every few seconds while a document is being scanned.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { DocumentSpaceView } from '../../../../shared/documents.ts';
import { fetchDocumentSpace } from '../../../api/documents-api.ts';
import { isAbort } from '../../../api/client.ts';
import type { LoadState } from '../../../hooks/use-load.ts';
import { isSessionExpired } from '../citizen-area.tsx';
import { isScanning } from './space-summary.ts';

/** How often the page asks again while a scan is running. */
export const SCAN_POLL_MS = 3_000;

/** The document space, a way to fetch it again now, and a retry after a failed first load. */
export interface DocumentSpace {
  state: LoadState<DocumentSpaceView>;
  /** Fetches again, keeping the current view on screen meanwhile. */
  refresh: () => void;
  retry: () => void;
}

/** The document space of the signed-in appointment; `onSessionExpired` runs on a 401. */
export function useDocumentSpace(language: string, onSessionExpired: () => void): DocumentSpace {
  const [state, setState] = useState<LoadState<DocumentSpaceView>>({ status: 'loading' });
  const [generation, setGeneration] = useState(0);
  const expired = useRef(onSessionExpired);
  expired.current = onSessionExpired;

  useEffect(() => {
    const controller = new AbortController();
    fetchDocumentSpace(controller.signal).then(
      (data) => {
        if (!controller.signal.aborted) setState({ status: 'ready', data });
      },
      (error: unknown) => {
        if (controller.signal.aborted || isAbort(error)) return;
        if (isSessionExpired(error)) {
          expired.current();
          return;
        }
        // A failed refresh keeps what is on screen; only a failed first load shows the problem.
        setState((previous) => (previous.status === 'ready' ? previous : { status: 'error', error }));
      },
    );
    return () => controller.abort();
  }, [language, generation]);

  const scanning = state.status === 'ready' && isScanning(state.data);
  useEffect(() => {
    if (!scanning) return;
    const timer = window.setTimeout(() => setGeneration((n) => n + 1), SCAN_POLL_MS);
    return () => window.clearTimeout(timer);
  }, [scanning, state]);

  const refresh = useCallback(() => setGeneration((n) => n + 1), []);
  const retry = useCallback(() => {
    setState({ status: 'loading' });
    setGeneration((n) => n + 1);
  }, []);
  return { state, refresh, retry };
}
