/**
 * The video call journey's shared steps, for every spec that needs a call
 * (call, call-offline, the interpreter's): the browsers' fake devices (the
 * citizen's camera films a synthetic ID card), the citizen's booking and
 * sign-in, the device check and consents up to the waiting room, the agent's
 * sign-in and queue, the admission, and what each side has received.
 *
 * The agent is the spec's own `page` (its browser gets {@link CALL_BROWSER_ARGS}
 * through `test.use`); the citizen has a browser of their own, because
 * Chromium's fake camera is chosen per browser with a command-line flag.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, expect, type APIRequestContext, type Browser, type BrowserContext, type Locator, type Page } from '@playwright/test';
import caMail from '../../src/server/i18n/locales/ca/mail.json' with { type: 'json' };
import { bookViaApi, firstFreeSlot, firstVideoProcedure } from './api.ts';
import { startSoon } from './appointments.ts';
import { newestMailAfter, outboxCount } from './outbox.ts';

/** Debian's Chromium (never a downloaded browser). */
export const CHROMIUM = '/usr/bin/chromium';

/** The flags of playwright.config.ts plus fake media devices, allowed without a prompt. */
export const CALL_BROWSER_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // Fake camera and microphone allowed without a prompt; screen sharing picks the (fake) screen.
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  '--auto-select-desktop-capture-source=Entire screen',
  // The remote sound starts without a click (there is a "Turn on the sound" button for real browsers).
  '--autoplay-policy=no-user-gesture-required',
];

/** The agent's browser, for `test.use()`: the default fake camera (a moving pattern, 640×480) and a beeping microphone. */
export const AGENT_BROWSER = {
  permissions: ['camera', 'microphone', 'notifications'],
  launchOptions: { executablePath: CHROMIUM, args: CALL_BROWSER_ARGS },
};

/** The citizen's camera picture: a 320×240 ID card, 20 frames looped. */
export const CARD = { width: 320, height: 240, frames: 20 };

/** A member of staff who takes calls. */
export interface StaffAccount {
  email: string;
  password: string;
  name: string;
}

interface Envelope<T> {
  data: T;
}

/**
 * A small YUV4MPEG2 (4:2:0) clip of an identity card on a desk: a light card
 * with a photo and lines of text, and a marker that moves so every frame
 * differs. Chromium loops it as the camera (`--use-file-for-fake-video-capture`).
 */
export function idCardY4m(): Buffer {
  const { width: w, height: h, frames } = CARD;
  const header = Buffer.from(`YUV4MPEG2 W${w} H${h} F10:1 Ip A1:1 C420jpeg\n`, 'ascii');
  const parts: Buffer[] = [header];
  for (let f = 0; f < frames; f++) {
    const y = Buffer.alloc(w * h, 40); // a dark desk
    const u = Buffer.alloc((w / 2) * (h / 2), 128);
    const v = Buffer.alloc((w / 2) * (h / 2), 128);
    const fill = (x0: number, y0: number, x1: number, y1: number, luma: number, cb = 128, cr = 128) => {
      for (let row = y0; row < y1; row++) y.fill(luma, row * w + x0, row * w + x1);
      for (let row = y0 >> 1; row < y1 >> 1; row++) {
        u.fill(cb, row * (w / 2) + (x0 >> 1), row * (w / 2) + (x1 >> 1));
        v.fill(cr, row * (w / 2) + (x0 >> 1), row * (w / 2) + (x1 >> 1));
      }
    };
    fill(30, 40, 290, 200, 215, 140, 118); // the card, slightly blue
    fill(44, 70, 124, 170, 110); // the photo
    fill(54, 82, 114, 122, 160); // a face
    for (let line = 0; line < 5; line++) fill(140, 78 + line * 18, line === 0 ? 270 : 240 - line * 12, 84 + line * 18, 60);
    fill(140, 180, 280, 190, 90, 110, 150); // the machine-readable zone
    const x = 40 + ((f * 12) % 220);
    fill(x, 206, x + 16, 222, 235, 90, 200); // the moving marker
    parts.push(Buffer.from('FRAME\n', 'ascii'), y, u, v);
  }
  return Buffer.concat(parts);
}

/** The page heading (every page has exactly one h1). */
export function heading(page: Page): Locator {
  return page.getByRole('heading', { level: 1 });
}

