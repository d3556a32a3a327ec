/**
 * A three-way call: a citizen (their own browser, the ID card as camera, in
 * Catalan on a phone), the agent (Catalan) and an interpreter (a third
 * browser context, in English, no account). The agent admits the citizen,
 * invites a language interpreter from the call page and copies the link;
 * the interpreter opens it, sees only what the invitation is for, checks
 * the camera and microphone, consents to the recording (by keyboard) and is
 * brought into the running call. All three decode the video and receive the
 * sound of both others; the tiles say who is who and the arrival is
 * announced. The interpreter leaves (announced to the others, the call goes
 * on), joins again, and the agent removes them: the link stops working.
 * axe checks every interpreter page and the agent's panel.
 */
import { expect, test, type Page } from '@playwright/test';
import { validNif } from './support/api.ts';
import { expectNoAxeViolations } from './support/axe.ts';
import { AGENT_BROWSER, heading, instrument, startCall } from './support/call.ts';
import { createStaff } from './support/cli.ts';

const AGENT = { email: 'e2e-interpreter-agent@demo.finestreta.test', password: 'e2e-interpreter-agent-2026', name: 'Agent Intèrpret' };

// The agent's and the interpreter's browser: Chromium's default fake camera and microphone.
test.use(AGENT_BROWSER);

test.beforeAll(() => {
  createStaff(AGENT, 'supervisor');
});

/** What this side has received from each other participant, by role (the call's connection details). */
function receivedByRole(page: Page): Promise<Record<string, { frames: number; packets: number }>> {
  return page
    .getByTestId('call-stats')
    .locator('li')
    .evaluateAll((items) =>
      Object.fromEntries(
        items.map((li) => [li.getAttribute('data-role') ?? '', { frames: Number(li.getAttribute('data-frames-decoded')), packets: Number(li.getAttribute('data-audio-packets')) }]),
      ),
    );
}

/** The pages of the call, by who is on them, for a failure's report. */
const participants = new Map<string, Page>();

/** The button that sends video again after the audio-only fallback, in each participant's language. */
const RESUME_VIDEO: Record<string, string> = { agent: 'Torna a enviar vídeo', citizen: 'Torna a enviar vídeo', interpreter: 'Send video again' };

/**
 * Sends `role`'s video again if their page paused it for a weak connection,
 * as the person would. Three video calls on two shared cores make even the
 * loopback look weak to the bandwidth estimate; the fallback itself is not
 * what this spec is about.
 */
async function resumeVideo(role: string): Promise<void> {
  const button = participants.get(role)?.getByRole('button', { name: RESUME_VIDEO[role] ?? '' });
  if (button && (await button.isVisible())) await button.click();
}

/** Waits until `page` decodes video and receives sound from each of `roles`; on failure, says how each connection of the page stands. */
async function expectMediaFrom(page: Page, roles: string[]): Promise<void> {
  try {
    for (const role of roles) {
      const frames = async () => {
        await resumeVideo(role);
        return (await receivedByRole(page))[role]?.frames ?? 0;
      };
      await expect.poll(frames, { timeout: 90_000, message: `video from ${role}` }).toBeGreaterThan(0);
      await expect.poll(async () => (await receivedByRole(page))[role]?.packets ?? 0, { timeout: 90_000, message: `sound from ${role}` }).toBeGreaterThan(0);
    }
  } catch (error) {
    const report: Record<string, unknown> = {};
    for (const [name, p] of participants) report[name] = await connections(p).catch((e: unknown) => String(e));
    await test.info().attach('connections', { body: JSON.stringify(report, null, 2), contentType: 'application/json' });
    throw error;
  }
}

/** Every RTCPeerConnection of an instrumented page: its states, transceivers and inbound media (for a failure's report). */
function connections(page: Page): Promise<unknown> {
  return page.evaluate(async () => {
    const peers = (window as unknown as { e2ePeerConnections?: RTCPeerConnection[] }).e2ePeerConnections ?? [];
    return Promise.all(
      peers.map(async (pc) => {
        const inbound: unknown[] = [];
        (await pc.getStats()).forEach((r: { type?: string; kind?: string; framesDecoded?: number; packetsReceived?: number; bytesReceived?: number }) => {
          if (r.type === 'inbound-rtp') inbound.push({ kind: r.kind, framesDecoded: r.framesDecoded, packets: r.packetsReceived, bytes: r.bytesReceived });
        });
        return {
          connection: pc.connectionState,
          ice: pc.iceConnectionState,
          signaling: pc.signalingState,
          transceivers: pc.getTransceivers().map((t) => ({ mid: t.mid, direction: t.direction, current: t.currentDirection, sending: t.sender.track?.kind ?? null })),
          inbound,
        };
      }),
    );
  });
}

/** A polite announcement containing `text` on `page`, now on screen. */
function announced(page: Page, text: string) {
  return page.getByRole('status').filter({ hasText: text });
}

