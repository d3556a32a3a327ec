/** Deliveries of sealed evidence to case management (server: src/server/delivery/delivery.routes.ts). */
import type { DeliveryView } from '../../server/delivery/delivery.routes.ts';
import { apiRequest } from './client.ts';

export type { DeliveryView };

/** A delivery's state, as the filter names it. */
export type DeliveryState = DeliveryView['state'];

/** The organisation's deliveries the supervisor may see, newest first (at most 200), optionally of one state. */
export async function fetchDeliveries(state: DeliveryState | null, signal?: AbortSignal): Promise<DeliveryView[]> {
  return (await apiRequest<{ deliveries: DeliveryView[] }>('/api/staff/deliveries', { signal, ...(state ? { query: { state } } : {}) })).deliveries;
}

/** Makes a pending or dead delivery due now. */
export function retryDelivery(csrfToken: string, id: string): Promise<unknown> {
  return apiRequest(`/api/staff/deliveries/${encodeURIComponent(id)}/retry`, { method: 'POST', body: {}, csrfToken });
}
