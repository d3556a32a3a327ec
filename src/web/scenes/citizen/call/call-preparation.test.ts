/** The device-check and consent store: per link, surviving a reload (sessionStorage). */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { readDeviceChoice, readPreparation, saveConsents, saveDeviceCheck, type DeviceCheckResult } from './call-preparation.ts';

const result: DeviceCheckResult = {
  camera: true,
  microphone: true,
  audioOnly: false,
  speakerHeard: true,
  mediaPath: true,
  devices: { cameraId: 'cam-2', microphoneId: '', speakerId: 'spk' },
};

beforeEach(() => {
  const data = new Map<string, string>();
  vi.stubGlobal('window', {
    sessionStorage: {
      getItem: (k: string) => data.get(k) ?? null,
      setItem: (k: string, v: string) => void data.set(k, v),
      removeItem: (k: string) => void data.delete(k),
    },
  });
});

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('call preparation store', () => {
  it('starts empty', () => {
    expect(readPreparation('link-a')).toEqual({ deviceCheck: null, consents: null });
    expect(readDeviceChoice('link-a')).toEqual({ cameraId: '', microphoneId: '', speakerId: '' });
  });

  it('keeps the device check and the consents for the same link', () => {
    saveDeviceCheck('link-a', result);
    saveConsents('link-a', { processing: true, recording: true });
    expect(readPreparation('link-a')).toEqual({ deviceCheck: result, consents: { processing: true, recording: true } });
    expect(readDeviceChoice('link-a')).toEqual(result.devices);
  });

  it('a new device check keeps the consents already given', () => {
    saveConsents('link-a', { processing: true, recording: true });
    saveDeviceCheck('link-a', { ...result, audioOnly: true, camera: false });
    expect(readPreparation('link-a').consents).toEqual({ processing: true, recording: true });
  });

  it('gives nothing of one link to another', () => {
    saveDeviceCheck('link-a', result);
    expect(readPreparation('link-b')).toEqual({ deviceCheck: null, consents: null });
    saveConsents('link-b', { processing: true, recording: true });
    expect(readPreparation('link-b').deviceCheck).toBeNull();
    expect(readPreparation('link-a')).toEqual({ deviceCheck: null, consents: null });
  });

  it('works (forgetting) where storage is unavailable', () => {
    vi.unstubAllGlobals();
    saveDeviceCheck('link-a', result);
    expect(readPreparation('link-a')).toEqual({ deviceCheck: null, consents: null });
  });
});
