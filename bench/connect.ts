/**
 * bench/connect — how long a video call takes to show each side the other:
 * from the agent's click on "admit" in the queue to the first remote video
 * frame presented at the citizen and at the agent, over BENCH_RUNS calls;
 * and the same on a minimal raw RTCPeerConnection page (bench/connect-raw.ts)
 * from its `start()` to the first remote frame at both ends, in the same run,
 * interleaved call by call so both see the same machine.
 *
 *   flock /tmp/pw.lock npm run bench:connect     (20 runs of each; alone on the machine's browsers)
 *   BENCH_RUNS=5 npm run bench:connect
 *
 * Goal (issue 5): each side's median ≤ 1.2 × the raw page's. Timings are
 * printed, never asserted.
 *
 * The app runs as a child process (test/server-process.ts) on a fresh SQLite
 * data folder holding one organisation, one agent and BENCH_RUNS + 1
 * appointments starting in five minutes, each with its personal link and
 * password; it serves the built web app (dist/web, rebuilt first when older
 * than src/web or src/shared). Two Debian Chromiums with the flags of the
 * e2e calls and the fake camera and microphone: the agent's, and the
 * citizen's. Before each timed call, untimed: the citizen signs in, passes the
 * device check and the consents and waits in the waiting room; the agent's
 * queue shows them waiting. Timed: the click on "admit" (the time of the
 * trusted click event in the agent's page) to the first frame received over
 * WebRTC and presented by a <video> (requestVideoFrameCallback) on each page.
 * Then the agent hangs up. The raw pair runs in the same two browsers, each
 * call in new pages that open the camera when they load, as the citizen's
 * device check does before admission.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { closeContext, createContext } from '../src/server/bootstrap.ts';
import { issueCredentials } from '../src/server/citizen/credentials.ts';
import { loadConfig } from '../src/server/config.ts';
import { seedOrganisation } from '../src/server/seed/demo.seed.ts';
import { CALL_BROWSER_ARGS, CHROMIUM } from '../e2e/support/call.ts';
import { ServerProcess, freePort } from '../test/server-process.ts';
import { FRAME_PROBE, startRawServer, type RawServer } from './connect-raw.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 20);
/** Prints each call's timeline (BENCH_TRACE=1). */
const TRACE = process.env.BENCH_TRACE === '1';
const GOAL = 1.2;
const ROOT = path.resolve(import.meta.dirname, '..');
/** How long one call may take to show a frame before the bench gives up. */
const FRAME_TIMEOUT_MS = 60_000;

interface Citizen {
  token: string;
  password: string;
  name: string;
}

