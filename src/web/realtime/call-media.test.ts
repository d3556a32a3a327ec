import { describe, expect, it } from 'vitest';
import { audioConstraints, isCancelled, mediaProblemOf, videoConstraints } from './call-media.ts';

const failure = (name: string) => Object.assign(new Error(name), { name });

describe('call media', () => {
  it('sorts device failures into what the person can do about them', () => {
    expect(mediaProblemOf(failure('NotAllowedError'))).toBe('permission_denied');
    expect(mediaProblemOf(failure('NotFoundError'))).toBe('not_found');
    expect(mediaProblemOf(failure('OverconstrainedError'))).toBe('not_found');
    expect(mediaProblemOf(failure('NotReadableError'))).toBe('busy');
    expect(mediaProblemOf(failure('TypeError'))).toBe('other');
    expect(mediaProblemOf('nonsense')).toBe('other');
    expect(isCancelled(failure('NotAllowedError'))).toBe(true);
    expect(isCancelled(failure('NotReadableError'))).toBe(false);
  });

  it('prefers a chosen camera to a facing mode, and keeps the echo cancellation', () => {
    expect(videoConstraints('cam-2', 'environment')).toMatchObject({ deviceId: { exact: 'cam-2' } });
    expect(videoConstraints('cam-2', 'environment')).not.toHaveProperty('facingMode');
    expect(videoConstraints(null, 'environment')).toMatchObject({ facingMode: { ideal: 'environment' } });
    expect(videoConstraints(null, null)).not.toHaveProperty('deviceId');
    expect(audioConstraints('mic-1')).toMatchObject({ deviceId: { exact: 'mic-1' }, echoCancellation: true });
    expect(audioConstraints(null)).not.toHaveProperty('deviceId');
  });
});
