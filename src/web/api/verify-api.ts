/** The public verification of a document by its secure verification code (CSV). */
import type { VerificationView } from '../../shared/registry.ts';
import { apiRequest, detectBasePath } from './client.ts';

/** What the registry says about the document a code names. */
export function fetchVerification(csv: string, signal?: AbortSignal): Promise<VerificationView> {
  return apiRequest<VerificationView>(`/api/verify/${encodeURIComponent(csv)}`, { signal });
}

/** Where the original sealed document is downloaded from (a plain link: the browser saves the PDF). */
export function verificationDocumentUrl(csv: string): string {
  return `${detectBasePath(window.location.pathname)}/api/verify/${encodeURIComponent(csv)}/document`;
}
