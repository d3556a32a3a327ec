/** Finding an appointment's unfinished uploads among what tus-js-client stored. */
import { describe, expect, it } from 'vitest';
import { fingerprintOfStorageKey, parseFingerprint, uploadFingerprint, uploadsOf, type UploadIdentity } from './resume-store.ts';

const identity: UploadIdentity = {
  scope: 'https://tramits.example/o/rubi',
  appointment: 'AB12-CD34',
  slot: 'req-1',
  fileName: 'DNI | còpia::2.pdf',
  size: 123456,
  lastModified: 1767225600000,
};

describe('upload fingerprints', () => {
  it('round-trip, whatever the file is called', () => {
    const fingerprint = uploadFingerprint(identity);
    expect(fingerprint).not.toContain('::');
    expect(parseFingerprint(fingerprint)).toEqual(identity);
  });

  it('differ when the file, the slot or the appointment differ', () => {
    const base = uploadFingerprint(identity);
    expect(uploadFingerprint({ ...identity, lastModified: 1 })).not.toBe(base);
    expect(uploadFingerprint({ ...identity, slot: 'other' })).not.toBe(base);
    expect(uploadFingerprint({ ...identity, appointment: 'ZZ' })).not.toBe(base);
  });

  it('ignore keys and fingerprints written by others', () => {
    expect(parseFingerprint('tus-br-file.pdf-application/pdf-1-2-https://x')).toBeNull();
    expect(fingerprintOfStorageKey('something-else')).toBeNull();
  });
});

describe('stored uploads of an appointment', () => {
  const key = (i: UploadIdentity, n: number) => `tus::${uploadFingerprint(i)}::${n}`;
  const entries = [
    { urlStorageKey: key(identity, 1), uploadUrl: 'https://tramits.example/o/rubi/api/uploads/a', creationTime: 'Thu Jan 01 2026 10:00:00 GMT+0100' },
    { urlStorageKey: key({ ...identity, slot: 'other' }, 2), uploadUrl: 'https://tramits.example/o/rubi/api/uploads/b', creationTime: 'Thu Jan 01 2026 11:00:00 GMT+0100' },
    { urlStorageKey: key({ ...identity, appointment: 'ANOTHER' }, 3), uploadUrl: 'https://x/c', creationTime: 'Thu Jan 01 2026 12:00:00 GMT+0100' },
    { urlStorageKey: key({ ...identity, scope: 'https://tramits.example/o/sabadell' }, 4), uploadUrl: 'https://x/d', creationTime: '' },
    { urlStorageKey: key(identity, 5), uploadUrl: null, creationTime: '' },
    { urlStorageKey: 'tus::tus-br-foreign::6', uploadUrl: 'https://x/e', creationTime: '' },
  ];

  it('are those of this organisation and appointment with a URL, newest first', () => {
    const found = uploadsOf(entries, identity.scope, identity.appointment);
    expect(found.map((u) => u.uploadUrl)).toEqual(['https://tramits.example/o/rubi/api/uploads/b', 'https://tramits.example/o/rubi/api/uploads/a']);
    expect(found[1]).toMatchObject({ slot: 'req-1', fileName: identity.fileName, size: identity.size });
  });
});
