/**
 * The staff session as the pages see it: who is signed in and the CSRF token
 * for state changes, both kept in memory only (the session itself is an
 * HttpOnly cookie; after a reload `GET /api/staff/me` gives them back).
 */
import { createContext, useContext, useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import type { StaffSession } from '../../api/staff-api.ts';
import { useOrganisation } from '../../hooks/use-organisation.ts';

/** Router state of the sign-in page after signing out on purpose, to confirm it. */
export interface SignedOutState {
  signedOut: true;
  /** Set after "Sign out on every device": how many sessions the server ended. */
  endedSessions?: number;
}

/** What the staff pages receive from the staff area. */
export interface StaffArea {
  session: StaffSession | null;
  /** Set right after "Sign out" (here or everywhere), until the next sign-in. */
  signedOut: SignedOutState | null;
  /** Stores the session after signing in, or again after the account changed. */
  setSession: (session: StaffSession) => void;
  /** Ends the session on the server; the signed-in pages then give way to the sign-in page. */
  signOut: () => Promise<void>;
  /** Ends every session of this person, this one included; throws when the server could not do it. */
  signOutEverywhere: () => Promise<void>;
}

/** Context holding the staff area's state (provided by `StaffAreaLayout`). */
export const StaffAreaContext = createContext<StaffArea | null>(null);

/** The staff area's state; only valid below `StaffAreaLayout`. */
export function useStaffArea(): StaffArea {
  const area = useContext(StaffAreaContext);
  if (!area) throw new Error('useStaffArea() used outside the staff area');
  return area;
}

/** The signed-in session; only valid below `RequireStaff`, which renders children only with one. */
export function useStaffSession(): StaffSession {
  const { session } = useStaffArea();
  if (!session) throw new Error('useStaffSession() used outside <RequireStaff>');
  return session;
}

/** True for supervisors and admins, who see every agent's appointments and may reassign them. */
export function canSeeAllAgents(session: StaffSession): boolean {
  return session.staff.role === 'supervisor' || session.staff.role === 'admin';
}

/** Sets `document.title` as "Page – Staff area – Organisation", prefixed "Error:" while errors show (WCAG 2.4.2). */
export function useStaffPageTitle(page: string, hasErrors = false): void {
  const { t } = useTranslation();
  const organisation = useOrganisation();
  useEffect(() => {
    const title = t('layout.documentTitle', { page, service: t('staff.serviceName'), organisation: organisation.name });
    document.title = hasErrors ? t('layout.errorTitle', { title }) : title;
  }, [t, page, hasErrors, organisation.name]);
}

/** Where to go after signing in: `next` when it is a staff page, the agenda otherwise (never another site). */
export function safeNext(next: string | null): string {
  if (next && /^\/staff(\/|$|\?)/.test(next) && !next.startsWith('/staff/login')) return next;
  return '/staff';
}
