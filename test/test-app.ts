import { solveChallenge } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/sha';
import type { Challenge } from 'altcha-lib';
import { buildApp, type App } from '../src/server/app.ts';
import { closeContext, createContext } from '../src/server/bootstrap.ts';
import { loadConfig, type Config } from '../src/server/config.ts';
import type { AppContext } from '../src/server/context.ts';
import { seedOrganisation, type SeededAccount } from '../src/server/seed/demo.seed.ts';
import { TestClock } from './clock.ts';
import { freshDatabase } from './databases.ts';
import { MemoryMail } from './memory-mail.ts';

/** An in-process server on a fresh database with two seeded organisations. */
export interface TestApp {
  app: App;
  ctx: AppContext;
  clock: TestClock;
  mail: MemoryMail;
  orgA: { id: string; slug: string; accounts: SeededAccount[] };
  orgB: { id: string; slug: string; accounts: SeededAccount[] };
  close(): Promise<void>;
}

/** Monday 2 March 2026, 08:00 in Madrid (07:00 UTC): a normal working week, before the DST change. */
export const DEFAULT_NOW = new Date('2026-03-02T07:00:00Z');

/** Starts a test app; options override configuration variables. */
export async function createTestApp(
  opts: { dialect?: 'sqlite' | 'postgres'; now?: Date; env?: Record<string, string>; agents?: number } = {},
): Promise<TestApp> {
  const { database, dataDir, drop } = await freshDatabase(opts.dialect ?? 'sqlite');
  const base = loadConfig({
    NODE_ENV: 'test',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    CAPTCHA_MAX_NUMBER: '50',
    RATE_LIMIT_PER_MINUTE: '100000',
    BOOKING_RATE_LIMIT_PER_HOUR: '100000',
    PUBLIC_URL: 'http://finestreta.test',
    ...opts.env,
  });
  const config: Config = { ...base, database };
  const clock = new TestClock(opts.now ?? DEFAULT_NOW);
  const mail = new MemoryMail();
  const ctx = await createContext(config, { clock, mail });
  const now = clock.now();
  const a = await seedOrganisation(ctx.db, { slug: 'alfa', name: 'Ajuntament d’Alfa', hosts: ['alfa.test'], now, agents: opts.agents ?? 2 });
  const b = await seedOrganisation(ctx.db, { slug: 'beta', name: 'Ajuntament de Beta', hosts: ['beta.test'], now, agents: 1 });
  const app = await buildApp(ctx);
  await app.http.ready();
  return {
    app,
    ctx,
    clock,
    mail,
    orgA: { id: a.organisationId, slug: 'alfa', accounts: a.accounts },
    orgB: { id: b.organisationId, slug: 'beta', accounts: b.accounts },
    close: async () => {
      await app.http.close();
      await closeContext(ctx);
      await drop();
    },
  };
}

/** Fetches and solves a proof-of-work challenge like the browser does. */
export async function solvedCaptcha(t: TestApp, host = 'alfa.test') {
  const res = await t.app.http.inject({ method: 'GET', url: '/api/public/captcha', headers: { host } });
  const challenge = res.json<{ data: Challenge }>().data;
  const solution = await solveChallenge({ challenge, deriveKey });
  if (!solution) throw new Error('captcha not solved');
  return { challenge, solution: { counter: solution.counter, derivedKey: solution.derivedKey } };
}

/** A valid citizen for bookings; override any field. */
export function citizen(overrides: Record<string, unknown> = {}) {
  return {
    name: 'Núria',
    surnames: 'Puig i Ferrer',
    idType: 'nif',
    idNumber: '12345678Z',
    email: 'nuria@example.org',
    phone: '+34 600 000 000',
    language: 'ca',
    needs: { signLanguage: false, languageInterpreter: null, other: null },
    ...overrides,
  };
}

/** The id of a seeded procedure by code. */
export async function procedureId(t: TestApp, orgId: string, code = 'padro-certificat'): Promise<string> {
  const row = await t.ctx.db
    .selectFrom('procedures')
    .select('id')
    .where('organisation_id', '=', orgId)
    .where('code', '=', code)
    .executeTakeFirstOrThrow();
  return row.id;
}
