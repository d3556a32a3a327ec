/**
 * The recording of a call, in Catalan, between two browsers with fake
 * devices. The agent (a supervisor) starts recording: the citizen's call
 * shows the permanent "recording" indicator; the agent's page composes the
 * call on a canvas and sends ~2 s chunks as it records; after about 8 s the
 * agent stops, and the server's final WebM, read over HTTP by ffprobe (with
 * Range requests for the seek), lasts what was recorded (within 1 s) and
 * decodes a frame in its middle. The fault variant closes the agent's page
 * mid-recording: the page that opens next sends what was left, goes on in a
 * new segment, and the history says up to which chunk the first was kept.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { validNif } from './support/api.ts';
import { expectNoAxeViolations } from './support/axe.ts';
import { AGENT_BROWSER, heading, instrument, startCall } from './support/call.ts';
import { createStaff } from './support/cli.ts';
import { sealAndDownloadPackage } from './support/evidence.ts';
import { appointmentIdOf, recordedSeconds, timeRecorder } from './support/recording.ts';

const run = promisify(execFile);
const SUPERVISOR = { email: 'e2e-recording-supervisor@demo.finestreta.test', password: 'e2e-recording-supervisor-2026', name: 'Supervisor Gravació' };

test.use(AGENT_BROWSER);

test.beforeAll(() => {
  createStaff(SUPERVISOR, 'supervisor');
});

interface RecordingView {
  status: string;
  segments: { number: number; chunks: number; bytes: number; endReason: string | null }[];
  file: { size: number; sha256: string; durationMs: number } | null;
}

/** The recording as the server has it (the agent's cookies). */
async function recording(request: APIRequestContext, appointmentId: string): Promise<RecordingView | null> {
  const res = await request.get(`/api/staff/appointments/${appointmentId}/recording`);
  return res.ok() ? ((await res.json()) as { data: RecordingView }).data : null;
}

/** Chunks the server has acknowledged in a segment. */
async function chunksIn(request: APIRequestContext, appointmentId: string, segment: number): Promise<number> {
  return (await recording(request, appointmentId))?.segments.find((s) => s.number === segment)?.chunks ?? 0;
}

