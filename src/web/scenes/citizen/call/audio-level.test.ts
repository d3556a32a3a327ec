/** Microphone samples to a 0–100 level and to words. */
import { describe, expect, it } from 'vitest';
import { HEARD_THRESHOLD, levelFromSamples, levelWord } from './audio-level.ts';

function sine(amplitude: number, n = 2048): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => amplitude * Math.sin((2 * Math.PI * i) / 64));
}

describe('levelFromSamples', () => {
  it('is 0 for silence and for no samples', () => {
    expect(levelFromSamples(new Float32Array(1024))).toBe(0);
    expect(levelFromSamples([])).toBe(0);
  });

  it('maps −60…0 dBFS onto 0…100', () => {
    // A full-scale square wave has RMS 1 (0 dBFS).
    expect(levelFromSamples(Float32Array.from({ length: 1024 }, (_, i) => (i % 2 ? 1 : -1)))).toBe(100);
    // A sine of amplitude 0.0447 has RMS ≈ 0.0316 (−30 dBFS): the middle.
    expect(levelFromSamples(sine(0.0447))).toBe(50);
    expect(levelFromSamples(sine(0.0001))).toBe(0);
  });

  it('calls speech "good" and room noise "none"', () => {
    expect(levelWord(levelFromSamples(sine(0.1)))).toBe('good');
    expect(levelWord(levelFromSamples(sine(0.002)))).toBe('none');
    expect(levelWord(HEARD_THRESHOLD)).toBe('low');
    expect(levelWord(95)).toBe('high');
  });
});
