/**
 * The administration console's Staff and Organisation sections (issue 9) as
 * the web app calls them, plus the public invitation page's two calls.
 */
import type {
  EmailPreviewView,
  InvitationView,
  InviteRequest,
  OrganisationSettingsRequest,
  OrganisationSettingsView,
  PublicInvitationView,
  StaffChangeRequest,
  StaffListView,
} from '../../shared/admin-people.ts';
import type { Language } from '../../shared/limits.ts';
import { apiRequest } from './client.ts';
import { staffRequest, type StaffSession } from './staff-api.ts';

const staffPath = (id: string) => `/api/admin/staff/${encodeURIComponent(id)}`;
const invitationPath = (id: string) => `/api/admin/staff/invitations/${encodeURIComponent(id)}`;

/** The team, the open invitations and the offices. */
export function fetchStaffList(signal?: AbortSignal): Promise<StaffListView> {
  return staffRequest<StaffListView>('/api/admin/staff', { signal });
}

/** Invites a colleague by email. */
export function inviteStaff(csrfToken: string, body: InviteRequest): Promise<InvitationView> {
  return staffRequest<InvitationView>('/api/admin/staff/invitations', { method: 'POST', body, csrfToken });
}

/** Sends a new link (the old one stops working). */
export function resendInvitation(csrfToken: string, id: string): Promise<InvitationView> {
  return staffRequest<InvitationView>(`${invitationPath(id)}/resend`, { method: 'POST', body: {}, csrfToken });
}

/** Withdraws an invitation. */
export function revokeInvitation(csrfToken: string, id: string): Promise<void> {
  return staffRequest<void>(invitationPath(id), { method: 'DELETE', csrfToken });
}

/** Changes role and offices. */
export function changeStaff(csrfToken: string, id: string, body: StaffChangeRequest): Promise<void> {
  return staffRequest<void>(staffPath(id), { method: 'PUT', body, csrfToken });
}

/** Disables an account; answers how many sessions ended. */
export function disableStaff(csrfToken: string, id: string): Promise<{ endedSessions: number }> {
  return staffRequest<{ endedSessions: number }>(`${staffPath(id)}/disable`, { method: 'POST', body: {}, csrfToken });
}

/** Enables an account again. */
export function enableStaff(csrfToken: string, id: string): Promise<void> {
  return staffRequest<void>(`${staffPath(id)}/enable`, { method: 'POST', body: {}, csrfToken });
}

/** Clears an account's second factor. */
export function resetStaffTotp(csrfToken: string, id: string): Promise<void> {
  return staffRequest<void>(`${staffPath(id)}/reset-totp`, { method: 'POST', body: {}, csrfToken });
}

/** What the invitation page shows (public). */
export function lookupInvitation(token: string, signal?: AbortSignal): Promise<PublicInvitationView> {
  return apiRequest<PublicInvitationView>('/api/staff/invitation/lookup', { method: 'POST', body: { token }, signal });
}

/** Chooses the password and signs in (public). */
export function acceptInvitation(token: string, password: string): Promise<StaffSession> {
  return apiRequest<StaffSession>('/api/staff/invitation/accept', { method: 'POST', body: { token, password } });
}

/** The organisation's settings. */
export function fetchOrganisationSettings(signal?: AbortSignal): Promise<OrganisationSettingsView> {
  return staffRequest<OrganisationSettingsView>('/api/admin/organisation', { signal });
}

/** Saves the settings. */
export function saveOrganisationSettings(csrfToken: string, body: OrganisationSettingsRequest): Promise<OrganisationSettingsView> {
  return staffRequest<OrganisationSettingsView>('/api/admin/organisation', { method: 'PUT', body, csrfToken });
}

/** Uploads a new logo (its bytes, with its type). */
export function uploadLogo(csrfToken: string, file: Blob, type: string): Promise<OrganisationSettingsView> {
  return staffRequest<OrganisationSettingsView>('/api/admin/organisation/logo', { method: 'PUT', raw: { data: file, type }, csrfToken });
}

/** Removes the logo. */
export function removeLogo(csrfToken: string): Promise<OrganisationSettingsView> {
  return staffRequest<OrganisationSettingsView>('/api/admin/organisation/logo', { method: 'DELETE', csrfToken });
}

/** The booking confirmation with a draft note, as text. */
export function previewEmail(csrfToken: string, language: Language, note: string): Promise<EmailPreviewView> {
  return staffRequest<EmailPreviewView>('/api/admin/organisation/email-preview', { method: 'POST', body: { language, note }, csrfToken });
}
