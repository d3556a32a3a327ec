/** The catalogue in the administration console (`/api/admin/procedures…`). */
import type { AdminProcedure, AdminRequiredDocument, ProcedureInput, RequiredDocumentInput } from '../../shared/catalogue-admin.ts';
import type { FormDefinition } from '../../shared/procedure-forms.ts';
import { apiRequest } from './client.ts';

/** A procedure with its documents and registry form (null: the generic form applies). */
export interface ProcedureDetail {
  procedure: AdminProcedure;
  documents: AdminRequiredDocument[];
  form: FormDefinition | null;
}

export async function fetchAdminProcedures(signal?: AbortSignal): Promise<AdminProcedure[]> {
  return (await apiRequest<{ procedures: AdminProcedure[] }>('/api/admin/procedures', { signal })).procedures;
}

export function fetchAdminProcedure(id: string, signal?: AbortSignal): Promise<ProcedureDetail> {
  return apiRequest<ProcedureDetail>(`/api/admin/procedures/${encodeURIComponent(id)}`, { signal });
}

export function createProcedure(csrfToken: string, input: ProcedureInput): Promise<AdminProcedure> {
  return apiRequest<AdminProcedure>('/api/admin/procedures', { method: 'POST', body: input, csrfToken });
}

export function updateProcedure(csrfToken: string, id: string, input: ProcedureInput): Promise<AdminProcedure> {
  return apiRequest<AdminProcedure>(`/api/admin/procedures/${encodeURIComponent(id)}`, { method: 'PUT', body: input, csrfToken });
}

export function archiveProcedure(csrfToken: string, id: string): Promise<AdminProcedure> {
  return apiRequest<AdminProcedure>(`/api/admin/procedures/${encodeURIComponent(id)}/archive`, { method: 'POST', body: {}, csrfToken });
}

export function restoreProcedure(csrfToken: string, id: string): Promise<AdminProcedure> {
  return apiRequest<AdminProcedure>(`/api/admin/procedures/${encodeURIComponent(id)}/restore`, { method: 'POST', body: {}, csrfToken });
}

export async function saveRequiredDocuments(csrfToken: string, id: string, documents: RequiredDocumentInput[]): Promise<AdminRequiredDocument[]> {
  return (await apiRequest<{ documents: AdminRequiredDocument[] }>(`/api/admin/procedures/${encodeURIComponent(id)}/documents`, { method: 'PUT', body: { documents }, csrfToken })).documents;
}

export async function saveProcedureForm(csrfToken: string, id: string, form: FormDefinition): Promise<FormDefinition> {
  return (await apiRequest<{ form: FormDefinition }>(`/api/admin/procedures/${encodeURIComponent(id)}/form`, { method: 'PUT', body: form, csrfToken })).form;
}