/** One measured call: ms from admit/start to the first remote frame at each end. */
interface Sample {
  /** The citizen (app) or page b (raw): the side that did not click. */
  callee: number;
  /** The agent (app) or page a (raw): the side that clicked. */
  caller: number;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

/** Rebuilds dist/web when a source of the web app is newer than it (the bench measures the current client). */
function ensureWebBuild(): void {
  const built = path.join(ROOT, 'dist/web/index.html');
  const builtAt = fs.existsSync(built) ? fs.statSync(built).mtimeMs : 0;
  const newest = (dir: string): number =>
    fs.readdirSync(dir, { withFileTypes: true }).reduce((latest, entry) => {
      const full = path.join(dir, entry.name);
      return Math.max(latest, entry.isDirectory() ? newest(full) : fs.statSync(full).mtimeMs);
    }, 0);
  if (Math.max(newest(path.join(ROOT, 'src/web')), newest(path.join(ROOT, 'src/shared'))) <= builtAt) return;
  process.stdout.write('  building the web app (dist/web is older than its sources)\n');
  execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
}

/** One organisation, its agent, and `count` video appointments starting in five minutes, each with its link and password. */
async function seed(dataDir: string, count: number) {
  const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
  const ctx = await createContext(config);
  try {
    const now = new Date();
    const seeded = await seedOrganisation(ctx.db, { slug: 'bench', name: 'Ajuntament de Bench', now, agents: 1 });
    const agentAccount = seeded.accounts.find((a) => a.role === 'agent');
    if (!agentAccount) throw new Error('no agent seeded');
    const agent = await ctx.db.selectFrom('staff').select('id').where('email', '=', agentAccount.email).executeTakeFirstOrThrow();
    const procedure = await ctx.db.selectFrom('procedures').select('id').where('organisation_id', '=', seeded.organisationId).executeTakeFirstOrThrow();
    const startsAt = new Date(now.getTime() + 5 * 60_000).toISOString();
    // Long enough for the slowest run of the bench: the waiting room stays open until the end.
    const endsAt = new Date(now.getTime() + 4 * 3_600_000).toISOString();
    const nowIso = now.toISOString();
    const citizens: Citizen[] = [];
    for (let i = 0; i < count; i++) {
      const id = randomUUID();
      const name = `Persona${i + 1}`;
      await ctx.db
        .insertInto('appointments')
        .values({
          id,
          organisation_id: seeded.organisationId,
          reference: `C${String(i).padStart(6, '0')}`,
          procedure_id: procedure.id,
          agent_id: agent.id,
          channel: 'video',
          status: 'booked',
          starts_at: startsAt,
          ends_at: endsAt,
          busy_start_unit: 0,
          busy_end_unit: 0,
          citizen_name: name,
          citizen_surnames: 'Bench',
          citizen_id_type: 'nif',
          citizen_id_number: `${String(i).padStart(8, '0')}X`,
          citizen_email: `c${i}@bench.invalid`,
          citizen_phone: '+34 600 000 000',
          language: 'ca',
          needs: JSON.stringify({ signLanguage: false, languageInterpreter: null, other: null }),
          access_token_hash: null,
          password_hash: null,
          failed_logins: 0,
          locked_until: null,
          upload_deadline: nowIso,
          ics_sequence: 0,
          cancelled_at: null,
          created_at: nowIso,
          updated_at: nowIso,
        })
        .execute();
      const { token, password } = await issueCredentials(ctx.db, seeded.organisationId, id);
      citizens.push({ token, password, name: `${name} Bench` });
    }
    return { agentAccount, citizens };
  } finally {
    await closeContext(ctx);
  }
}

/**
 * The probe as a script. tsx compiles with esbuild's keepNames, which wraps
 * named functions in calls to a module helper, `__name`, that the page does
 * not have: the shim makes it a no-op there.
 */
const PROBE_SOURCE = `var __name = (target) => target;\n(${FRAME_PROBE.toString()})();`;

/** A new page in a new context of `browser`, in Catalan, with the camera and microphone allowed and the frame probe. */
async function newPage(browser: Browser, baseURL?: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ baseURL, locale: 'ca-ES', timezoneId: 'Europe/Madrid', permissions: ['camera', 'microphone'] });
  await context.addInitScript({ content: PROBE_SOURCE });
  return { context, page: await context.newPage() };
}

/** Waits (polling inside the page, not over the wire) until it has presented a remote frame; answers that time. */
async function firstRemoteFrame(page: Page): Promise<number> {
  const handle = await page.waitForFunction(() => (window as unknown as { __bench: { firstRemoteFrame: number | null } }).__bench.firstRemoteFrame, undefined, {
    polling: 100,
    timeout: FRAME_TIMEOUT_MS,
  });
  return Number(await handle.jsonValue());
}

async function resetProbe(page: Page): Promise<void> {
  await page.evaluate(() => {
    Object.assign((window as unknown as { __bench: object }).__bench, { firstRemoteFrame: null, lastClick: null, t0: null, events: [] });
  });
}

/** With BENCH_TRACE=1 (or `always`: a call that failed), prints what each page did, in ms from `t0`. */
async function trace(label: string, t0: number, pages: [string, Page][], always = false): Promise<void> {
  if (!TRACE && !always) return;
  const lines: [number, string][] = [];
  for (const [who, page] of pages) {
    const events = await page.evaluate(() => (window as unknown as { __bench: { events: [number, string][] } }).__bench.events);
    for (const [at, what] of events) lines.push([at - t0, `${who}: ${what}`]);
  }
  lines.sort((x, y) => x[0] - y[0]);
  process.stdout.write(`  ${label}\n${lines.map(([at, what]) => `    ${at.toFixed(0).padStart(6)} ms  ${what.slice(0, 110)}`).join('\n')}\n`);
}

/**
 * The first remote frame on each page, in ms from the time `startedAt` reads
 * on `pages[1]`; null, after printing the call's timeline, when a page shows
 * none within FRAME_TIMEOUT_MS.
 */
