/**
 * The administration console's case-management section (issue 7) as the
 * web app calls it: the organisation's own receiver per connector kind.
 */
import type { CaseManagementKind, CaseManagementKindView, CaseManagementProbeView, CaseManagementView } from '../../shared/case-management.ts';
import { staffRequest } from './staff-api.ts';

export type { CaseManagementKind, CaseManagementKindView, CaseManagementProbeView, CaseManagementView };

/** Per kind: the installation's default, the organisation's own setting and how many procedures use it. */
export function fetchCaseManagement(signal?: AbortSignal): Promise<CaseManagementView> {
  return staffRequest<CaseManagementView>('/api/admin/case-management', { signal });
}

/**
 * Saves the organisation's own receiver of one kind: `url`, `secret` (empty
 * keeps the current one) and `timeoutSeconds` for REST/ENI, `folder` for the
 * drop folder. Fields are passed as typed, the server says what is wrong.
 */
export function saveCaseManagement(csrfToken: string, kind: CaseManagementKind, body: Record<string, unknown>): Promise<CaseManagementView> {
  return staffRequest<CaseManagementView>(`/api/admin/case-management/${kind}`, { method: 'PUT', body, csrfToken });
}

/** Removes the organisation's own receiver of one kind: the installation's default applies again. */
export function resetCaseManagement(csrfToken: string, kind: CaseManagementKind): Promise<void> {
  return staffRequest<void>(`/api/admin/case-management/${kind}`, { method: 'DELETE', csrfToken });
}

/** Tries the receiver in use for one kind (a signed test request, or a probe file written and removed); no delivery is created. */
export function testCaseManagement(csrfToken: string, kind: CaseManagementKind): Promise<CaseManagementProbeView> {
  return staffRequest<CaseManagementProbeView>(`/api/admin/case-management/${kind}/test`, { method: 'POST', body: {}, csrfToken });
}
