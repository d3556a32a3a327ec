/** Data-protection requests in the administration console (server: src/server/data-protection/data-protection.routes.ts). */
import type { DataProtectionEraseView, DataProtectionSearch, DataProtectionSearchView } from '../../shared/data-protection.ts';
import { apiRequest, detectBasePath } from './client.ts';

/** Finds the citizen's appointments (a POST: the identity number never goes in an address). */
export function searchDataSubject(csrfToken: string, body: DataProtectionSearch): Promise<DataProtectionSearchView> {
  return apiRequest<DataProtectionSearchView>('/api/admin/data-protection/search', { method: 'POST', body, csrfToken });
}

/** Erases what can be erased, with the identity number (or email) typed again. */
export function eraseDataSubject(csrfToken: string, subject: string, confirmation: string): Promise<DataProtectionEraseView> {
  return apiRequest<DataProtectionEraseView>('/api/admin/data-protection/erase', { method: 'POST', body: { subject, confirmation }, csrfToken });
}

/** Where the export downloads from: a plain link (the ZIP streams to disk), carrying the search's opaque handle. */
export function dataExportUrl(subject: string): string {
  return `${detectBasePath(window.location.pathname)}/api/admin/data-protection/export?${new URLSearchParams({ subject }).toString()}`;
}
