import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { citizenWithAppointment, staffSession, type Session } from '../../../test/documents-helpers.ts';
import { createTestApp, DEFAULT_NOW, procedureId, type TestApp } from '../../../test/test-app.ts';
import { nif } from '../realtime/realtime.fixture.ts';
import type { AppointmentStatus } from '../db/schema.ts';
import type { IndicatorsView, MonthIndicators } from '../../shared/indicators.ts';
import type { WrapupOutcome } from '../surveys/surveys.tables.ts';

/**
 * Test data for the indicators tests (indicators.test.ts,
 * indicators.rollups.test.ts, indicators.exports.test.ts): a hand-built set
 * of appointments whose expected figures are worked out here, by hand, from
 * the definitions (src/shared/indicators.ts) — not by the SQL under test.
 * Edge cases: a month without data, a cancelled appointment rebooked, a
 * no-show after a reschedule into another month, appointments at the edges
 * of a local month (Europe/Madrid), an in-person appointment (not in the
 * video figures), an appointment of another agent (not in an agent's own
 * figures).
 */

interface Fixture {
  key: string;
  /** UTC start. */
  startsAt: string;
  status: AppointmentStatus;
  channel?: 'video' | 'in_person';
  other?: boolean;
  /** Of the second procedure (the change of address) rather than the certificate. */
  move?: boolean;
  seconds?: number;
  wrapup?: { outcome: WrapupOutcome; rating: number };
  survey?: { liked: number; easy: number; useAgain: boolean; comment?: string };
}

const FIXTURES: Fixture[] = [
  { key: 'j1', startsAt: '2026-01-12T09:00:00.000Z', status: 'completed', seconds: 600, wrapup: { outcome: 'completed', rating: 5 }, survey: { liked: 10, easy: 9, useAgain: true } },
  {
    key: 'j2',
    startsAt: '2026-01-12T10:00:00.000Z',
    status: 'not_conclusive',
    seconds: 300,
    wrapup: { outcome: 'missing_documents', rating: 3 },
    survey: { liked: 8, easy: 7, useAgain: false, comment: 'Em faltava el contracte de lloguer.' },
  },
  { key: 'j3', startsAt: '2026-01-13T09:00:00.000Z', status: 'completed', seconds: 900 },
  { key: 'j4', startsAt: '2026-01-14T09:00:00.000Z', status: 'desisted', move: true },
  // Cancelled, then booked again (j6): both were requested; one cancelled, one held.
  { key: 'j5', startsAt: '2026-01-15T09:00:00.000Z', status: 'cancelled' },
  { key: 'j6', startsAt: '2026-01-16T09:00:00.000Z', status: 'completed', seconds: 450, wrapup: { outcome: 'completed', rating: 4 }, move: true },
  // Past, no call, no cancellation, no no-show: unknown, never zero.
  { key: 'j7', startsAt: '2026-01-19T09:00:00.000Z', status: 'booked' },
  { key: 'j8', startsAt: '2026-01-20T09:00:00.000Z', status: 'completed', channel: 'in_person' },
  // 23:30 on 31 January in Madrid is still January.
  { key: 'j9', startsAt: '2026-01-31T22:30:00.000Z', status: 'desisted' },
  // February: nothing. 00:30 on 1 March in Madrid is March, although it is still February in UTC.
  { key: 'm1', startsAt: '2026-02-28T23:30:00.000Z', status: 'completed', seconds: 1200 },
  // Booked for January, rescheduled to March, then missed: a March no-show.
  { key: 'm2', startsAt: '2026-03-05T09:00:00.000Z', status: 'desisted' },
  { key: 'm3', startsAt: '2026-03-30T09:00:00.000Z', status: 'booked' },
  { key: 'm4', startsAt: '2026-03-06T09:00:00.000Z', status: 'completed', seconds: 200, other: true },
];

/** The tests' clock once the data set is in: 20 March 2026, so March is the current month and January and February are closed. */
export const NOW = new Date('2026-03-20T12:00:00.000Z');

