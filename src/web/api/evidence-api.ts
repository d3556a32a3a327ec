/** Evidence packages of an appointment (server: src/server/evidence-package/package.routes.ts). */
import { apiRequest, detectBasePath } from './client.ts';

/** One sealed package as staff see it. */
export interface EvidencePackageView {
  id: string;
  createdAt: string;
  createdBy: string;
  size: number;
  sha256: string;
  files: number;
  sealedBy: string;
  timestamped: boolean;
}

const path = (appointmentId: string) => `/api/staff/appointments/${encodeURIComponent(appointmentId)}/evidence`;

/** The packages sealed so far, newest first. */
export async function fetchEvidence(appointmentId: string, signal?: AbortSignal): Promise<EvidencePackageView[]> {
  return (await apiRequest<{ packages: EvidencePackageView[] }>(path(appointmentId), { signal })).packages;
}

/** Seals a new package of everything the appointment holds now. */
export function sealEvidence(appointmentId: string, csrfToken: string): Promise<EvidencePackageView> {
  return apiRequest<EvidencePackageView>(path(appointmentId), { method: 'POST', body: {}, csrfToken });
}

/** Where a package downloads from (the organisation's prefix included). */
export function evidenceDownloadUrl(appointmentId: string, packageId: string): string {
  return `${detectBasePath(window.location.pathname)}${path(appointmentId)}/${encodeURIComponent(packageId)}`;
}
