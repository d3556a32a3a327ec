/** The audit trail in the administration console (`/api/admin/audit…`). */
import type { AuditPageView, AuditVerdictView } from '../../shared/audit.ts';
import { apiRequest } from './client.ts';

export function fetchAudit(query: Record<string, string>, signal?: AbortSignal): Promise<AuditPageView> {
  return apiRequest<AuditPageView>('/api/admin/audit', { query, signal });
}

export function verifyAuditChain(csrfToken: string): Promise<AuditVerdictView> {
  return apiRequest<AuditVerdictView>('/api/admin/audit/verify', { method: 'POST', body: {}, csrfToken });
}