/**
 * Test instrumentation, installed before any page script: keeps the page's
 * WebSockets (`window.e2eSockets`) and RTCPeerConnections
 * (`window.e2ePeerConnections`) reachable, to cut a connection or read its
 * statistics directly.
 */
export async function instrument(target: Page | BrowserContext): Promise<void> {
  await target.addInitScript(() => {
    const NativeSocket = window.WebSocket;
    const sockets: WebSocket[] = [];
    window.WebSocket = class extends NativeSocket {
      constructor(url: string | URL, protocols?: string | string[]) {
        super(url, protocols);
        sockets.push(this);
      }
    };
    const NativePeer = window.RTCPeerConnection;
    const peers: RTCPeerConnection[] = [];
    window.RTCPeerConnection = class extends NativePeer {
      constructor(configuration?: RTCConfiguration) {
        super(configuration);
        peers.push(this);
      }
    };
    Object.assign(window, { e2eSockets: sockets, e2ePeerConnections: peers });
  });
}

/** A citizen's own browser, whose camera films the ID card. */
export interface CitizenBrowser {
  browser: Browser;
  context: BrowserContext;
  page: Page;
}

/** Launches the citizen's browser: a 360 px phone in Catalan, with the ID card as the camera and {@link instrument}ed pages. */
export async function launchCitizen(baseURL: string | undefined): Promise<CitizenBrowser> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'finestreta-call-'));
  const y4m = path.join(dir, 'id-card.y4m');
  writeFileSync(y4m, idCardY4m());
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: [...CALL_BROWSER_ARGS, `--use-file-for-fake-video-capture=${y4m}`] });
  try {
    const context = await browser.newContext({
      baseURL,
      viewport: { width: 360, height: 740 },
      locale: 'ca-ES',
      timezoneId: 'Europe/Madrid',
      permissions: ['camera', 'microphone'],
    });
    await instrument(context);
    return { browser, context, page: await context.newPage() };
  } catch (error) {
    await browser.close();
    throw error;
  }
}

/**
 * Books a video appointment through the API (as `citizen`), opens the emailed
 * link on `page`, signs in with the emailed password, and answers the
 * appointment's reference.
 */