/** January's figures, worked out by hand from FIXTURES and the definitions. */
export const january: Partial<MonthIndicators> = {
  month: '2026-01',
  requested: 8, // j1–j7 and j9 (j8 is in person)
  held: 4, // j1 j2 j3 j6
  cancelled: 1, // j5
  noShows: 2, // j4 j9
  unknown: 1, // j7
  upcoming: 0,
  noShowRate: 2 / 6,
  handling: { count: 4, avgSeconds: (600 + 300 + 900 + 450) / 4, medianSeconds: (450 + 600) / 2 },
  wrapups: { count: 3, missing: 1, completed: 2, missingDocuments: 1, otherReason: 0, technicalFailure: 0, missingDocumentsShare: 1 / 3, staffRatingAvg: (5 + 3 + 4) / 3 },
  survey: { count: 2, likedAvg: 9, easyAvg: 8, useAgainShare: 0.5 },
};
/** February's figures: a month without data, zeros and unknown rates. */
export const february: Partial<MonthIndicators> = {
  month: '2026-02',
  requested: 0,
  held: 0,
  noShowRate: null,
  handling: { count: 0, avgSeconds: null, medianSeconds: null },
  wrapups: { count: 0, missing: 0, completed: 0, missingDocuments: 0, otherReason: 0, technicalFailure: 0, missingDocumentsShare: null, staffRatingAvg: null },
  survey: { count: 0, likedAvg: null, easyAvg: null, useAgainShare: null },
};
/** March's figures (the current month at NOW), worked out by hand from FIXTURES and the definitions. */
export const march: Partial<MonthIndicators> = {
  month: '2026-03',
  requested: 4, // m1 (local 1 March) m2 m3 m4
  held: 2, // m1 m4
  cancelled: 0,
  noShows: 1, // m2, after its reschedule
  unknown: 0,
  upcoming: 1, // m3
  noShowRate: 1 / 3,
  handling: { count: 2, avgSeconds: 700, medianSeconds: 700 },
  wrapups: { count: 0, missing: 2, completed: 0, missingDocuments: 0, otherReason: 0, technicalFailure: 0, missingDocumentsShare: null, staffRatingAvg: null },
};

/** A test app holding the data set at NOW, and the staff sessions the indicators tests sign in with. */
export interface IndicatorsSetup {
  t: TestApp;
  admin: Session;
  /** The agent of every appointment but m4. */
  agent: Session;
  /** A supervisor of that agent's office. */
  supervisor: Session;
  /** The other organisation's administrator (signed in on beta.test). */
  betaAdmin: Session;
  agentId: string;
  /** The agent of m4. */
  otherAgentId: string;
  /** Appointment ids by fixture key (j1 … m4). */
  ids: Map<string, string>;
}

