import type { AppContext } from '../context.ts';

/**
 * The document space's one door into the real-time channel: it says a
 * document arrived, and whoever listens (the app's real-time instance)
 * tells the agents. A module of its own so that documents depends on
 * nothing of the hub.
 */

/** A completed upload, as the agents' screens need it. */
export interface DocumentUploaded {
  organisationId: string;
  appointmentId: string;
  documentId: string;
  /** The required document's id, or `other`. */
  slot: string;
}

type Listener = (event: DocumentUploaded) => Promise<void>;

const listeners = new WeakMap<AppContext, Listener[]>();

/** Registers the listener of a context's uploads; returns its removal. */
export function onDocumentUploaded(ctx: AppContext, listener: Listener): () => void {
  const list = listeners.get(ctx) ?? [];
  list.push(listener);
  listeners.set(ctx, list);
  return () => {
    const i = list.indexOf(listener);
    if (i >= 0) list.splice(i, 1);
  };
}

/**
 * Called after an upload's transaction committed. The first listener
 * publishes it (the event bus takes it to every node, so one is enough).
 * Never throws: the upload has succeeded whatever happens here.
 */
export async function notifyDocumentUploaded(ctx: AppContext, event: DocumentUploaded): Promise<void> {
  const [listener] = listeners.get(ctx) ?? [];
  if (!listener) return;
  await listener(event).catch((error: unknown) => ctx.log.warn({ err: error, appointmentId: event.appointmentId }, 'realtime: upload notification failed'));
}
