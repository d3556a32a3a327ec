/** Identification snapshots of an appointment (see `src/shared/snapshots.ts`): taking one during the call, and listing them. */
import type { SnapshotKind, SnapshotView } from '../../shared/snapshots.ts';
import { apiRequest } from './client.ts';

const path = (appointmentId: string) => `/api/staff/appointments/${encodeURIComponent(appointmentId)}/snapshots`;

/** Sends one captured frame; answers what the server stored (its SHA-256 is in the appointment's history). */
export function sendSnapshot(appointmentId: string, kind: SnapshotKind, image: Blob, csrfToken: string): Promise<SnapshotView> {
  return apiRequest<SnapshotView>(`${path(appointmentId)}/${kind}`, { method: 'POST', raw: { data: image, type: image.type }, csrfToken });
}

/** The snapshots taken so far, oldest first. */
export async function fetchSnapshots(appointmentId: string, signal?: AbortSignal): Promise<SnapshotView[]> {
  return (await apiRequest<{ snapshots: SnapshotView[] }>(path(appointmentId), { signal })).snapshots;
}
