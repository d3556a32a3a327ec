import type { Selectable } from 'kysely';

/** One phone link of an appointment, and the phone session it became (see migration 0009). */
export interface UploaderLinksTable {
  id: string;
  organisation_id: string;
  appointment_id: string;
  /** The slot it is limited to (a live request), or null for every slot. */
  slot: string | null;
  /** SHA-256 (hex) of the link's token; the token itself is never stored. */
  token_hash: string;
  created_at: string;
  /** The link cannot be opened after this instant. */
  expires_at: string;
  /** When the phone opened it; a link opens once. */
  exchanged_at: string | null;
  /** SHA-256 (hex) of the phone's session cookie, once opened. */
  session_hash: string | null;
  session_expires_at: string | null;
  /** The phone session's CSRF token (a per-session value, not a credential on its own). */
  csrf_token: string | null;
  /** Set when the citizen stopped the link (or the phone ended its session). */
  revoked_at: string | null;
}

declare module '../db/schema.ts' {
  interface Database {
    uploader_links: UploaderLinksTable;
  }
}

/** A stored phone link. */
export type UploaderLinkRow = Selectable<UploaderLinksTable>;

/** The actor a phone session's uploads and events are recorded under: opaque, names no one. */
export function uploaderActor(linkId: string): `uploader:${string}` {
  return `uploader:${linkId}`;
}
