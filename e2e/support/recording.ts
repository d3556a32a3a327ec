/** What the recording journeys share: timing the agent page's MediaRecorder, and the appointment of a call page. */
import type { Page } from '@playwright/test';

/** Keeps when the page's MediaRecorder was first started and last stopped (performance.now(), ms): the length of what was recorded. */
export async function timeRecorder(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const times: { start?: number; stop?: number } = {};
    const NativeRecorder = window.MediaRecorder;
    window.MediaRecorder = class extends NativeRecorder {
      override start(timeslice?: number): void {
        times.start ??= performance.now();
        super.start(timeslice);
      }

      override stop(): void {
        if (this.state !== 'inactive') times.stop = performance.now();
        super.stop();
      }
    };
    Object.assign(window, { e2eRecorderTimes: times });
  });
}

/** Seconds between the recorder's start and stop on `page`. */
export function recordedSeconds(page: Page): Promise<number> {
  return page.evaluate(() => {
    const times = (window as unknown as { e2eRecorderTimes?: { start?: number; stop?: number } }).e2eRecorderTimes;
    return ((times?.stop ?? 0) - (times?.start ?? 0)) / 1000;
  });
}

/** The appointment of a staff call page (`/staff/calls/:id`). */
export const appointmentIdOf = (page: Page): string => decodeURIComponent(new URL(page.url()).pathname.split('/').pop() ?? '');