async function firstFrames(label: string, pages: [[string, Page], [string, Page]], startedAt: () => Promise<number | null>): Promise<Sample | null> {
  const [[, callee], [, caller]] = pages;
  const frames = await Promise.all([firstRemoteFrame(callee), firstRemoteFrame(caller)]).catch((error: unknown) => {
    if (error instanceof Error && error.name === 'TimeoutError') return null;
    throw error;
  });
  const t0 = await startedAt();
  if (t0 === null) throw new Error(`${label}: the start was not seen`);
  await trace(`${label}${frames ? '' : `: no remote frame within ${FRAME_TIMEOUT_MS / 1000} s`}`, t0, pages, !frames);
  return frames && { callee: frames[0] - t0, caller: frames[1] - t0 };
}

/** The citizen's way to the waiting room, untimed: personal link and password, device check, consents. */
async function citizenWaits(page: Page, citizen: Citizen): Promise<void> {
  await page.goto(`/a/${citizen.token}`);
  await page.getByLabel('Contrasenya', { exact: true }).fill(citizen.password);
  await page.getByRole('button', { name: 'Continua' }).click();
  await page.getByRole('link', { name: 'Entra a la videotrucada' }).click();
  await page.getByRole('button', { name: 'Comença la comprovació' }).click();
  await page.waitForFunction(() => (document.querySelector<HTMLVideoElement>('video')?.videoWidth ?? 0) > 0);
  await page.getByRole('button', { name: 'Reprodueix el so de prova' }).click();
  await page.getByRole('group', { name: 'Heu sentit el so?' }).getByLabel('Sí').check();
  await page.getByRole('listitem').filter({ hasText: 'Connexió per a la videotrucada' }).filter({ hasText: 'Funciona' }).waitFor();
  await page.getByRole('button', { name: 'Continua' }).click();
  await page.getByLabel('Accepto que es tractin les meves dades personals per a aquest procediment').check();
  await page.getByLabel('Sí, accepto l’enregistrament').check();
  await page.getByRole('button', { name: 'Vés a la sala d’espera' }).click();
  await page.getByRole('heading', { level: 1, name: 'Sala d’espera' }).waitFor();
}

/** One app call: the citizen waits, the agent admits (timed to the first frames), then hangs up; null if it showed no frame. */
async function appCall(agent: Page, citizenBrowser: Browser, baseURL: string, citizen: Citizen): Promise<Sample | null> {
  const { context, page } = await newPage(citizenBrowser, baseURL);
  try {
    await citizenWaits(page, citizen);
    const admit = agent.getByRole('button', { name: `Fes entrar ${citizen.name}`, exact: true });
    await admit.waitFor();
    await resetProbe(agent);
    await admit.click();
    const sample = await firstFrames('app call', [['citizen', page], ['agent', agent]], () =>
      agent.evaluate(() => (window as unknown as { __bench: { lastClick: number | null } }).__bench.lastClick),
    );
    if (sample) {
      await agent.getByRole('button', { name: 'Penja', exact: true }).click();
      await agent.getByRole('link', { name: 'Torna a la cua' }).click();
    } else {
      await agent.goto('/staff/queue'); // a call that never showed a frame: start the queue afresh
    }
    await agent.getByRole('heading', { level: 1, name: 'Cua d’avui' }).waitFor();
    return sample;
  } finally {
    await context.close();
  }
}

/** One raw call: two fresh pages open their devices (untimed), then page a starts (timed to the first frames); null if it showed no frame. */
async function rawCall(browsers: { a: Browser; b: Browser }, raw: RawServer): Promise<Sample | null> {
  const a = await newPage(browsers.a);
  const b = await newPage(browsers.b);
  try {
    for (const [page, role] of [[b.page, 'b'], [a.page, 'a']] as const) {
      await page.goto(`${raw.url}?role=${role}`);
      await page.evaluate(() => (window as unknown as { rawReady: Promise<unknown> }).rawReady);
    }
    await a.page.evaluate(() => (window as unknown as { start: () => Promise<void> }).start());
    const sample = await firstFrames('raw call', [['b', b.page], ['a', a.page]], () =>
      a.page.evaluate(() => (window as unknown as { __bench: { t0: number | null } }).__bench.t0),
    );
    for (const page of [a.page, b.page]) await page.evaluate(() => (window as unknown as { stop: () => void }).stop());
    return sample;
  } finally {
    await a.context.close();
    await b.context.close();
  }
}

function summary(samples: Sample[], side: keyof Sample | 'both') {
  const values = samples.map((s) => (side === 'both' ? Math.max(s.callee, s.caller) : s[side])).sort((x, y) => x - y);
  return { median: percentile(values, 50), p95: percentile(values, 95) };
}