export async function bookAndSignIn(page: Page, request: APIRequestContext, citizen: { email: string; idNumber: string }): Promise<string> {
  const procedureId = await firstVideoProcedure(request);
  const { startsAt } = await firstFreeSlot(request, procedureId);
  const mailsBefore = await outboxCount();
  expect(await bookViaApi(request, { procedureId, startsAt, ...citizen })).toBe(201);
  const text = (await newestMailAfter(mailsBefore)).text ?? '';
  const link = /https?:\/\/\S+\/a\/[A-Za-z0-9_-]+/.exec(text)?.[0] ?? '';
  const password = text.split(`${caMail.access.password_label}:`)[1]?.trim().split(/\s+/)[0] ?? '';
  expect(link).not.toBe('');
  await page.goto(new URL(link).pathname);
  await page.getByLabel('Contrasenya', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Continua' }).click();
  await expect(heading(page)).toContainText('La vostra cita');
  const own = (await (await page.request.get('/api/citizen/appointment')).json()) as Envelope<{ appointment: { reference: string } }>;
  return own.data.appointment.reference;
}

/** Signs a member of staff in on `page` (their agenda opens). */
export async function signInStaff(page: Page, account: StaffAccount): Promise<void> {
  await page.goto('/staff/login');
  await page.getByLabel('Adreça de correu electrònic').fill(account.email);
  await page.getByLabel('Contrasenya', { exact: true }).fill(account.password);
  await page.getByRole('button', { name: 'Entra', exact: true }).click();
  await expect(heading(page)).toContainText('Agenda');
}

/** Opens today's queue from the staff bar; answers the row of the appointment `reference`. */
export async function openQueue(page: Page, reference: string): Promise<Locator> {
  await page.getByRole('navigation', { name: 'Àrea del personal' }).getByRole('link', { name: 'Cua' }).click();
  await expect(heading(page)).toContainText('Cua d’avui');
  return page.getByRole('row').filter({ hasText: reference });
}

/**
 * From the appointment page (reloaded, so it sees the appointment moved to
 * now) through the device check (the ID card on camera, the test sound
 * heard, the connection working) and both consents, into the waiting room.
 */
export async function enterWaitingRoom(citizen: Page): Promise<void> {
  await citizen.reload();
  await citizen.getByRole('link', { name: 'Entra a la videotrucada' }).click();
  await expect(heading(citizen)).toContainText('Comproveu la càmera, el micròfon i el so');
  await citizen.getByRole('button', { name: 'Comença la comprovació' }).click();
  await expect.poll(() => citizen.getByLabel('Imatge de la vostra càmera').evaluate((v: HTMLVideoElement) => v.videoWidth)).toBe(CARD.width);
  await citizen.getByRole('button', { name: 'Reprodueix el so de prova' }).click();
  await citizen.getByRole('group', { name: 'Heu sentit el so?' }).getByLabel('Sí').check();
  await expect(citizen.getByRole('listitem').filter({ hasText: 'Connexió per a la videotrucada' })).toContainText('Funciona');
  await citizen.getByRole('button', { name: 'Continua' }).click();
  await expect(heading(citizen)).toContainText('El vostre consentiment');
  await citizen.getByLabel('Accepto que es tractin les meves dades personals per a aquest procediment').check();
  await citizen.getByLabel('Sí, accepto l’enregistrament').check();
  await citizen.getByRole('button', { name: 'Vés a la sala d’espera' }).click();
  await expect(heading(citizen)).toContainText('Sala d’espera');
}

/** What one side has received from its first peer so far (the numbers of the call's connection details). */
export async function received(page: Page): Promise<{ frames: number; packets: number }> {
  const peer = page.getByTestId('call-stats').locator('li').first();
  if ((await peer.count()) === 0) return { frames: 0, packets: 0 };
  return {
    frames: Number((await peer.getAttribute('data-frames-decoded')) ?? 0),
    packets: Number((await peer.getAttribute('data-audio-packets')) ?? 0),
  };
}

/**
 * The video frames this page has decoded, read now with `getStats()` on
 * every open RTCPeerConnection of an {@link instrument}ed page (the
 * connection details refresh only every 2 s).
 */
export function framesDecoded(page: Page): Promise<number> {
  return page.evaluate(async () => {
    const peers = (window as unknown as { e2ePeerConnections?: RTCPeerConnection[] }).e2ePeerConnections ?? [];
    let frames = 0;
    for (const pc of peers.filter((p) => p.connectionState !== 'closed')) {
      (await pc.getStats()).forEach((report: { type?: string; kind?: string; framesDecoded?: number }) => {
        if (report.type === 'inbound-rtp' && report.kind === 'video') frames += report.framesDecoded ?? 0;
      });
    }
    return frames;
  });
}

/** Frames of new video that prove it flows: the citizen's camera clip runs at 10 frames/s, the agent's at 30. */
const NEW_FRAMES = 30;

/** What a page's connections say about the video they send and receive, for a failure's report. */
export function videoPath(page: Page): Promise<unknown> {
  return page.evaluate(async () => {
    const peers = (window as unknown as { e2ePeerConnections?: RTCPeerConnection[] }).e2ePeerConnections ?? [];
    const out: unknown[] = [];
    for (const pc of peers.filter((p) => p.connectionState !== 'closed')) {
      const seen: Record<string, unknown>[] = [];
      (await pc.getStats()).forEach((r: Record<string, unknown>) => {
        if (r.type === 'outbound-rtp' && r.kind === 'video')
          seen.push({ out: r.framesEncoded, sent: r.framesSent, limit: r.qualityLimitationReason, active: r.active, fps: r.framesPerSecond });
        if (r.type === 'inbound-rtp' && r.kind === 'video') seen.push({ decoded: r.framesDecoded, received: r.framesReceived, lost: r.packetsLost });
        if (r.type === 'candidate-pair' && r.nominated === true) seen.push({ pair: r.state, bwe: r.availableOutgoingBitrate });
      });
      out.push({ state: pc.connectionState, ice: pc.iceConnectionState, signaling: pc.signalingState, stats: seen });
    }
    return { onLine: navigator.onLine, peers: out, notices: [...document.querySelectorAll('[role=status]')].map((e) => e.textContent) };
  });
}

/** Waits until `page` has decoded `more` video frames beyond what it had decoded now; on failure, says how both sides' video stands. */
export async function expectVideoFlowing(page: Page, other?: Page, more = NEW_FRAMES): Promise<void> {
  const now = await framesDecoded(page);
  try {
    await expect.poll(() => framesDecoded(page), { timeout: 30_000, message: 'video frames decoded' }).toBeGreaterThan(now + more);
  } catch (error) {
    const report = { receiver: await videoPath(page).catch(String), sender: other ? await videoPath(other).catch(String) : null };
    throw new Error(`${error instanceof Error ? error.message : String(error)}\n${JSON.stringify(report, null, 1)}`, { cause: error });
  }
}

/** The width of the other participant's picture as this side decodes it. */
export function remoteWidth(page: Page): Promise<number> {
  return page.locator('.call-tile:not(.call-tile--self) video').first().evaluate((video: HTMLVideoElement) => video.videoWidth);
}

/**
 * How many new frames the other participant's picture on this page puts on
 * screen within about 5 s (up to 3): `requestVideoFrameCallback` fires when
 * a frame is presented for composition, so this is what a person sees, not
 * only what the connection decodes (media can flow while a tile shows
 * nothing: the defect fixed in f266dfe).
 */
export function framesPresented(page: Page): Promise<number> {
  return page
    .locator('.call-tile:not(.call-tile--self) video')
    .first()
    .evaluate(
      (video: HTMLVideoElement) =>
        new Promise<number>((resolve) => {
          let n = 0;
          const timer = setTimeout(() => resolve(n), 5_000);
          const step = () => {
            n += 1;
            if (n >= 3) {
              clearTimeout(timer);
              resolve(n);
            } else video.requestVideoFrameCallback(step);
          };
          video.requestVideoFrameCallback(step);
        }),
    );
}

/** Waits until both sides decode the other's video, show it, and receive their sound. */
export async function expectMediaBothWays(agent: Page, citizen: Page): Promise<void> {
  await expect.poll(async () => (await received(agent)).frames, { timeout: 30_000 }).toBeGreaterThan(0);
  await expect.poll(async () => (await received(citizen)).frames, { timeout: 30_000 }).toBeGreaterThan(0);
  await expect.poll(() => framesPresented(agent), { timeout: 30_000, message: 'the citizen’s picture is shown on the agent’s screen' }).toBe(3);
  await expect.poll(() => framesPresented(citizen), { timeout: 30_000, message: 'the agent’s picture is shown on the citizen’s screen' }).toBe(3);
  await expect.poll(async () => (await received(agent)).packets).toBeGreaterThan(0);
  await expect.poll(async () => (await received(citizen)).packets).toBeGreaterThan(0);
}

/** A call under way: the citizen's browser (close it when done) and the appointment. */
export interface OpenCall extends CitizenBrowser {
  reference: string;
}

/**
 * The whole way into a call, for specs about what happens during one: the
 * citizen books, signs in and waits; the agent (`agent`, an {@link instrument}ed
 * page of a browser with {@link AGENT_BROWSER}) signs in, admits them from the
 * queue, and both sides receive each other's video and sound. The citizen's
 * browser is closed if a step fails; otherwise the caller closes it.
 * `prepareCitizen` runs on the citizen's context before its first page loads
 * (more instrumentation, say).
 */
export async function startCall(
  agent: Page,
  request: APIRequestContext,
  baseURL: string | undefined,
  people: { staff: StaffAccount; citizen: { email: string; idNumber: string } },
  prepareCitizen?: (context: BrowserContext) => Promise<void>,
): Promise<OpenCall> {
  const citizen = await launchCitizen(baseURL);
  try {
    await prepareCitizen?.(citizen.context);
    const reference = await bookAndSignIn(citizen.page, request, people.citizen);
    startSoon(reference);
    await signInStaff(agent, people.staff);
    const row = await openQueue(agent, reference);
    await enterWaitingRoom(citizen.page);
    await expect(row).toContainText('Hi està d’acord');
    await row.getByRole('button', { name: 'Fes entrar Jordi Vila' }).click();
    await expect(heading(agent)).toContainText('Trucada amb Jordi Vila');
    await expect(heading(citizen.page)).toContainText('Videotrucada');
    await expectMediaBothWays(agent, citizen.page);
    await expect.poll(() => remoteWidth(agent)).toBe(CARD.width);
    return { ...citizen, reference };
  } catch (error) {
    await citizen.browser.close();
    throw error;
  }
}
