/**
 * The citizen area behind the personal link `/a/:token`. It holds the session
 * (the cookie is HttpOnly; the CSRF token and appointment live in memory) and
 * gives it to the pages below. A tab that already signed in with this link
 * resumes the session; any other visit asks for the password.
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import { Navigate, Outlet, useOutletContext, useParams } from 'react-router';
import { fetchSession } from '../../api/citizen-api.ts';
import { ApiError } from '../../api/client.ts';
import type { CitizenAppointmentView, CitizenSession } from '../../api/types.ts';
import { Loading } from '../../components/content.tsx';
import { readStored, writeStored } from '../../hooks/use-stored-state.ts';

const TOKEN_KEY = 'citizen-token';

/** What the citizen-area pages receive. */
export interface CitizenArea {
  token: string;
  session: CitizenSession | null;
  /** Stores a new session (after sign-in) or forgets it (sign-out: null). */
  setSession: (session: CitizenSession | null) => void;
  /** Replaces the appointment after a change or cancellation. */
  setAppointment: (appointment: CitizenAppointmentView) => void;
  /** `/a/<token>`. */
  base: string;
}

/** True when the server no longer recognises the session (expired cookie): sign in again. */
export function isSessionExpired(error: unknown): boolean {
  return error instanceof ApiError && error.status === 401;
}

/** The citizen area's state, for pages rendered inside it. */
export function useCitizenArea(): CitizenArea {
  return useOutletContext<CitizenArea>();
}

/** The same, for pages that need a signed-in session (guarded by {@link RequireSession}). */
export function useCitizenSession(): CitizenArea & { session: CitizenSession } {
  const area = useCitizenArea();
  const { session } = area;
  if (!session) throw new Error('useCitizenSession() used outside <RequireSession>');
  return { ...area, session };
}

/** Sends visitors without a session to the password page of the link. */
export function RequireSession() {
  const area = useCitizenArea();
  if (!area.session) return <Navigate to={area.base} replace />;
  return <Outlet context={area} />;
}

/** The layout route of `/a/:token`; another link (token) starts from a clean state. */
export function CitizenAreaLayout() {
  const { token = '' } = useParams();
  return <CitizenAreaState key={token} token={token} />;
}

function CitizenAreaState({ token }: { token: string }) {
  const [session, setSessionState] = useState<CitizenSession | null>(null);
  const [checking, setChecking] = useState(() => readStored<string | null>(TOKEN_KEY, null) === token);

  useEffect(() => {
    if (!checking) return;
    const controller = new AbortController();
    fetchSession(controller.signal).then(
      (s) => {
        setSessionState(s);
        setChecking(false);
      },
      () => {
        if (controller.signal.aborted) return;
        writeStored(TOKEN_KEY, null);
        setChecking(false);
      },
    );
    return () => controller.abort();
  }, [checking]);

  const setSession = useCallback(
    (next: CitizenSession | null) => {
      writeStored(TOKEN_KEY, next ? token : null);
      setSessionState(next);
    },
    [token],
  );
  const setAppointment = useCallback((appointment: CitizenAppointmentView) => {
    setSessionState((previous) => (previous ? { ...previous, appointment } : previous));
  }, []);
  const area = useMemo<CitizenArea>(
    () => ({ token, session, setSession, setAppointment, base: `/a/${encodeURIComponent(token)}` }),
    [token, session, setSession, setAppointment],
  );

  if (checking) return <Loading />;
  return <Outlet context={area} />;
}
