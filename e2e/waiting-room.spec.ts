/**
 * The citizen's way into the video call, on a 360 px phone in Catalan, with
 * Chromium's fake camera and microphone: from the appointment page to the
 * device check (preview, level meter, test sound, connection), the two
 * consents (an empty submit and a refused recording first), and the waiting
 * room. An agent's socket (a second browser context signed in as staff)
 * watches the queue: it is told the citizen is waiting, the citizen is told
 * the agent knows, and the agent's quick message appears on the citizen's
 * page. axe checks every page and state.
 */
import { expect, test, type Browser, type Page } from '@playwright/test';
import { validNif } from './support/api.ts';
import { startSoon } from './support/appointments.ts';
import { expectNoAxeViolations } from './support/axe.ts';
import { bookAndSignIn, heading } from './support/call.ts';
import { createStaff } from './support/cli.ts';

const SUPERVISOR = { email: 'e2e-waiting-supervisor@demo.finestreta.test', password: 'e2e-waiting-supervisor-2026', name: 'Supervisor Sala' };

test.use({
  viewport: { width: 360, height: 740 },
  permissions: ['camera', 'microphone'],
  launchOptions: {
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless=new',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      // A synthetic camera picture and a beeping microphone, allowed without a prompt.
      '--use-fake-device-for-media-stream',
      '--use-fake-ui-for-media-stream',
    ],
  },
});

interface Envelope<T> {
  data: T;
}

/** A member of staff's socket in a page of its own, recording every message it receives. */
async function agentSocket(browser: Browser): Promise<Page> {
  createStaff(SUPERVISOR, 'supervisor');
  const context = await browser.newContext();
  const login = await context.request.post('/api/staff/session', { data: { email: SUPERVISOR.email, password: SUPERVISOR.password } });
  expect(login.status()).toBe(200);
  const { csrfToken } = ((await login.json()) as Envelope<{ csrfToken: string }>).data;
  const page = await context.newPage();
  // Any page of the origin will do: the socket carries the session cookie and the page's Origin.
  await page.goto('/healthz');
  await page.evaluate(
    ([csrf, wsPath]) =>
      new Promise<void>((resolve, reject) => {
        const received: unknown[] = [];
        const socket = new WebSocket(`ws://${location.host}${wsPath}`);
        Object.assign(window, { agentReceived: received, agentSocket: socket });
        socket.onopen = () => socket.send(JSON.stringify({ type: 'hello', role: 'agent', csrf }));
        socket.onmessage = (event) => {
          const message = JSON.parse(String(event.data)) as { type: string };
          received.push(message);
          if (message.type === 'welcome') socket.send(JSON.stringify({ type: 'watch_queue' }));
          if (message.type === 'queue') resolve();
        };
        socket.onclose = (event) => reject(new Error(`agent socket closed: ${event.code}`));
      }),
    [csrfToken, '/api/ws'] as const,
  );
  return page;
}

/** The messages of `type` the agent's socket has received. */
async function agentMessages(page: Page, type: string): Promise<{ type: string; entry?: { appointmentId: string; reference: string; presence: string } }[]> {
  return page.evaluate(
    (wanted) => ((window as unknown as { agentReceived: { type: string }[] }).agentReceived ?? []).filter((m) => m.type === wanted),
    type,
  );
}

