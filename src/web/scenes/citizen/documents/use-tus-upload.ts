/**
 * The uploads of one document space, through the tus 1.0 protocol
 * (tus-js-client): one upload at a time per slot, in 8 MiB chunks, with
 * pause and resume, retries when the connection drops or the server
 * restarts, and resumption after a page reload when the same file is chosen
 * again (its URL is remembered under a fingerprint, see resume-store.ts).
 * It also lists the unfinished uploads of earlier visits with how far they got.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Upload } from 'tus-js-client';
import { OTHER_SLOT } from '../../../../shared/documents.ts';
import { problemMessage } from '../../../components/problem.tsx';
import { uploadFingerprint } from './resume-store.ts';
import { addSample, bytesPerSecond, type ProgressSample } from './transfer-stats.ts';
import {
  continueEarlierUpload,
  createTusUpload,
  discardStored,
  forgetFingerprint,
  storedProgressOf,
  type StoredProgress,
} from './tus-client.ts';
import { isResumableFailure, shouldRetryUpload } from './upload-policy.ts';

/** An unfinished upload of an earlier visit (see tus-client.ts). */
export type { StoredProgress } from './tus-client.ts';

/**
 * Where an upload is: `preparing` (making the PDF of photos), `uploading`,
 * `reconnecting` (retrying after a network failure), `paused` by the
 * citizen, `offline` (waits for the connection), `stalled` (retries ran out:
 * "Resume" tries again), `done` (every byte accepted).
 */
export type UploadPhase = 'preparing' | 'uploading' | 'reconnecting' | 'paused' | 'offline' | 'stalled' | 'done';

/** Which control started an upload, so an error links back to it. */
export type UploadSource = 'file' | 'photos';

/** One slot's upload, as the page shows it. */
export interface SlotUpload {
  phase: UploadPhase;
  fileName: string;
  bytesSent: number;
  bytesTotal: number;
  /** Moving average in bytes per second; null while it is being measured. */
  speed: number | null;
  /** True when it continues an upload of an earlier visit. */
  resumed: boolean;
  source: UploadSource;
}

/** A slot's failed upload: the message to show and the control it came from. */
export interface UploadFailure {
  message: string;
  source: UploadSource;
}

/** What the hook needs from the page. */
export interface UploadSettings {
  /** The organisation's address (origin + path prefix). */
  scope: string;
  /** The appointment's reference. */
  appointment: string;
  csrfToken: string;
  language: string;
  /** Called when an upload has finished, to fetch the document space again. */
  onUploaded: (slot: string) => void;
  /** Called when the server no longer knows the session (401). */
  onSessionExpired: () => void;
  /** Absolute URL of the tus creation endpoint, when not the citizen's own (a phone session's). */
  endpoint?: string | undefined;
}

/** The uploads and what the page can do with them. */
export interface UploadController {
  uploads: Readonly<Record<string, SlotUpload>>;
  failures: Readonly<Record<string, UploadFailure>>;
  /** Unfinished uploads of earlier visits (not the ones running now), newest first. */
  stored: readonly StoredProgress[];
  /** Starts (or, for a chosen file seen before, continues) an upload to `slot`. */
  start: (slot: string, file: File, source: UploadSource) => void;
  /** Shows "preparing" while the PDF of photos is made. */
  prepare: (slot: string, fileName: string) => void;
  /** Records a problem found before uploading (a wrong type, an unreadable photo). */
  fail: (slot: string, failure: UploadFailure) => void;
  clearFailure: (slot: string) => void;
  pause: (slot: string) => void;
  resume: (slot: string) => void;
  /** Stops an upload and deletes what the server received. */
  cancel: (slot: string) => void;
  /** Forgets a finished (`done`) upload's progress box. */
  dismiss: (slot: string) => void;
  /** Deletes an unfinished upload of an earlier visit. */
  discard: (stored: StoredProgress) => void;
}

interface Running {
  /** Set right after the entry is made (the upload's callbacks need the entry first). */
  upload: Upload | null;
  phase: UploadPhase;
  samples: ProgressSample[];
  renderedAt: number;
  fingerprint: string;
}

/** Progress is drawn at most this often; XHR progress events come far faster. */
const RENDER_INTERVAL_MS = 250;

/** A stalled upload (retries used up, browser online: e.g. a long server restart) tries again this often. */
const STALLED_RETRY_MS = 30_000;

function without<T>(record: Readonly<Record<string, T>>, key: string): Record<string, T> {
  if (!(key in record)) return record;
  const copy = { ...record };
  delete copy[key];
  return copy;
}

