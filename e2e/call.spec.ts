/**
 * The video call, in Catalan, between two browsers: a citizen on a 360 px
 * phone whose camera is a synthetic "ID card" (a Y4M file fed to Chromium's
 * fake capture), and an agent (a supervisor) with Chromium's default fake
 * camera and microphone. The citizen books through the API, passes the
 * device check and the consents and waits; the agent's queue chimes,
 * highlights the row and announces the arrival; the agent admits; both sides
 * then decode each other's video (the agent sees the 320×240 card) and
 * receive audio, chat both ways, mute, share their screens in turn; the
 * agent asks for a document; the citizen's connection drops and the call
 * comes back without a new admission; the agent puts the citizen back in
 * the waiting room and admits them again, then hangs up. Before admitting,
 * the agent sends a "running late" quick message. axe checks the
 * queue and both sides of the call.
 */
import { expect, test } from '@playwright/test';
import { validNif } from './support/api.ts';
import { startSoon } from './support/appointments.ts';
import { expectNoAxeViolations } from './support/axe.ts';
import {
  AGENT_BROWSER,
  CARD,
  bookAndSignIn,
  enterWaitingRoom,
  expectMediaBothWays,
  heading,
  launchCitizen,
  openQueue,
  received,
  remoteWidth,
  signInStaff,
} from './support/call.ts';
import { createStaff } from './support/cli.ts';

const SUPERVISOR = { email: 'e2e-call-supervisor@demo.finestreta.test', password: 'e2e-call-supervisor-2026', name: 'Supervisora Trucada' };

// The agent's browser: the default fake camera (a moving pattern, 640×480) and a beeping microphone.
test.use(AGENT_BROWSER);

test.beforeAll(() => {
  createStaff(SUPERVISOR, 'supervisor');
});