test('a citizen checks the camera and sound, consents, and waits; the agent is alerted and their message appears', async ({ page, request, browser }) => {
  // Book through the API, sign in, and bring the appointment forward to now.
  startSoon(await bookAndSignIn(page, request, { email: 'pere.sala@example.org', idNumber: validNif(62_000_011) }));

  // The agent watches the queue before the citizen arrives: the alert is an event, not a state.
  const agent = await agentSocket(browser);

  // The appointment page leads to the device check.
  await page.reload();
  // It says when the waiting room opens: 15 minutes (the demo municipality's setting) before the appointment.
  const joinText = /La sala d’espera s’obre a les (\d{1,2}):(\d{2}), abans de la cita de les (\d{1,2}):(\d{2})/;
  await expect(page.getByText(joinText)).toBeVisible();
  const [, oh, om, sh, sm] = (joinText.exec((await page.getByText(joinText).textContent()) ?? '') ?? []).map(Number);
  expect((((sh ?? 0) * 60 + (sm ?? 0) - ((oh ?? 0) * 60 + (om ?? 0))) % 1440 + 1440) % 1440).toBe(15);
  await page.getByRole('link', { name: 'Entra a la videotrucada' }).click();
  await expect(heading(page)).toContainText('Comproveu la càmera, el micròfon i el so');
  await expect(heading(page)).toBeFocused();
  await expectNoAxeViolations(page, 'device check, before starting');

  // The fake camera and microphone: a moving picture, a level meter that hears the beeps.
  await page.getByRole('button', { name: 'Comença la comprovació' }).click();
  const preview = page.getByLabel('Imatge de la vostra càmera');
  await expect(preview).toBeVisible();
  await expect.poll(() => preview.evaluate((v: HTMLVideoElement) => v.videoWidth)).toBeGreaterThan(0);
  await expect(page.getByText('Us sentim: el micròfon funciona.')).toBeVisible();
  await expect(page.getByRole('meter', { name: 'Nivell del micròfon' })).toBeVisible();

  // Continuing without answering about the sound is an error that points at the question.
  await page.getByRole('button', { name: 'Continua' }).click();
  const summary = page.getByRole('alert');
  await expect(summary).toBeFocused();
  await expect(summary).toContainText('Indiqueu si heu sentit el so de prova');
  await expect(page).toHaveTitle(/^Error: /);
  await summary.getByRole('link', { name: 'Indiqueu si heu sentit el so de prova' }).click();
  await expect(page.getByLabel('Sí')).toBeFocused();

  // The test sound, and the answer.
  await page.getByRole('button', { name: 'Reprodueix el so de prova' }).click();
  await expect(page.getByText('S’està reproduint el so de prova…')).toBeVisible();
  await expect(page.getByText('S’està reproduint el so de prova…')).toBeHidden();
  await expect(page.getByText('No s’ha pogut reproduir el so de prova.', { exact: false })).toHaveCount(0);
  await page.getByRole('group', { name: 'Heu sentit el so?' }).getByLabel('No').check();
  await expect(page.getByText('Torneu a reproduir el so.')).toBeVisible();
  await page.getByRole('group', { name: 'Heu sentit el so?' }).getByLabel('Sí').check();

  // Both connection checks pass: the server (health and the signalling socket) and a WebRTC loopback.
  const checks = page.getByRole('listitem').filter({ hasText: /^Connexió/ });
  await expect(checks.filter({ hasText: 'Connexió amb l’ajuntament' })).toContainText('Funciona');
  await expect(checks.filter({ hasText: 'Connexió per a la videotrucada' })).toContainText('Funciona');
  await expectNoAxeViolations(page, 'device check, all working');
  await page.getByRole('button', { name: 'Continua' }).click();

  // Consents: nothing chosen is two errors; refusing the recording explains the alternatives and does not let them in.
  await expect(heading(page)).toContainText('El vostre consentiment');
  await expectNoAxeViolations(page, 'consents');
  await page.getByRole('button', { name: 'Vés a la sala d’espera' }).click();
  await expect(summary).toBeFocused();
  await expect(summary.getByRole('listitem')).toHaveText([
    'Accepteu el tractament de les vostres dades personals per entrar a la videotrucada',
    'Indiqueu si accepteu que s’enregistri la trucada',
  ]);
  await expectNoAxeViolations(page, 'consents with errors');
  await page.getByLabel('Accepto que es tractin les meves dades personals per a aquest procediment').check();
  await page.getByLabel('No, no l’accepto').check();
  await expect(page.getByRole('heading', { name: 'Sense l’enregistrament, aquesta cita no pot ser per videotrucada' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Aneu a la vostra cita per canviar-la o anul·lar-la' })).toBeVisible();
  await page.getByRole('button', { name: 'Vés a la sala d’espera' }).click();
  await expect(summary).toContainText('No podeu entrar a la videotrucada sense acceptar l’enregistrament');
  await expect(heading(page)).toContainText('El vostre consentiment');
  await expectNoAxeViolations(page, 'consents, recording refused');
  await page.getByLabel('Sí, accepto l’enregistrament').check();
  await page.getByRole('button', { name: 'Vés a la sala d’espera' }).click();

  // The waiting room: what to have at hand, and the status.
  await expect(heading(page)).toContainText('Sala d’espera');
  await expect(page.getByText('El document d’identitat (DNI, NIE o passaport).')).toBeVisible();
  await expect(page.getByRole('link', { name: 'Vegeu o pugeu els documents (s’obre en una pestanya nova)' })).toBeVisible();
  const status = page.getByRole('status').filter({ hasText: 'Sou a la sala d’espera.' });
  await expect(status).toBeVisible();

  // The agent's socket is told at once, with the appointment.
  await expect.poll(async () => (await agentMessages(agent, 'citizen_waiting')).length).toBeGreaterThan(0);
  const [alert] = await agentMessages(agent, 'citizen_waiting');
  expect(alert?.entry?.presence).toBe('waiting');
  const appointmentId = alert?.entry?.appointmentId ?? '';
  // The citizen is told the agent knows.
  await expect(status).toContainText('La persona que us atendrà sap que hi sou.');
  await expectNoAxeViolations(page, 'waiting room');

  // A quick message from the agent appears, in the citizen's language, in the live region.
  await agent.evaluate(
    (id) =>
      (window as unknown as { agentSocket: WebSocket }).agentSocket.send(
        JSON.stringify({ type: 'send_message', appointmentId: id, message: { template: 'running_late', minutes: 5 } }),
      ),
    appointmentId,
  );
  await expect(status.getByRole('heading', { name: 'Missatge de la persona que us atendrà' })).toBeVisible();
  await expect(status).toContainText('Vaig amb un retard d’uns 5 minuts. Us atendré tan aviat com pugui.');
  await expectNoAxeViolations(page, 'waiting room with a message');

  // Leaving the room takes the citizen back to the appointment.
  await page.getByRole('button', { name: 'Surt de la sala d’espera' }).click();
  await expect(heading(page)).toContainText('La vostra cita');
  await agent.context().close();
});

test('a blocked camera gets this browser’s steps, a busy one the choice of voice only, and an early citizen a countdown', async ({ page, request }) => {
  // The browser's answers to getUserMedia, steered by the test: refused, then a camera held by another program.
  await page.addInitScript(() => {
    const media = navigator.mediaDevices;
    const real = media.getUserMedia.bind(media);
    const steer = { deny: true, busyCamera: false };
    Object.assign(window, { steerMedia: steer });
    media.getUserMedia = async (constraints?: MediaStreamConstraints) => {
      if (steer.deny) throw new DOMException('Permission denied', 'NotAllowedError');
      if (steer.busyCamera && constraints?.video) throw new DOMException('Could not start video source', 'NotReadableError');
      return real(constraints);
    };
  });
  await bookAndSignIn(page, request, { email: 'nuria.espera@example.org', idNumber: validNif(62_000_029) });
  await page.getByRole('link', { name: 'Entra a la videotrucada' }).click();
  await page.getByRole('button', { name: 'Comença la comprovació' }).click();

  // Refused: the steps for Chrome (this browser), and no way on without a microphone.
  const help = page.getByRole('heading', { name: 'Com permetre la càmera i el micròfon a Chrome' });
  await expect(help).toBeVisible();
  await expect(page.locator('#permission-help').getByRole('listitem')).toHaveCount(3);
  await expect(page.getByText('El navegador no deixa que aquesta pàgina utilitzi el micròfon.')).toBeVisible();
  await expectNoAxeViolations(page, 'device check, permission refused');
  await page.getByRole('button', { name: 'Continua' }).click();
  const summary = page.getByRole('alert');
  await expect(summary).toContainText('El micròfon ha de funcionar perquè pugueu entrar a la videotrucada');

  // Allowed, but another program holds the camera: say so, and offer to take part by voice only.
  await page.evaluate(() => Object.assign((window as unknown as { steerMedia: { deny: boolean; busyCamera: boolean } }).steerMedia, { deny: false, busyCamera: true }));
  await page.locator('#permission-help').getByRole('button', { name: 'Torna-ho a provar' }).click();
  await expect(help).toBeHidden();
  await expect(page.getByText(/^Un altre programa està fent servir la càmera/)).toBeVisible();
  await expect(page.getByText('Us sentim: el micròfon funciona.')).toBeVisible();
  await page.getByRole('group', { name: 'Heu sentit el so?' }).getByLabel('Sí').check();
  await expect(page.getByRole('listitem').filter({ hasText: 'Connexió amb l’ajuntament' })).toContainText('Funciona');
  await page.getByRole('button', { name: 'Continua' }).click();
  await expect(summary).toContainText('Feu funcionar la càmera o indiqueu que hi participareu només amb la veu');
  await expectNoAxeViolations(page, 'device check, camera busy');
  await page.getByLabel('Sí, hi participaré només amb la veu, sense vídeo').check();
  await page.getByRole('button', { name: 'Continua' }).click();

  // Consents, then a waiting room that is not open yet: when it opens, and what to prepare meanwhile.
  await expect(heading(page)).toContainText('El vostre consentiment');
  await page.getByLabel('Accepto que es tractin les meves dades personals per a aquest procediment').check();
  await page.getByLabel('Sí, accepto l’enregistrament').check();
  await page.getByRole('button', { name: 'Vés a la sala d’espera' }).click();
  await expect(heading(page)).toContainText('Sala d’espera');
  await expect(page.getByRole('status').filter({ hasText: 'La sala d’espera encara no és oberta.' })).toBeVisible();
  await expect(page.getByText(/^La sala d’espera s’obre (el .+ )?a les \d{1,2}:\d{2}\.$/)).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Mentre espereu, prepareu' })).toBeVisible();
  await expect(page.getByText('Hi participareu només amb la veu', { exact: false })).toBeVisible();
  await expectNoAxeViolations(page, 'waiting room, not open yet');
});
