/**
 * The citizen's network drops in the middle of a video call and comes back a
 * few seconds later: both sides are told in words (the call's polite live
 * region) that the connection was lost and is being restored, and the call
 * comes back by itself — the same connection, restarted (ICE restart, RFC
 * 8445 §2.4), without the agent admitting the citizen again — with video
 * decoded at both ends again, and not left in the audio-only fallback.
 *
 * How the network drops: `setOffline(true)` on the citizen's browser context
 * (Chromium's offline emulation: `navigator.onLine` turns false, the page's
 * HTTP and WebSocket traffic stop). That emulation does not touch WebRTC's
 * UDP between two browsers on one machine — tried: frames kept being decoded
 * and ICE stayed connected through the whole outage, and the signalling
 * socket simply stalled — so the citizen's media goes through a UDP relay
 * (support/media-relay.ts) that the test cuts at the same moment and restores
 * with the network. (A socket lost for good is call.spec.ts's step 10: the
 * citizen comes back as a new peer.)
 */
import { expect, test, type Page } from '@playwright/test';
import { validNif } from './support/api.ts';
import { AGENT_BROWSER, expectVideoFlowing, heading, instrument } from './support/call.ts';
import { createStaff } from './support/cli.ts';
import { startRelayedCall } from './support/media-relay.ts';

const SUPERVISOR = { email: 'e2e-offline-supervisor@demo.finestreta.test', password: 'e2e-offline-supervisor-2026', name: 'Supervisor Xarxa' };

/** How long the citizen stays offline at least (and longer if either side takes longer to notice). */
const OUTAGE_MS = 6_000;

test.use(AGENT_BROWSER);

test.beforeAll(() => {
  createStaff(SUPERVISOR, 'supervisor');
});

/** The ICE username fragment of each open connection of an instrumented page (a restart changes it). */
function iceUfrags(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    ((window as unknown as { e2ePeerConnections?: RTCPeerConnection[] }).e2ePeerConnections ?? [])
      .filter((pc) => pc.connectionState !== 'closed')
      .map((pc) => /^a=ice-ufrag:(.+)$/m.exec(pc.localDescription?.sdp ?? '')?.[1] ?? ''),
  );
}

test('the citizen’s network drops for a few seconds and the call comes back by itself', async ({ page, request, baseURL }) => {
  test.setTimeout(240_000);
  await instrument(page);
  const { call, relay } = await startRelayedCall(page, request, baseURL, { staff: SUPERVISOR, citizen: { email: 'anna.xarxa@example.org', idNumber: validNif(63_000_039) } });
  const citizen = call.page;
  try {
    const agentSees = page.getByTestId('call-stats').locator('li');
    const citizenSees = citizen.getByTestId('call-stats').locator('li');
    await expect(agentSees).toHaveCount(1);
    const citizenPeer = (await agentSees.getAttribute('data-peer')) ?? '';
    const agentPeer = (await citizenSees.getAttribute('data-peer')) ?? '';
    const ufragsBefore = await iceUfrags(page);
    expect(ufragsBefore).toHaveLength(1);
    await expectVideoFlowing(page);
    await expectVideoFlowing(citizen);

    // The network goes: the page is offline and no packet of the call gets through.
    await call.context.setOffline(true);
    relay.setCut(true);
    const backAt = Date.now() + OUTAGE_MS;
    expect(await citizen.evaluate(() => navigator.onLine)).toBe(false);
    // Both sides say so in words, in the live region, and show the state in the connection details.
    await expect(citizen.getByRole('status').filter({ hasText: 'S’ha perdut la connexió amb l’agent. S’està reconnectant…' })).toBeVisible();
    await expect(page.getByRole('status').filter({ hasText: 'S’ha perdut la connexió amb la persona ciutadana. S’està reconnectant…' })).toBeVisible();
    await expect(agentSees).toHaveAttribute('data-connection', 'reconnecting');
    await expect(citizenSees).toHaveAttribute('data-connection', 'reconnecting');
    // The outage is the scenario, not a wait for a condition: it lasts at least OUTAGE_MS.
    await page.waitForTimeout(Math.max(0, backAt - Date.now()));

    // The network comes back; nobody clicks anything.
    await call.context.setOffline(false);
    relay.setCut(false);
    await expect(citizen.getByRole('status').filter({ hasText: 'Connectat amb l’agent.' })).toBeVisible({ timeout: 30_000 });
    await expect(page.getByRole('status').filter({ hasText: 'Connectat amb la persona ciutadana.' })).toBeVisible({ timeout: 30_000 });
    await expect(agentSees).toHaveAttribute('data-connection', 'connected');
    await expect(citizenSees).toHaveAttribute('data-connection', 'connected');

    // The same call and the same connection, restarted: no new admission, no new peer, new ICE credentials.
    await expect(heading(page)).toContainText('Trucada amb Jordi Vila');
    await expect(heading(citizen)).toContainText('Videotrucada');
    await expect(agentSees).toHaveCount(1);
    await expect(agentSees).toHaveAttribute('data-peer', citizenPeer);
    await expect(citizenSees).toHaveAttribute('data-peer', agentPeer);
    const ufragsAfter = await iceUfrags(page);
    expect(ufragsAfter).toHaveLength(1);
    expect(ufragsAfter).not.toEqual(ufragsBefore);

    // Video is decoded at both ends again, and keeps coming: the outage did not push the citizen into audio only.
    await expectVideoFlowing(page, citizen);
    await expectVideoFlowing(citizen, page);
    await expectVideoFlowing(page, citizen);
    await expect(citizen.getByText('El vostre vídeo s’ha posat en pausa', { exact: false })).toHaveCount(0);
    await expect(page.getByRole('status').filter({ hasText: 'La persona ciutadana ha apagat la càmera.' })).toHaveCount(0);
  } finally {
    await call.browser.close();
    await relay.close();
  }
});