/** The tus uploads of the document space of `settings.appointment`. */
export function useTusUpload(settings: UploadSettings): UploadController {
  const { t } = useTranslation();
  const [uploads, setUploads] = useState<Record<string, SlotUpload>>({});
  const [failures, setFailures] = useState<Record<string, UploadFailure>>({});
  const [stored, setStored] = useState<StoredProgress[]>([]);
  const running = useRef(new Map<string, Running>());
  const storedRef = useRef(stored);
  storedRef.current = stored;
  // Callbacks of running uploads read the latest settings (a new CSRF token after signing in again, the language).
  const current = useRef(settings);
  current.current = settings;
  const tRef = useRef(t);
  tRef.current = t;
  const { scope, appointment, endpoint } = settings;

  // tus-js-client adds Tus-Resumable itself (XHR would join a second one into "1.0.0, 1.0.0").
  const headers = useCallback(
    (): Record<string, string> => ({
      'X-CSRF-Token': current.current.csrfToken,
      'Accept-Language': current.current.language,
    }),
    [],
  );

  const refreshStored = useCallback(async () => {
    setStored(await storedProgressOf(scope, appointment, headers));
  }, [scope, appointment, headers]);

  const setPhase = useCallback((slot: string, entry: Running, phase: UploadPhase) => {
    entry.phase = phase;
    if (phase !== 'uploading') entry.samples = [];
    setUploads((previous) => {
      const upload = previous[slot];
      if (!upload || upload.phase === phase) return previous;
      return { ...previous, [slot]: { ...upload, phase, speed: phase === 'uploading' ? upload.speed : null } };
    });
  }, []);

  const isCurrent = (slot: string, entry: Running): boolean => running.current.get(slot) === entry;

  const finish = useCallback((slot: string, entry: Running) => {
    if (isCurrent(slot, entry)) running.current.delete(slot);
  }, []);

  const start = useCallback(
    (slot: string, file: File, source: UploadSource) => {
      if (running.current.has(slot)) return;
      setFailures((previous) => without(previous, slot));
      // Photos become a new PDF each time: nothing to find again after a reload, so nothing is remembered.
      const resumable = source === 'file';
      const fingerprint = uploadFingerprint({ scope, appointment, slot, fileName: file.name, size: file.size, lastModified: file.lastModified });
      const entry: Running = { upload: null, phase: 'uploading', samples: [], renderedAt: 0, fingerprint };
      const upload = createTusUpload(
        file,
        { slot, fingerprint, resumable, headers, endpoint },
        {
          onProgress: (sent, total) => {
            if (!isCurrent(slot, entry)) return;
            const now = performance.now();
            if (entry.phase !== 'uploading') setPhase(slot, entry, 'uploading');
            entry.samples = addSample(entry.samples, { at: now, bytes: sent });
            if (now - entry.renderedAt < RENDER_INTERVAL_MS && sent < total) return;
            entry.renderedAt = now;
            const speed = bytesPerSecond(entry.samples);
            setUploads((previous) => {
              const shown = previous[slot];
              return shown ? { ...previous, [slot]: { ...shown, bytesSent: sent, bytesTotal: total, speed } } : previous;
            });
          },
          shouldRetry: ({ status, error }) => {
            const retry = shouldRetryUpload(status, error, navigator.onLine);
            if (retry && isCurrent(slot, entry)) setPhase(slot, entry, 'reconnecting');
            return retry;
          },
          onError: ({ status, error, unreadable }) => {
            if (!isCurrent(slot, entry)) return;
            const stop = (failure: UploadFailure | null) => {
              finish(slot, entry);
              setUploads((previous) => without(previous, slot));
              if (failure) setFailures((previous) => ({ ...previous, [slot]: failure }));
            };
            if (status === 401) {
              stop(null);
              current.current.onSessionExpired();
            } else if (unreadable) {
              // Not the network: the browser could not read the file (moved, changed or deleted meanwhile).
              stop({ message: tRef.current('uploads.errors.unreadable'), source });
            } else if (error && !isResumableFailure(status)) {
              // The server refused the file: say why; continuing it would only be refused again.
              void forgetFingerprint(fingerprint).catch(() => undefined);
              stop({ message: problemMessage(error, tRef.current), source });
            } else {
              setPhase(slot, entry, navigator.onLine ? 'stalled' : 'offline');
            }
          },
          onSuccess: () => {
            if (!isCurrent(slot, entry)) return;
            finish(slot, entry);
            entry.phase = 'done';
            setUploads((previous) => {
              const shown = previous[slot];
              return shown ? { ...previous, [slot]: { ...shown, phase: 'done', bytesSent: shown.bytesTotal, speed: null } } : previous;
            });
            current.current.onUploaded(slot);
            // A required slot holds one document: unfinished uploads of other files for it are now pointless.
            if (slot !== OTHER_SLOT) {
              const stale = storedRef.current.filter((s) => s.slot === slot);
              for (const s of stale) discardStored(s, headers);
              if (stale.length > 0) setStored((previous) => previous.filter((s) => !stale.includes(s)));
            }
          },
        },
      );
      entry.upload = upload;
      running.current.set(slot, entry);
      setUploads((previous) => ({
        ...previous,
        [slot]: { phase: 'uploading', fileName: file.name, bytesSent: 0, bytesTotal: file.size, speed: null, resumed: false, source },
      }));

      const begin = async () => {
        if (resumable && (await continueEarlierUpload(upload))) {
          setUploads((shown) => {
            const mine = shown[slot];
            return mine ? { ...shown, [slot]: { ...mine, resumed: true } } : shown;
          });
        }
        if (isCurrent(slot, entry)) upload.start();
      };
      void begin().catch(() => upload.start());

      // The notice of an earlier upload of this very file goes: it is being continued.
      const continued = storedRef.current.filter((s) => s.urlStorageKey.startsWith(`tus::${fingerprint}::`));
      if (continued.length > 0) setStored((previous) => previous.filter((s) => !continued.includes(s)));
    },
    [scope, appointment, endpoint, headers, setPhase, finish],
  );

  const pause = useCallback(
    (slot: string) => {
      const entry = running.current.get(slot);
      if (!entry) return;
      void entry.upload?.abort();
      setPhase(slot, entry, 'paused');
    },
    [setPhase],
  );

  const resume = useCallback(
    (slot: string) => {
      const entry = running.current.get(slot);
      if (!entry || entry.phase === 'uploading' || entry.phase === 'reconnecting') return;
      setPhase(slot, entry, 'uploading');
      // With its URL known, start() asks the server for the offset (HEAD) and goes on from there.
      entry.upload?.start();
    },
    [setPhase],
  );

  const cancel = useCallback(
    (slot: string) => {
      const entry = running.current.get(slot);
      if (!entry) return;
      running.current.delete(slot);
      setUploads((previous) => without(previous, slot));
      // abort(true) also sends the tus DELETE (termination) when the upload was created.
      void entry.upload?.abort(true).catch(() => undefined);
      void forgetFingerprint(entry.fingerprint).catch(() => undefined);
    },
    [],
  );

  const discard = useCallback(
    (upload: StoredProgress) => {
      setStored((previous) => previous.filter((s) => s.urlStorageKey !== upload.urlStorageKey));
      discardStored(upload, headers);
    },
    [headers],
  );

  const prepare = useCallback((slot: string, fileName: string) => {
    if (running.current.has(slot)) return;
    setFailures((previous) => without(previous, slot));
    setUploads((previous) => ({
      ...previous,
      [slot]: { phase: 'preparing', fileName, bytesSent: 0, bytesTotal: 0, speed: null, resumed: false, source: 'photos' },
    }));
  }, []);

  const fail = useCallback((slot: string, failure: UploadFailure) => {
    if (running.current.has(slot)) return;
    setUploads((previous) => without(previous, slot));
    setFailures((previous) => ({ ...previous, [slot]: failure }));
  }, []);

  const clearFailure = useCallback((slot: string) => setFailures((previous) => without(previous, slot)), []);

  const dismiss = useCallback((slot: string) => {
    if (running.current.has(slot)) return;
    setUploads((previous) => without(previous, slot));
  }, []);

  // Unfinished uploads of earlier visits, once per appointment.
  useEffect(() => {
    void refreshStored().catch(() => undefined);
  }, [refreshStored]);

  // Back online: continue what the network interrupted, without waiting for a click.
  useEffect(() => {
    const onOnline = () => {
      for (const [slot, entry] of running.current) if (entry.phase === 'offline' || entry.phase === 'stalled') resume(slot);
    };
    window.addEventListener('online', onOnline);
    return () => window.removeEventListener('online', onOnline);
  }, [resume]);

  // Stalled with the browser online (the server is taking long to come back): keep trying now and then.
  const anyStalled = Object.values(uploads).some((u) => u.phase === 'stalled');
  useEffect(() => {
    if (!anyStalled) return;
    const timer = window.setInterval(() => {
      for (const [slot, entry] of running.current) if (entry.phase === 'stalled') resume(slot);
    }, STALLED_RETRY_MS);
    return () => window.clearInterval(timer);
  }, [anyStalled, resume]);

  // Leaving the page stops the uploads without deleting them: choosing the same file later continues them.
  useEffect(() => {
    const uploadsNow = running.current;
    return () => {
      for (const entry of uploadsNow.values()) void entry.upload?.abort();
      uploadsNow.clear();
    };
  }, []);

  const runningSlots = new Set(Object.keys(uploads));
  return {
    uploads,
    failures,
    stored: stored.filter((s) => !runningSlots.has(s.slot) || s.slot === OTHER_SLOT),
    start,
    prepare,
    fail,
    clearFailure,
    pause,
    resume,
    cancel,
    dismiss,
    discard,
  };
}
