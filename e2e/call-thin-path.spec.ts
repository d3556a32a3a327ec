/**
 * A weak connection in the middle of a video call: the path from the agent
 * to the citizen becomes too thin for video (a link of 90 kbit/s with a short
 * queue, as a weak mobile connection is). The agent's side stops sending its
 * video by itself (the audio-only fallback, src/web/realtime/call-bandwidth.ts)
 * and says so in words; the citizen is told the agent's camera went off and
 * keeps hearing the agent; the citizen's own video, whose path is fine, goes
 * on. When the path is good again the agent sends video again with one click.
 *
 * The other half of the rule is in call-offline.spec.ts: a network drop
 * leaves the estimate low for a while although the video fits, and must not
 * end in audio only.
 *
 * The thin link is the UDP relay of support/media-relay.ts, installed on the
 * citizen's context ('local' is the citizen, 'remote' the agent).
 */
import { expect, test } from '@playwright/test';
import { validNif } from './support/api.ts';
import { AGENT_BROWSER, expectVideoFlowing, instrument, received } from './support/call.ts';
import { createStaff } from './support/cli.ts';
import { startRelayedCall } from './support/media-relay.ts';

const SUPERVISOR = { email: 'e2e-thin-supervisor@demo.finestreta.test', password: 'e2e-thin-supervisor-2026', name: 'Supervisor Feble' };

/** The thin link: enough for the sound (Opus ~40 kbit/s with its headers), not for the agent's camera as well. */
const THIN_BITS_PER_SECOND = 90_000;

test.use(AGENT_BROWSER);

test.beforeAll(() => {
  createStaff(SUPERVISOR, 'supervisor');
});

test('a path too thin for video: the agent’s side falls back to sound only, says so, and sends video again on request', async ({ page, request, baseURL }) => {
  test.setTimeout(240_000);
  await instrument(page);
  const { call, relay } = await startRelayedCall(page, request, baseURL, { staff: SUPERVISOR, citizen: { email: 'marc.feble@example.org', idNumber: validNif(63_000_047) } });
  const citizen = call.page;
  try {
    await expectVideoFlowing(citizen, page);
    const agentPaused = page.getByText('La vostra connexió és massa feble per al vídeo i s’ha posat en pausa', { exact: false });
    await expect(agentPaused).toHaveCount(0);

    // The path towards the citizen thins out.
    relay.setLimit('local', THIN_BITS_PER_SECOND);

    // The agent's side stops sending video by itself and says why (the fallback waits for a few poor readings in a row).
    await expect(agentPaused).toBeVisible({ timeout: 60_000 });
    await expect(page.getByRole('status').filter({ hasText: 'El vostre vídeo s’ha posat en pausa perquè la connexió és feble.' })).toBeVisible();
    // The citizen is told in words, and the connection details say the agent's camera is off.
    await expect(citizen.getByRole('status').filter({ hasText: 'L’agent ha apagat la càmera.' })).toBeVisible();
    // The sound goes on both ways, and the citizen's video (whose path is fine) is still decoded at the agent's end.
    const citizenHeard = (await received(citizen)).packets;
    const agentHeard = (await received(page)).packets;
    await expect.poll(async () => (await received(citizen)).packets, { timeout: 30_000, message: 'the citizen keeps hearing the agent' }).toBeGreaterThan(citizenHeard);
    await expect.poll(async () => (await received(page)).packets, { timeout: 30_000, message: 'the agent keeps hearing the citizen' }).toBeGreaterThan(agentHeard);
    await expectVideoFlowing(page, citizen);
    await expect(citizen.getByText('La vostra connexió és massa feble per al vídeo', { exact: false })).toHaveCount(0);

    // The path is good again: one click and the agent's video goes out again.
    relay.setLimit('local', null);
    await page.getByRole('button', { name: 'Torna a enviar vídeo' }).click();
    await expect(agentPaused).toHaveCount(0);
    await expect(page.getByRole('status').filter({ hasText: 'Es torna a enviar el vostre vídeo.' })).toBeVisible();
    await expect(citizen.getByRole('status').filter({ hasText: 'L’agent ha encès la càmera.' })).toBeVisible();
    await expectVideoFlowing(citizen, page);
  } finally {
    await call.browser.close();
    await relay.close();
  }
});
