/**
 * Figures shown under an upload's progress bar: percent, speed as a moving
 * average over the last few seconds, and the time left estimated from it.
 * Pure functions, so the rounding rules are tested without a network.
 */
import { intlLocale } from '../../../i18n/format.ts';

/** One progress reading: bytes the server has been sent by `at` (ms). */
export interface ProgressSample {
  at: number;
  bytes: number;
}

/** Speed is averaged over this window: long enough to smooth chunk bursts, short enough to follow a slower network. */
export const SPEED_WINDOW_MS = 5_000;

/** Below this span of readings the speed is still "being measured" (a guess from one burst would mislead). */
const MIN_SPAN_MS = 1_000;

/**
 * Adds a reading and forgets those older than the window, keeping the last
 * one before it as the baseline. A reading that goes backwards (a chunk
 * re-sent after a reconnection) starts the measurement again.
 */
export function addSample(samples: readonly ProgressSample[], sample: ProgressSample, windowMs = SPEED_WINDOW_MS): ProgressSample[] {
  const last = samples[samples.length - 1];
  if (last && sample.bytes < last.bytes) return [sample];
  const all = [...samples, sample];
  const from = sample.at - windowMs;
  let firstKept = 0;
  // Keep exactly one reading at or before the window's start, so the window is always covered.
  while (firstKept + 1 < all.length && (all[firstKept + 1]?.at ?? Infinity) <= from) firstKept += 1;
  return all.slice(firstKept);
}

/** Bytes per second over the readings, or null while they span less than a second. */
export function bytesPerSecond(samples: readonly ProgressSample[]): number | null {
  const first = samples[0];
  const last = samples[samples.length - 1];
  if (!first || !last) return null;
  const span = last.at - first.at;
  if (span < MIN_SPAN_MS) return null;
  return ((last.bytes - first.bytes) * 1000) / span;
}

/** How the time left is said: "about 40 seconds", "about 3 minutes", "about 2 hours". */
export interface TimeLeft {
  unit: 'seconds' | 'minutes' | 'hours';
  value: number;
}

/**
 * The time left for `remainingBytes` at `speed` bytes per second, rounded
 * as people say it (seconds to the next 5, minutes and hours to the
 * nearest); null when it cannot be estimated (no speed yet, or stalled).
 */
export function timeLeft(remainingBytes: number, speed: number | null): TimeLeft | null {
  if (speed === null || speed <= 0) return null;
  const seconds = Math.max(0, remainingBytes) / speed;
  if (seconds < 57.5) return { unit: 'seconds', value: Math.max(5, Math.ceil(seconds / 5) * 5) };
  if (seconds < 3_570) return { unit: 'minutes', value: Math.max(1, Math.round(seconds / 60)) };
  return { unit: 'hours', value: Math.round(seconds / 3_600) };
}

/** Whole percent sent, rounded down: 100 only when every byte is there. */
export function progressPercent(sent: number, total: number): number {
  if (total <= 0) return 0;
  if (sent >= total) return 100;
  return Math.min(99, Math.max(0, Math.floor((sent * 100) / total)));
}

/** The last quarter passed (0, 25, 50, 75, 100): screen readers hear only these, not every tick. */
export function progressMilestone(percent: number): number {
  return Math.floor(percent / 25) * 25;
}

const KIB = 1024;
const MIB = 1024 * 1024;
const GIB = 1024 * 1024 * 1024;

function unitFormat(language: string, unit: string, value: number): string {
  return new Intl.NumberFormat(intlLocale(language), {
    style: 'unit',
    unit,
    unitDisplay: 'short',
    maximumFractionDigits: value < 10 ? 1 : 0,
  }).format(value);
}

/**
 * A size in the reader's language: "512 B", "12 kB", "1,6 MB". Multiples of
 * 1024, as the server's limits are set, so a 10 MB limit reads "10 MB".
 */
export function formatBytes(bytes: number, language: string): string {
  if (bytes < KIB) return unitFormat(language, 'byte', bytes);
  if (bytes < MIB) return unitFormat(language, 'kilobyte', bytes / KIB);
  if (bytes < GIB) return unitFormat(language, 'megabyte', bytes / MIB);
  return unitFormat(language, 'gigabyte', bytes / GIB);
}

/** A speed in the reader's language: "850 kB/s", "1,2 MB/s". */
export function formatSpeed(bytesPerSecondValue: number, language: string): string {
  if (bytesPerSecondValue < MIB) return unitFormat(language, 'kilobyte-per-second', Math.max(0, bytesPerSecondValue) / KIB);
  return unitFormat(language, 'megabyte-per-second', bytesPerSecondValue / MIB);
}

/** A whole percent in the reader's language: "45 %" (ca, es) or "45%" (en). */
export function formatPercent(percent: number, language: string): string {
  return new Intl.NumberFormat(intlLocale(language), { style: 'percent', maximumFractionDigits: 0 }).format(percent / 100);
}