/** ffprobe over HTTP with the agent's session: the duration (s), the codecs, and the time of a frame decoded after seeking to `at`. */
async function probeRecording(page: Page, baseURL: string, appointmentId: string, at: number) {
  const cookies = (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
  const url = `${baseURL}/api/staff/appointments/${appointmentId}/recording/content`;
  const headers = ['-headers', `Cookie: ${cookies}\r\n`];
  const format = await run('ffprobe', ['-v', 'error', ...headers, '-show_entries', 'format=duration:stream=codec_name', '-of', 'json', url]);
  const json = JSON.parse(format.stdout) as { format: { duration?: string }; streams: { codec_name: string }[] };
  const frame = await run('ffprobe', ['-v', 'error', ...headers, '-read_intervals', `${at}%+#1`, '-select_streams', 'v:0', '-show_entries', 'frame=pts_time', '-of', 'csv=p=0', url]);
  return { duration: Number(json.format.duration), codecs: json.streams.map((s) => s.codec_name), frameAt: Number(frame.stdout.trim().split('\n')[0]) };
}


test('the agent records the call: the citizen sees it, and the saved WebM lasts what was recorded and can be sought', async ({ page, request, baseURL }) => {
  test.setTimeout(240_000);
  await instrument(page);
  await timeRecorder(page);
  const call = await startCall(page, request, baseURL, { staff: SUPERVISOR, citizen: { email: 'rec.call@example.org', idNumber: validNif(63_000_051) } });
  try {
    const id = appointmentIdOf(page);
    const panel = page.getByRole('region', { name: 'Enregistrament' });
    await expect(call.page.getByTestId('recording-indicator')).toHaveCount(0);

    await panel.getByRole('button', { name: 'Comença a enregistrar' }).click();
    await expect(panel.getByText('S’està enregistrant (part 1).')).toBeVisible();
    // The citizen's permanent indicator, in words.
    await expect(call.page.getByTestId('recording-indicator')).toHaveText(/S’està enregistrant/);
    await expectNoAxeViolations(call.page, 'citizen’s call while recording');
    await expectNoAxeViolations(page, 'agent’s call while recording');

    // About 8 s: four 2-second chunks acknowledged by the server.
    await expect.poll(() => chunksIn(page.request, id, 1), { timeout: 30_000 }).toBeGreaterThanOrEqual(4);
    await panel.getByRole('button', { name: 'Atura l’enregistrament' }).click();
    await expect(panel.getByText('L’enregistrament està desat.')).toBeVisible({ timeout: 60_000 });
    await expect(call.page.getByTestId('recording-indicator')).toHaveCount(0);
    const recorded = await recordedSeconds(page);

    const view = await recording(page.request, id);
    expect(view?.status).toBe('ready');
    expect(view?.segments).toHaveLength(1);
    const probed = await probeRecording(page, baseURL ?? '', id, 4);
    expect([...probed.codecs].sort()).toEqual(['opus', 'vp8']);
    test.info().annotations.push({
      type: 'figures',
      description: `recorded ${recorded.toFixed(3)} s; ffprobe ${probed.duration.toFixed(3)} s; server ${view?.file?.durationMs ?? 0} ms; ${view?.segments[0]?.chunks ?? 0} chunks; frame after seeking to 4 s at ${probed.frameAt} s`,
    });
    // What was recorded: from the recorder's start to its stop, as the page's clock measured them.
    expect(recorded).toBeGreaterThan(7);
    expect(Math.abs(probed.duration - recorded)).toBeLessThan(1);
    expect(Math.abs(probed.duration * 1000 - (view?.file?.durationMs ?? 0))).toBeLessThan(1000);
    // Seeking decodes a frame at or before the point (the nearest key frame: how often there is one is the browser encoder's choice).
    expect(probed.frameAt).toBeGreaterThanOrEqual(0);
    expect(probed.frameAt).toBeLessThanOrEqual(4);

    // On the appointment page: the history says so, and the browser plays the file and seeks in it.
    await page.goto(`/staff/appointments/${id}`);
    const section = page.getByRole('region', { name: 'Enregistrament' });
    await expect(section.getByRole('link', { name: 'Baixa l’enregistrament (WebM)' })).toBeVisible();
    await expect(page.getByText('Enregistrament desat', { exact: true })).toBeVisible();
    const video = section.locator('video');
    await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.duration)).toBeGreaterThan(0);
    expect(Math.abs((await video.evaluate((v: HTMLVideoElement) => v.duration)) - probed.duration)).toBeLessThan(0.5);
    const sought = await video.evaluate(
      (v: HTMLVideoElement) =>
        new Promise<number>((resolve) => {
          v.addEventListener('seeked', () => resolve(v.currentTime), { once: true });
          v.currentTime = v.duration / 2;
        }),
    );
    expect(Math.abs(sought - probed.duration / 2)).toBeLessThan(0.5);
    await expectNoAxeViolations(page, 'appointment with its recording');
  } finally {
    await call.browser.close();
  }
});

