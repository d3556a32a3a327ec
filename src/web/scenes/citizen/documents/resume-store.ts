/**
 * Unfinished uploads remembered across page loads. tus-js-client keeps each
 * upload's URL in localStorage under `tus::<fingerprint>::<n>`; our
 * fingerprint names the organisation, the appointment, the slot and the file
 * (name, size, last change), so choosing the same file for the same slot
 * after a reload finds the upload and continues from the server's offset,
 * and the page can tell which slots have an upload waiting to be continued.
 */

/** The identity of one file upload, as stored in its fingerprint. */
export interface UploadIdentity {
  /** The organisation's address (origin + path prefix): two town halls never mix. */
  scope: string;
  /** The appointment's reference. */
  appointment: string;
  slot: string;
  fileName: string;
  size: number;
  lastModified: number;
}

const PREFIX = 'finestreta';
const SEPARATOR = '|';

/**
 * The fingerprint of an upload. Every text part is URI-encoded, so neither
 * our separator nor tus-js-client's `::` can appear inside one.
 */
export function uploadFingerprint(identity: UploadIdentity): string {
  return [
    PREFIX,
    encodeURIComponent(identity.scope),
    encodeURIComponent(identity.appointment),
    encodeURIComponent(identity.slot),
    encodeURIComponent(identity.fileName),
    String(identity.size),
    String(identity.lastModified),
  ].join(SEPARATOR);
}

/** Reads an identity back from a fingerprint, or null for one we did not write. */
export function parseFingerprint(fingerprint: string): UploadIdentity | null {
  const parts = fingerprint.split(SEPARATOR);
  if (parts.length !== 7 || parts[0] !== PREFIX) return null;
  const [, scope = '', appointment = '', slot = '', fileName = '', size = '', lastModified = ''] = parts;
  const sizeNumber = Number(size);
  const modifiedNumber = Number(lastModified);
  if (!Number.isSafeInteger(sizeNumber) || !Number.isFinite(modifiedNumber)) return null;
  try {
    return {
      scope: decodeURIComponent(scope),
      appointment: decodeURIComponent(appointment),
      slot: decodeURIComponent(slot),
      fileName: decodeURIComponent(fileName),
      size: sizeNumber,
      lastModified: modifiedNumber,
    };
  } catch {
    return null;
  }
}

/** The fingerprint inside a tus-js-client storage key (`tus::<fingerprint>::<n>`), or null. */
export function fingerprintOfStorageKey(urlStorageKey: string): string | null {
  const match = /^tus::(.*)::\d+$/.exec(urlStorageKey);
  return match?.[1] ?? null;
}

/** One unfinished upload of this appointment, as found in storage. */
export interface StoredUpload extends UploadIdentity {
  urlStorageKey: string;
  uploadUrl: string;
  creationTime: string;
}

/** The entry shape tus-js-client's URL storage returns (its `PreviousUpload`). */
export interface StoredEntry {
  urlStorageKey: string;
  uploadUrl: string | null;
  creationTime: string;
}

/** The stored uploads that belong to `appointment` under `scope`, newest first. */
export function uploadsOf(entries: readonly StoredEntry[], scope: string, appointment: string): StoredUpload[] {
  const found: StoredUpload[] = [];
  for (const entry of entries) {
    const fingerprint = fingerprintOfStorageKey(entry.urlStorageKey);
    const identity = fingerprint === null ? null : parseFingerprint(fingerprint);
    if (!identity || !entry.uploadUrl || identity.scope !== scope || identity.appointment !== appointment) continue;
    found.push({ ...identity, urlStorageKey: entry.urlStorageKey, uploadUrl: entry.uploadUrl, creationTime: entry.creationTime });
  }
  const time = (u: StoredUpload) => Date.parse(u.creationTime) || 0;
  return found.sort((a, b) => time(b) - time(a));
}