async function main(): Promise<void> {
  ensureWebBuild();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'finestreta-bench-connect-'));
  const { agentAccount, citizens } = await seed(dataDir, RUNS + 1);
  const port = await freePort();
  const baseURL = `http://127.0.0.1:${port}`;
  const server = new ServerProcess({
    NODE_ENV: 'production',
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_URL: baseURL,
    DATA_DIR: dataDir,
    SEED_DEMO: 'false',
    LOG_LEVEL: 'warn',
    RATE_LIMIT_PER_MINUTE: '100000000',
    MASTER_KEY: randomBytes(32).toString('base64'),
  });
  const raw = await startRawServer();
  const launch = () => chromium.launch({ executablePath: CHROMIUM, args: CALL_BROWSER_ARGS });
  const agentBrowser = await launch();
  const citizenBrowser = await launch();
  try {
    await server.ready(baseURL);
    const { page: agent } = await newPage(agentBrowser, baseURL);
    await agent.goto('/staff/login');
    await agent.getByLabel('Adreça de correu electrònic').fill(agentAccount.email);
    await agent.getByLabel('Contrasenya', { exact: true }).fill(agentAccount.password);
    await agent.getByRole('button', { name: 'Entra', exact: true }).click();
    await agent.getByRole('navigation', { name: 'Àrea del personal' }).getByRole('link', { name: 'Cua' }).click();
    await agent.getByRole('heading', { level: 1, name: 'Cua d’avui' }).waitFor();

    const browsers = { a: agentBrowser, b: citizenBrowser };
    const [warmup, ...timed] = citizens;
    if (!warmup) throw new Error('nothing seeded');
    // One untimed call of each first: both measured warm (JIT, caches, the browsers' media stacks).
    await appCall(agent, citizenBrowser, baseURL, warmup);
    await rawCall(browsers, raw);
    const app: (Sample | null)[] = [];
    const bare: (Sample | null)[] = [];
    for (const [i, citizen] of timed.entries()) {
      // Alternate which goes first, so neither always follows the other.
      if (i % 2 === 0) {
        app.push(await appCall(agent, citizenBrowser, baseURL, citizen));
        bare.push(await rawCall(browsers, raw));
      } else {
        bare.push(await rawCall(browsers, raw));
        app.push(await appCall(agent, citizenBrowser, baseURL, citizen));
      }
      process.stdout.write(`  run ${i + 1}/${RUNS}: app ${fmt(app[i])}, raw ${fmt(bare[i])} (citizen/agent, ms)\n`);
    }
    const shown = (samples: (Sample | null)[]) => samples.filter((s): s is Sample => s !== null);

    const ms = (v: number) => `${Math.round(v)} ms`.padStart(8);
    const rows: [string, keyof Sample | 'both'][] = [
      ['citizen (raw: page b)', 'callee'],
      ['agent (raw: page a)', 'caller'],
      ['both ends (slower side)', 'both'],
    ];
    process.stdout.write(
      `bench/connect: ${RUNS} calls each, interleaved; admit click (app) / start() (raw) → first remote video frame presented\n` +
        `  ${''.padEnd(26)}${'app median'.padStart(11)}${'app p95'.padStart(9)}${'raw median'.padStart(11)}${'raw p95'.padStart(9)}  ratio of medians\n`,
    );
    for (const [label, side] of rows) {
      const ours = summary(shown(app), side);
      const theirs = summary(shown(bare), side);
      const ratio = ours.median / theirs.median;
      process.stdout.write(
        `  ${label.padEnd(26)}${ms(ours.median).padStart(11)}${ms(ours.p95).padStart(9)}${ms(theirs.median).padStart(11)}${ms(theirs.p95).padStart(9)}  ` +
          `${ratio.toFixed(2)}× (goal ≤ ${GOAL}×) ${ratio <= GOAL ? 'OK' : 'MISSED'}\n`,
      );
    }
    const failed = (samples: (Sample | null)[]) => samples.length - shown(samples).length;
    if (failed(app) + failed(bare) > 0) {
      process.stdout.write(`  calls left out, no remote frame within ${FRAME_TIMEOUT_MS / 1000} s: app ${failed(app)}, raw ${failed(bare)}\n`);
    }
  } finally {
    await agentBrowser.close();
    await citizenBrowser.close();
    await raw.close();
    await server.kill9();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

function fmt(sample: Sample | null | undefined): string {
  return sample ? `${Math.round(sample.callee)}/${Math.round(sample.caller)}` : 'no frame';
}

await main();
