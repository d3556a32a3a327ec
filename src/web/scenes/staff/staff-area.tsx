/**
 * The staff area under `/staff`: it checks once whether a staff session is
 * open (`GET /api/staff/me`), holds it in memory, and sends the person to
 * the sign-in page whenever a staff call answers 401. Signed-in pages get
 * the staff bar (name, navigation, "Sign out") above their content.
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import { Navigate, Outlet, useLocation, useNavigate } from 'react-router';
import { ApiError } from '../../api/client.ts';
import {
  fetchMe,
  revokeAllSessions,
  setUnauthenticatedListener,
  signOut as endSession,
  type StaffSession,
} from '../../api/staff-api.ts';
import { Loading } from '../../components/content.tsx';
import { LoadProblem } from '../../components/problem.tsx';
import { StaffBar } from '../../components/staff-bar.tsx';
import { StaffAreaContext, useStaffArea, type SignedOutState, type StaffArea } from './staff-session.ts';
import { SealExpiryBanner } from '../admin/integrations/seal-expiry-banner.tsx';

function loginPath(next: string): string {
  return `/staff/login?next=${encodeURIComponent(next)}`;
}

/** The layout route of `/staff`. */
export function StaffAreaLayout() {
  const navigate = useNavigate();
  const location = useLocation();
  const [session, setSessionState] = useState<StaffSession | null>(null);
  const [signedOut, setSignedOut] = useState<SignedOutState | null>(null);
  const [checking, setChecking] = useState(true);
  const [problem, setProblem] = useState<unknown>(null);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    const controller = new AbortController();
    fetchMe(controller.signal).then(
      (s) => {
        setSessionState(s);
        setChecking(false);
      },
      (error: unknown) => {
        if (controller.signal.aborted) return;
        // 401 simply means "not signed in"; anything else is a failure worth showing.
        if (!(error instanceof ApiError && error.status === 401)) setProblem(error);
        setChecking(false);
      },
    );
    return () => controller.abort();
  }, [attempt]);

  // The current address, read when a call fails rather than captured when the listener was set.
  const here = `${location.pathname}${location.search}`;
  useEffect(
    () =>
      setUnauthenticatedListener(() => {
        setSessionState(null);
        void navigate(loginPath(here), { replace: true });
      }),
    [navigate, here],
  );

  const setSession = useCallback((next: StaffSession) => {
    setSignedOut(null);
    setSessionState(next);
  }, []);
  const signOut = useCallback(async () => {
    if (session) {
      try {
        await endSession(session.csrfToken);
      } catch {
        // Already ended on the server (expired, or signed out elsewhere): forget it here too.
      }
    }
    // <RequireStaff> then sends the person to the sign-in page, saying they signed out.
    setSignedOut({ signedOut: true });
    setSessionState(null);
  }, [session]);
  const signOutEverywhere = useCallback(async () => {
    if (!session) return;
    // Failures (offline, say) reach the page, which says so: the person must know the other devices are still signed in.
    const { ended } = await revokeAllSessions(session.csrfToken);
    setSignedOut({ signedOut: true, endedSessions: ended });
    setSessionState(null);
  }, [session]);
  const area = useMemo<StaffArea>(
    () => ({ session, signedOut, setSession, signOut, signOutEverywhere }),
    [session, signedOut, setSession, signOut, signOutEverywhere],
  );

  if (checking) return <Loading />;
  if (problem) {
    return (
      <LoadProblem
        error={problem}
        onRetry={() => {
          setProblem(null);
          setChecking(true);
          setAttempt((n) => n + 1);
        }}
      />
    );
  }
  return (
    <StaffAreaContext.Provider value={area}>
      <div className="staff">
        <Outlet />
      </div>
    </StaffAreaContext.Provider>
  );
}

/** Renders its pages only with a session; otherwise goes to the sign-in page and comes back after. */
export function RequireStaff() {
  const { session, signedOut, signOut } = useStaffArea();
  const location = useLocation();
  if (!session && signedOut) return <Navigate to="/staff/login" replace state={signedOut} />;
  if (!session) return <Navigate to={loginPath(`${location.pathname}${location.search}`)} replace />;
  return (
    <>
      <StaffBar staff={session.staff} onSignOut={signOut} />
      <SealExpiryBanner role={session.staff.role} />
      <Outlet />
    </>
  );
}