/** Creates a test app on `dialect`, fills it with the data set, sets its clock to NOW and signs in the staff. */
export async function setUpIndicators(dialect: 'sqlite' | 'postgres'): Promise<IndicatorsSetup> {
  const ids = new Map<string, string>();
  const t = await createTestApp({ dialect, agents: 2 });
  const padro = await procedureId(t, t.orgA.id);
  const moveId = await procedureId(t, t.orgA.id, 'padro-canvi-domicili');
  t.clock.set(DEFAULT_NOW);
  // One real booking gives a complete appointment row; the data set is made of copies of it.
  const booked = await citizenWithAppointment(t, { procedureId: padro, startsAt: '2026-03-04T09:00:00.000Z', email: 'indicadors@example.org', idNumber: nif(51_000_001) });
  const template = await t.ctx.db.selectFrom('appointments').selectAll().where('id', '=', booked.appointmentId).executeTakeFirstOrThrow();
  // The booking itself leaves the video figures (other rows refer to it, so it stays).
  await t.ctx.db.updateTable('appointments').set({ channel: 'in_person' }).where('id', '=', template.id).execute();
  const agents = await t.ctx.db.selectFrom('staff').select(['id', 'email']).where('organisation_id', '=', t.orgA.id).where('role', '=', 'agent').orderBy('email').execute();
  const [first, second] = agents;
  if (!first || !second) throw new Error('two agents needed');
  const agentId = first.id;
  const otherAgentId = second.id;
  for (const [i, f] of FIXTURES.entries()) {
    const id = randomUUID();
    ids.set(f.key, id);
    const ends = new Date(Date.parse(f.startsAt) + 30 * 60_000).toISOString();
    await t.ctx.db
      .insertInto('appointments')
      .values({
        ...template,
        id,
        reference: `V-IND${String(i).padStart(3, '0')}`,
        agent_id: f.other ? otherAgentId : agentId,
        procedure_id: f.move ? moveId : template.procedure_id,
        channel: f.channel ?? 'video',
        status: f.status,
        starts_at: f.startsAt,
        ends_at: ends,
        access_token_hash: null,
        cancelled_at: f.status === 'cancelled' ? f.startsAt : null,
      })
      .execute();
    if (f.seconds !== undefined) {
      await t.ctx.db
        .insertInto('call_times')
        .values({ appointment_id: id, organisation_id: t.orgA.id, started_at: f.startsAt, ended_at: new Date(Date.parse(f.startsAt) + f.seconds * 1000).toISOString(), seconds: f.seconds })
        .execute();
    }
    if (f.wrapup) {
      await t.ctx.db
        .insertInto('call_wrapups')
        .values({ appointment_id: id, organisation_id: t.orgA.id, agent_id: agentId, outcome: f.wrapup.outcome, rating: f.wrapup.rating, note: null, created_at: f.startsAt, updated_at: f.startsAt })
        .execute();
    }
    if (f.survey) {
      await t.ctx.db
        .insertInto('citizen_surveys')
        .values({
          appointment_id: id,
          organisation_id: t.orgA.id,
          liked: f.survey.liked,
          easy: f.survey.easy,
          use_again: f.survey.useAgain ? 1 : 0,
          comment: f.survey.comment ?? null,
          language: 'ca',
          answered_via: 'call',
          answered_at: f.startsAt,
        })
        .execute();
    }
  }
  t.clock.set(NOW);
  const account = (role: string, org = t.orgA) => org.accounts.find((a) => a.role === role);
  const admin = await staffSession(t, account('admin')?.email ?? '', account('admin')?.password ?? '');
  const betaAdmin = await staffSession(t, account('admin', t.orgB)?.email ?? '', account('admin', t.orgB)?.password ?? '', 'beta.test');
  const agent = await staffSession(t, first.email, t.orgA.accounts.find((a) => a.email === first.email)?.password ?? '');
  const { createStaff } = await import('../staff/staff.service.ts');
  const office = await t.ctx.db.selectFrom('staff_offices').select('office_id').where('staff_id', '=', agentId).executeTakeFirstOrThrow();
  const boss = await createStaff(t.ctx.db, t.orgA.id, { email: 'cap@alfa.finestreta.test', role: 'supervisor', displayName: 'Cap', password: 'a long enough password 2' }, DEFAULT_NOW);
  await t.ctx.db.insertInto('staff_offices').values({ staff_id: boss.id, office_id: office.office_id }).execute();
  const supervisor = await staffSession(t, 'cap@alfa.finestreta.test', 'a long enough password 2');
  return { t, admin, agent, supervisor, betaAdmin, agentId, otherAgentId, ids };
}

/** A GET as `session` on `host` (alfa's by default), in Catalan. */
export function getAs(t: TestApp, session: Session, url: string, host = 'alfa.test') {
  return t.app.http.inject({ method: 'GET', url, headers: { host, cookie: session.cookie, 'accept-language': 'ca' } });
}

/** The indicators `session` is shown for `query` (from, to and filters); fails the test unless the answer is 200. */
export async function viewAs(t: TestApp, session: Session, query: string): Promise<IndicatorsView> {
  const res = await getAs(t, session, `/api/staff/indicators?${query}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json<{ data: IndicatorsView }>().data;
}