test('a citizen waits, the agent is alerted and admits, and they see, hear and write to each other', async ({ page, request, baseURL }) => {
  test.setTimeout(240_000);
  // The citizen's browser, whose camera films the ID card; its sockets stay reachable to cut the connection in step 10.
  const { browser: citizenBrowser, page: citizen } = await launchCitizen(baseURL);
  try {
    // 1. Booking through the API; the emailed link and password open the citizen's area; the appointment starts soon.
    const reference = await bookAndSignIn(citizen, request, { email: 'marta.call@example.org', idNumber: validNif(63_000_021) });
    startSoon(reference);

    // 2. The agent opens the queue from the staff bar: the appointment is there, not arrived yet.
    await signInStaff(page, SUPERVISOR);
    const row = await openQueue(page, reference);
    await expect(heading(page)).toBeFocused();
    await expect(row).toContainText('No ha arribat');
    await expect(row).toContainText('Encara no l’ha donat');
    // Alerts: the chime is on, and system notifications (allowed for this browser) too.
    await expect(page.getByRole('button', { name: 'So', exact: true })).toHaveAttribute('aria-pressed', 'true');
    await expect(page.getByText('Les notificacions de l’escriptori estan activades.')).toBeVisible();
    await expectNoAxeViolations(page, 'queue');

    // 3. The citizen checks the devices, consents and enters the waiting room.
    await enterWaitingRoom(citizen);

    // 4. The agent's queue announces the arrival, highlights the row with "New", and shows the consent.
    await expect(page.getByRole('status').filter({ hasText: 'Jordi Vila està esperant' })).toBeVisible();
    await expect(row).toContainText('Nou');
    await expect(row).toContainText(/Espera des de fa (menys d’un minut|1 minut)/);
    await expect(row).toContainText('Hi està d’acord');
    await expect(citizen.getByRole('status').filter({ hasText: 'La persona que us atendrà sap que hi sou.' })).toBeVisible();
    // The citizen's camera is ready too, with their own picture and the assurance that nobody sees it yet.
    await expect(citizen.getByRole('status').filter({ hasText: 'Ningú més no us veu fins que comença la trucada.' })).toBeVisible();
    await expect.poll(() => citizen.getByLabel('La vostra imatge').evaluate((v: HTMLVideoElement) => v.videoWidth)).toBe(CARD.width);
    // The agent's camera gets ready while the citizen waits: their own picture, and a sentence saying so.
    await expect(page.getByRole('status').filter({ hasText: 'La càmera està engegada, a punt per a la trucada' })).toBeVisible();
    await expect.poll(() => page.getByLabel('La vostra imatge').evaluate((v: HTMLVideoElement) => v.videoWidth)).toBeGreaterThan(0);
    await expectNoAxeViolations(page, 'queue with a citizen waiting');

    // A quick message: choosing nothing is an error; "running late" needs the minutes; the citizen reads it.
    await row.getByRole('button', { name: 'Envia un missatge a Jordi Vila' }).click();
    const messageBox = page.getByRole('group', { name: 'Missatge per a Jordi Vila' });
    await expect(messageBox.getByRole('heading')).toBeFocused();
    await messageBox.getByRole('button', { name: 'Envia el missatge' }).click();
    await expect(messageBox).toContainText('Trieu un missatge');
    await messageBox.getByLabel('Faig tard').check();
    await messageBox.getByLabel('Quants minuts de retard?').fill('5');
    await expectNoAxeViolations(page, 'quick message');
    await messageBox.getByRole('button', { name: 'Envia el missatge' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'S’ha enviat el missatge a Jordi Vila.' })).toBeVisible();
    await expect(row.getByRole('button', { name: 'Envia un missatge a Jordi Vila' })).toBeFocused();
    await expect(citizen.getByRole('status').filter({ hasText: 'Vaig amb un retard d’uns 5 minuts.' })).toBeVisible();

    // 5. Admit: the agent's call page opens, and both sides decode the other's video and receive sound.
    await row.getByRole('button', { name: 'Fes entrar Jordi Vila' }).click();
    await expect(heading(page)).toContainText('Trucada amb Jordi Vila');
    await expect(heading(citizen)).toContainText('Videotrucada');
    await expectMediaBothWays(page, citizen);
    // The agent sees the citizen's camera: the ID card clip, at its own size.
    await expect.poll(() => remoteWidth(page)).toBe(CARD.width);
    await expect(page.getByRole('region', { name: 'Videotrucada' }).getByRole('figure').first()).toContainText('Persona ciutadana');
    await expectNoAxeViolations(page, 'agent in the call');
    await expectNoAxeViolations(citizen, 'citizen in the call');

    // 5b. Identification: the agent captures the ID card's front from the citizen's video at its full size; the
    // snapshot is stored (its SHA-256 shown) and listed for the appointment.
    await page.getByRole('button', { name: 'Captura: anvers del document' }).click();
    const stored = page.getByRole('region', { name: 'Captures d’identificació' }).getByRole('status');
    await expect(stored).toContainText(`Captura desada (anvers del document): ${CARD.width}×${CARD.height} píxels`);
    await expect(page.getByRole('button', { name: 'Torna a capturar: anvers del document (1 fetes)' })).toBeVisible();
    const hash = /SHA-256 ([0-9a-f]{12})/.exec((await stored.textContent()) ?? '')?.[1];
    const appointmentId = new URL(page.url()).pathname.split('/').pop() ?? '';
    const snapshots = (await (await page.request.get(`/api/staff/appointments/${appointmentId}/snapshots`)).json()) as { data: { snapshots: { kind: string; sha256: string; mediaType: string }[] } };
    expect(snapshots.data.snapshots).toEqual([expect.objectContaining({ kind: 'id_front', mediaType: 'image/jpeg' })]);
    expect(snapshots.data.snapshots[0]?.sha256.startsWith(hash ?? '-')).toBe(true);

    // 6. Chat both ways; each message is read out on the other side.
    await page.getByLabel('Missatge', { exact: true }).fill('Bon dia! Em podeu ensenyar el DNI a la càmera?');
    await page.getByRole('button', { name: 'Envia', exact: true }).click();
    await expect(citizen.getByRole('region', { name: 'Xat' })).toContainText('Bon dia! Em podeu ensenyar el DNI a la càmera?');
    await expect(citizen.getByRole('status').filter({ hasText: 'L’agent ha escrit: Bon dia!' })).toBeVisible();
    await citizen.getByLabel('Missatge', { exact: true }).fill('Ara mateix.');
    await citizen.getByLabel('Missatge', { exact: true }).press('Enter');
    await expect(page.getByRole('region', { name: 'Xat' })).toContainText('Ara mateix.');
    // The sender sees its own message once (the server's echo replaces the copy shown at once).
    await expect(citizen.getByRole('region', { name: 'Xat' }).getByText('Ara mateix.')).toHaveCount(1);

    // 7. Muting is told to the other side in words.
    const mute = page.getByRole('button', { name: 'Silencia el micròfon' });
    await mute.click();
    await expect(mute).toHaveAttribute('aria-pressed', 'true');
    await expect(citizen.getByRole('status').filter({ hasText: 'L’agent ha silenciat el micròfon.' })).toBeVisible();
    await mute.click();
    await expect(mute).toHaveAttribute('aria-pressed', 'false');

    // 8. Screen sharing, one side then the other: the picture sent is the screen (1280 wide), then the camera again.
    const agentShare = page.getByRole('button', { name: 'Comparteix la pantalla' });
    await agentShare.click();
    await expect(agentShare).toHaveAttribute('aria-pressed', 'true');
    await expect(citizen.getByRole('status').filter({ hasText: 'L’agent comparteix la pantalla.' })).toBeVisible();
    await expect.poll(() => remoteWidth(citizen), { timeout: 20_000 }).toBeGreaterThan(640);
    await agentShare.click();
    await expect(agentShare).toHaveAttribute('aria-pressed', 'false');
    await expect.poll(() => remoteWidth(citizen), { timeout: 20_000 }).toBeLessThanOrEqual(640);
    const citizenShare = citizen.getByRole('button', { name: 'Comparteix la pantalla' });
    await citizenShare.click();
    await expect(citizenShare).toHaveAttribute('aria-pressed', 'true');
    await expect(page.getByRole('status').filter({ hasText: 'La persona ciutadana comparteix la pantalla.' })).toBeVisible();
    await expect.poll(() => remoteWidth(page), { timeout: 20_000 }).toBeGreaterThan(CARD.width);
    await citizenShare.click();
    await expect.poll(() => remoteWidth(page), { timeout: 20_000 }).toBe(CARD.width);

    // 9. A document asked for during the call.
    const requestForm = page.getByRole('region', { name: 'Demanar un document' });
    const slot = requestForm.getByLabel('Document', { exact: true });
    const firstSlot = (await slot.locator('option').nth(1).textContent()) ?? '';
    await slot.selectOption({ index: 1 });
    await requestForm.getByLabel('Nota per a la persona (opcional)').fill('La cara de davant, ben il·luminada.');
    await requestForm.getByRole('button', { name: 'Demana’l ara' }).click();
    await expect(requestForm.getByRole('status')).toHaveText(`S’ha demanat a la persona: ${firstSlot}.`);

    // 10. The citizen's connection drops: the call comes back by itself, without admitting again.
    const agentPeers = page.getByTestId('call-stats').locator('li');
    const peerBefore = (await agentPeers.first().getAttribute('data-peer')) ?? '';
    await citizen.evaluate(() => (window as unknown as { e2eSockets: WebSocket[] }).e2eSockets.forEach((socket) => socket.close()));
    // The citizen comes back as a new peer; the old one is gone from the agent's call.
    await expect(agentPeers).toHaveCount(1);
    await expect(agentPeers.first()).not.toHaveAttribute('data-peer', peerBefore, { timeout: 30_000 });
    await expect.poll(async () => (await received(page)).frames, { timeout: 30_000 }).toBeGreaterThan(0);
    await expect.poll(async () => (await received(citizen)).frames, { timeout: 30_000 }).toBeGreaterThan(0);
    await expect.poll(() => remoteWidth(page)).toBe(CARD.width);
    await expect(heading(page)).toContainText('Trucada amb Jordi Vila');

    // 11. Back to the waiting room for a moment, then in again.
    await page.getByRole('button', { name: 'Torna a la sala d’espera' }).click();
    await expect(page.getByText('La persona ha tornat a la sala d’espera.')).toBeVisible();
    await expect(heading(citizen)).toContainText('Sala d’espera');
    await page.getByRole('button', { name: 'Fes-la entrar de nou' }).click();
    await expect(heading(citizen)).toContainText('Videotrucada');
    await expect.poll(async () => (await received(page)).frames, { timeout: 30_000 }).toBeGreaterThan(0);
    await expect.poll(async () => (await received(citizen)).frames, { timeout: 30_000 }).toBeGreaterThan(0);

    // 12. The agent hangs up: the call ends on both sides.
    await page.getByRole('button', { name: 'Penja', exact: true }).click();
    await expect(page.getByText('La trucada ha acabat.')).toBeVisible();
    await expect(page.getByRole('link', { name: 'Torna a la cua' })).toBeVisible();
    await expect(citizen.getByRole('region', { name: 'Videotrucada' })).toHaveCount(0);
    await expectNoAxeViolations(page, 'call ended');
  } finally {
    await citizenBrowser.close();
  }
});