/**
 * Starts keeping every text put into a live region (`role="status"`) of the
 * page, so a test can tell it was announced even after the next one
 * replaced it (a call says "joined", then "connected", in quick succession).
 */
function listenToAnnouncements(page: Page): Promise<void> {
  return page.evaluate(() => {
    const heard: string[] = [];
    Object.assign(window, { e2eAnnouncements: heard });
    new MutationObserver((mutations) => {
      for (const mutation of mutations) {
        for (const node of mutation.addedNodes) {
          const region = (node instanceof Element ? node : node.parentElement)?.closest('[role="status"]');
          if (region && node.textContent) heard.push(node.textContent);
        }
      }
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
}

/** Waits until `page` has announced `text` (since {@link listenToAnnouncements}). */
async function expectAnnounced(page: Page, text: string): Promise<void> {
  await expect
    .poll(() => page.evaluate(() => (window as unknown as { e2eAnnouncements?: string[] }).e2eAnnouncements ?? []), { message: `announced: ${text}` })
    .toContainEqual(expect.stringContaining(text));
}

test('an interpreter invited by a link joins the call as a third participant, leaves, and is removed', async ({ page, request, baseURL, browser }) => {
  test.setTimeout(900_000);
  await instrument(page);
  const call = await startCall(page, request, baseURL, { staff: AGENT, citizen: { email: 'interpreter.call@example.org', idNumber: validNif(63_000_041) } });
  const interpreterContext = await browser.newContext({
    baseURL,
    locale: 'en-GB',
    timezoneId: 'Europe/Madrid',
    viewport: { width: 1024, height: 768 },
    permissions: ['camera', 'microphone'],
  });
  try {
    const citizen = call.page;

    // 1. The agent invites a language interpreter from the call page; the link is shown once, with a copy button.
    const panel = page.getByRole('region', { name: 'Intèrpret', exact: true });
    await panel.getByRole('button', { name: 'Crea l’enllaç' }).click();
    await expect(panel.getByRole('group', { name: /Quin tipus d’intèrpret\?/ })).toContainText('Trieu el tipus d’intèrpret');
    await expect(panel.getByLabel('Llengua de signes')).toBeFocused();
    await panel.getByLabel('Un altre idioma').check();
    await panel.getByLabel('Quin idioma?').fill('Àrab');
    await panel.getByLabel('Nom de l’intèrpret (opcional)').fill('Samira');
    await panel.getByRole('button', { name: 'Crea l’enllaç' }).click();
    const linkBox = page.getByRole('region', { name: 'Enllaç per a l’intèrpret' });
    await expect(linkBox).toBeFocused();
    const link = await linkBox.getByLabel('Enllaç', { exact: true }).inputValue();
    expect(link).toMatch(/\/i\/[A-Za-z0-9_-]{32}$/);
    await linkBox.getByRole('button', { name: 'Copia l’enllaç' }).click();
    await expect(linkBox.getByRole('status')).toHaveText(/S’ha copiat l’enllaç\.|No s’ha pogut copiar l’enllaç automàticament/);
    await expect(panel.getByRole('listitem').filter({ hasText: 'Samira' })).toContainText('Encara no obert');
    await expectNoAxeViolations(page, 'agent with the interpreter link');

    await listenToAnnouncements(page);
    await listenToAnnouncements(citizen);

    // 2. The interpreter opens the link: what it is for, nothing of the citizen but the first name.
    await instrument(interpreterContext);
    const interpreter = await interpreterContext.newPage();
    participants.set('agent', page).set('citizen', citizen).set('interpreter', interpreter);
    await interpreter.goto(new URL(link).pathname);
    await expect(heading(interpreter)).toContainText('Interpret a video call');
    await expect(interpreter.getByText(/invites you to interpret an appointment with Jordi on/)).toBeVisible();
    await expect(interpreter.getByText('You will interpret Àrab.')).toBeVisible();
    await expect(interpreter.locator('main')).not.toContainText('Jordi Vila');
    await expectNoAxeViolations(interpreter, 'interpreter invitation');

    // Continuing before the check and the consent: an error summary that takes focus.
    await interpreter.getByRole('button', { name: 'Continue to the call' }).click();
    const summary = interpreter.getByRole('alert').filter({ hasText: 'There is a problem' });
    await expect(summary).toBeFocused();
    await expect(summary).toContainText('Start the check of your camera and microphone');
    await expect(summary).toContainText('Agree to the recording to join the call');
    await expectNoAxeViolations(interpreter, 'interpreter check with errors');

    // The device check, then the consent and "continue" by keyboard.
    await interpreter.getByRole('button', { name: 'Start the check' }).click();
    await expect.poll(() => interpreter.getByLabel('Picture from your camera').evaluate((v: HTMLVideoElement) => v.videoWidth)).toBeGreaterThan(0);
    await expect(interpreter.getByRole('status').filter({ hasText: /We can hear you|We cannot hear you yet/ })).toBeVisible();
    await expectNoAxeViolations(interpreter, 'interpreter device check');
    await interpreter.getByLabel('I agree to the call being recorded while I take part').focus();
    await interpreter.keyboard.press('Space');
    await expect(interpreter.getByLabel('I agree to the call being recorded while I take part')).toBeChecked();
    await interpreter.getByRole('button', { name: 'Continue to the call' }).focus();
    await interpreter.keyboard.press('Enter');

    // 3. The call is running: the interpreter is brought straight in, and everybody hears of it.
    await expect(heading(interpreter)).toContainText('Video call');
    await expect(heading(interpreter)).toBeFocused();
    await expectAnnounced(page, 'L’intèrpret ha entrat a la trucada.');
    await expectAnnounced(citizen, 'L’intèrpret ha entrat a la trucada.');

    // 4. Everyone decodes the video and receives the sound of both others.
    await expectMediaFrom(interpreter, ['agent', 'citizen']);
    await expectMediaFrom(page, ['citizen', 'interpreter']);
    await expectMediaFrom(citizen, ['agent', 'interpreter']);

    // Three tiles each, labelled by role; the interpreter has no chat.
    const tiles = (p: Page, region: string) => p.getByRole('region', { name: region }).getByRole('figure');
    await expect(tiles(page, 'Videotrucada')).toHaveCount(3);
    await expect(tiles(page, 'Videotrucada').filter({ hasText: 'Intèrpret' })).toHaveCount(1);
    await expect(tiles(citizen, 'Videotrucada').filter({ hasText: 'Intèrpret' })).toHaveCount(1);
    await expect(tiles(interpreter, 'Video call')).toHaveCount(3);
    await expect(tiles(interpreter, 'Video call').filter({ hasText: 'Citizen' })).toHaveCount(1);
    await expect(tiles(interpreter, 'Video call').filter({ hasText: 'Agent' })).toHaveCount(1);
    await expect(interpreter.getByRole('region', { name: 'Chat' })).toHaveCount(0);
    await expect(panel.getByRole('listitem').filter({ hasText: 'Samira' })).toContainText('Obert');
    await expectNoAxeViolations(interpreter, 'interpreter in the call');
    await expectNoAxeViolations(page, 'agent in a three-way call');

    // 5. The interpreter leaves: the others are told, and their call goes on.
    await interpreter.getByRole('button', { name: 'Leave the call' }).click();
    await expect(announced(interpreter, 'You have left the call.')).toBeVisible();
    await expectAnnounced(page, 'L’intèrpret ha sortit de la trucada.');
    await expectAnnounced(citizen, 'L’intèrpret ha sortit de la trucada.');
    await expect(page.getByTestId('call-stats').locator('li')).toHaveCount(1);
    await expect(citizen.getByTestId('call-stats').locator('li')).toHaveCount(1);
    await expect(heading(citizen)).toContainText('Videotrucada');
    await expectNoAxeViolations(interpreter, 'interpreter after leaving');

    // 6. They join again, and the agent removes them: the link no longer works.
    await interpreter.getByRole('button', { name: 'Join the call again' }).click();
    await expect(heading(interpreter)).toContainText('Video call');
    await expect(page.getByTestId('call-stats').locator('li')).toHaveCount(2);
    await expectMediaFrom(page, ['interpreter']);
    await panel.getByRole('button', { name: 'Treu de la trucada (Samira)' }).click();
    await expect(announced(page, 'S’ha tret l’intèrpret de la trucada.')).toBeVisible();
    await expect(announced(interpreter, 'The person who invited you has ended your participation')).toBeVisible();
    await expect(page.getByTestId('call-stats').locator('li')).toHaveCount(1);
    await expect(panel.getByRole('listitem').filter({ hasText: 'Samira' })).toContainText('Retirat');
    await interpreter.goto(new URL(link).pathname);
    await expect(heading(interpreter)).toContainText('This link does not work');
    await expect(interpreter.locator('main')).toContainText('The person who invited you has withdrawn this interpreter link.');
    await expectNoAxeViolations(interpreter, 'withdrawn link');

    // The appointment's history has every step, with who did it.
    await page.goto(`/staff/appointments/${await appointmentIdOf(page)}`);
    await expect(heading(page)).toContainText('Jordi Vila');
    for (const step of ['Intèrpret convidat', 'L’intèrpret ha obert l’enllaç', 'L’intèrpret ha entrat a la trucada', 'L’intèrpret ha sortit de la trucada', 'Intèrpret tret de la trucada']) {
      await expect(page.getByRole('listitem').filter({ hasText: step }).first()).toBeVisible();
    }
  } finally {
    await interpreterContext.close();
    await call.browser.close();
  }
});

/** The appointment id of the call page `page` shows (`/staff/calls/:id`). */
async function appointmentIdOf(page: Page): Promise<string> {
  const match = /\/staff\/calls\/([^/?#]+)/.exec(page.url());
  if (!match?.[1]) throw new Error(`not on a call page: ${page.url()}`);
  return Promise.resolve(decodeURIComponent(match[1]));
}
