/** The figures under the progress bar: moving-average speed, time left as people say it, sizes in each language. */
import { describe, expect, it } from 'vitest';
import {
  addSample,
  bytesPerSecond,
  formatBytes,
  formatPercent,
  formatSpeed,
  progressMilestone,
  progressPercent,
  timeLeft,
  type ProgressSample,
} from './transfer-stats.ts';

const MB = 1024 * 1024;

function feed(readings: [number, number][], windowMs?: number): ProgressSample[] {
  return readings.reduce<ProgressSample[]>((samples, [at, bytes]) => addSample(samples, { at, bytes }, windowMs), []);
}

describe('upload speed', () => {
  it('is unknown until the readings span a second', () => {
    expect(bytesPerSecond([])).toBeNull();
    expect(bytesPerSecond(feed([[0, 0], [500, MB]]))).toBeNull();
    expect(bytesPerSecond(feed([[0, 0], [1000, MB]]))).toBe(MB);
  });

  it('averages over the last five seconds only, so it follows a slower network', () => {
    // 2 MB/s for 10 s, then 0.5 MB/s for 5 s.
    const readings: [number, number][] = [];
    for (let s = 0; s <= 10; s++) readings.push([s * 1000, s * 2 * MB]);
    for (let s = 1; s <= 5; s++) readings.push([(10 + s) * 1000, 20 * MB + s * 0.5 * MB]);
    const samples = feed(readings);
    expect(bytesPerSecond(samples)).toBeCloseTo(0.5 * MB, 0);
    expect(samples[0]?.at).toBe(10_000);
  });

  it('starts again when the offset goes back (a chunk re-sent after reconnecting)', () => {
    const samples = feed([
      [0, 0],
      [1000, 8 * MB],
      [2000, 6 * MB],
    ]);
    expect(samples).toEqual([{ at: 2000, bytes: 6 * MB }]);
    expect(bytesPerSecond(samples)).toBeNull();
  });
});

describe('time left', () => {
  it('cannot be told without a speed, or when stalled', () => {
    expect(timeLeft(MB, null)).toBeNull();
    expect(timeLeft(MB, 0)).toBeNull();
  });

  it('rounds seconds up to fives, then minutes and hours to the nearest', () => {
    expect(timeLeft(1, MB)).toEqual({ unit: 'seconds', value: 5 });
    expect(timeLeft(12 * MB, MB)).toEqual({ unit: 'seconds', value: 15 });
    expect(timeLeft(59 * MB, MB)).toEqual({ unit: 'minutes', value: 1 });
    expect(timeLeft(150 * MB, MB)).toEqual({ unit: 'minutes', value: 3 });
    expect(timeLeft(2 * 3600 * MB, MB)).toEqual({ unit: 'hours', value: 2 });
  });
});

describe('percent', () => {
  it('reaches 100 only when every byte is there, and never goes outside 0–100', () => {
    expect(progressPercent(0, 0)).toBe(0);
    expect(progressPercent(999, 1000)).toBe(99);
    expect(progressPercent(1000, 1000)).toBe(100);
    expect(progressPercent(-5, 1000)).toBe(0);
  });

  it('is announced only at each quarter', () => {
    expect([0, 24, 25, 49, 50, 99, 100].map(progressMilestone)).toEqual([0, 0, 25, 25, 50, 75, 100]);
  });
});

describe('sizes and speeds in words', () => {
  it('uses the reader’s decimal separator and multiples of 1024', () => {
    expect(formatBytes(10 * MB, 'ca')).toBe('10 MB');
    expect(formatBytes(1.55 * MB, 'es')).toBe('1,6 MB');
    expect(formatBytes(1.55 * MB, 'en')).toBe('1.6 MB');
    expect(formatBytes(12 * 1024, 'ca')).toBe('12 kB');
    expect(formatBytes(512, 'ca')).toBe('512 B');
    expect(formatSpeed(850 * 1024, 'ca')).toBe('850 kB/s');
    expect(formatSpeed(1.2 * MB, 'ca')).toBe('1,2 MB/s');
  });

  it('writes percent as each language does', () => {
    expect(formatPercent(45, 'ca')).toBe('45\u00a0%');
    expect(formatPercent(100, 'en')).toBe('100%');
  });
});