test('the agent’s page is closed mid-recording: the next page goes on in a new segment and the history says what was kept', async ({ page, request, baseURL }) => {
  test.setTimeout(240_000);
  await instrument(page);
  const call = await startCall(page, request, baseURL, { staff: SUPERVISOR, citizen: { email: 'rec.lost@example.org', idNumber: validNif(63_000_052) } });
  try {
    const id = appointmentIdOf(page);
    const callUrl = new URL(page.url()).pathname;
    await page.getByRole('region', { name: 'Enregistrament' }).getByRole('button', { name: 'Comença a enregistrar' }).click();
    await expect.poll(() => chunksIn(page.request, id, 1), { timeout: 30_000 }).toBeGreaterThanOrEqual(2);
    const context = page.context();
    // The tab dies.
    await page.close();

    // The agent opens the call again: recording resumes by itself in a new segment.
    const again = await context.newPage();
    await instrument(again);
    await again.goto(callUrl);
    await expect(heading(again)).toContainText('Trucada amb Jordi Vila');
    const panel = again.getByRole('region', { name: 'Enregistrament' });
    await expect(panel.getByText('S’està enregistrant (part 2).')).toBeVisible({ timeout: 30_000 });
    await expect(call.page.getByTestId('recording-indicator')).toBeVisible();
    await expect.poll(() => chunksIn(again.request, id, 2), { timeout: 30_000 }).toBeGreaterThanOrEqual(2);
    await panel.getByRole('button', { name: 'Atura l’enregistrament' }).click();
    await expect(panel.getByText('L’enregistrament està desat.')).toBeVisible({ timeout: 60_000 });

    const view = await recording(again.request, id);
    expect(view?.segments.map((s) => s.endReason)).toEqual(['interrupted', 'stopped']);
    const kept = view?.segments[0]?.chunks ?? 0;
    expect(kept).toBeGreaterThanOrEqual(2);
    const detail = (await (await again.request.get(`/api/staff/appointments/${id}`)).json()) as { data: { history: { type: string; data: Record<string, unknown> }[] } };
    const interrupted = detail.data.history.find((h) => h.type === 'recording.interrupted');
    expect(interrupted?.data).toEqual({ segment: 1, chunks: kept, keptUpToChunk: kept - 1 });
    expect(detail.data.history.map((h) => h.type).filter((t) => t.startsWith('recording.'))).toEqual([
      'recording.started',
      'recording.interrupted',
      'recording.segment_started',
      'recording.stopped',
      'recording.finalised',
    ]);
    const probed = await probeRecording(again, baseURL ?? '', id, 1);
    expect(Math.abs(probed.duration * 1000 - (view?.file?.durationMs ?? 0))).toBeLessThan(1000);
    expect(probed.duration).toBeGreaterThan(4);
  } finally {
    await call.browser.close();
  }
});

test('the agent’s page is closed mid-recording and never comes back: the sealed evidence package holds the recording up to its last chunk, and its history the interruption', async ({ page, request, baseURL }, testInfo) => {
  test.setTimeout(240_000);
  await instrument(page);
  const call = await startCall(page, request, baseURL, { staff: SUPERVISOR, citizen: { email: 'rec.gone@example.org', idNumber: validNif(63_000_053) } });
  try {
    const id = appointmentIdOf(page);
    await page.getByRole('region', { name: 'Enregistrament' }).getByRole('button', { name: 'Comença a enregistrar' }).click();
    await expect.poll(() => chunksIn(page.request, id, 1), { timeout: 30_000 }).toBeGreaterThanOrEqual(3);
    const context = page.context();
    // The tab dies, and the citizen, left alone, hangs up: nobody will stop the recording.
    await page.close();
    await call.page.getByRole('button', { name: 'Penja' }).click();
    const other = await context.newPage();
    const kept = await chunksIn(other.request, id, 1);

    // Sealing the package settles the recording first: stopped by the system, finalised, packaged.
    await other.goto(`/staff/appointments/${id}`);
    const pkg = await sealAndDownloadPackage(other, testInfo, 'evidence.asice');
    const dir = testInfo.outputPath('x');
    await run('unzip', ['-q', '-o', pkg, 'recording.webm', 'events.json', '-d', dir]);
    const probe = await run('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', `${dir}/recording.webm`]);
    // Chunks of about 2 s each, all of them kept.
    expect(Number(probe.stdout.trim())).toBeGreaterThan((kept - 1) * 2 - 1);
    const events = (JSON.parse(await readFile(`${dir}/events.json`, 'utf8')) as { events: { type: string; actor: string; data: Record<string, unknown> }[] }).events.filter((e) => e.type.startsWith('recording.'));
    expect(events.map((e) => e.type)).toEqual(['recording.started', 'recording.interrupted', 'recording.stopped', 'recording.finalised']);
    expect(events[1]?.data).toEqual({ segment: 1, chunks: kept, keptUpToChunk: kept - 1 });
    expect(events[2]?.actor).toBe('system');
  } finally {
    await call.browser.close();
  }
});
