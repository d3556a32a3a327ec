import type { AppContext } from '../context.ts';
import type { Appointment, Organisation, Staff } from '../db/schema.ts';
import { bookingRepo } from '../booking/booking.repo.ts';
import { AppError, errors } from '../http/errors.ts';
import { sha256Hex } from '../security/secrets.ts';
import { attendedAppointment, visibleAppointment } from '../workspace/workspace.service.ts';
import { DEFAULT_LANGUAGE, isLanguage } from '../../shared/limits.ts';
import type { SurveyAnswer, SurveyView, WrapupRequest, WrapupView } from '../../shared/surveys.ts';
import { surveysRepo } from './surveys.repo.ts';
import type { WrapupOutcome, WrapupRow } from './surveys.tables.ts';

/**
 * The rules of what happens after a call. The agent attending it (or a
 * supervisor or administrator of its office) wraps it up: how it ended and
 * how it went for them, editable; the citizen answers the satisfaction
 * survey once, right after the call or from the emailed link. Answers are
 * kept apart from the citizen's identity: no name, email or ID is stored
 * with them, and nothing here returns them to staff.
 */

/** Statuses in which the call is over and its appointment closed by the agent. */
const CLOSED_AFTER_CALL: readonly string[] = ['completed', 'not_conclusive'];

/** The outcomes that make the appointment "not conclusive" (the procedure could not be completed). */
const NOT_CONCLUSIVE: readonly WrapupOutcome[] = ['missing_documents', 'other_reason'];

/** Whether an appointment's call took place: its first admission was recorded, or the agent closed it after one. */
export async function callHappened(ctx: AppContext, appointment: Pick<Appointment, 'id' | 'organisation_id' | 'status'>): Promise<boolean> {
  if (CLOSED_AFTER_CALL.includes(appointment.status)) return true;
  return surveysRepo.callHappened(ctx.db, appointment.organisation_id, appointment.id);
}

function presentWrapup(appointmentId: string, open: boolean, canEdit: boolean, row: WrapupRow | undefined): WrapupView {
  return {
    appointmentId,
    open,
    canEdit,
    wrapup: row ? { outcome: row.outcome, rating: row.rating, note: row.note, updatedAt: row.updated_at } : null,
  };
}

/** The wrap-up of an appointment, for any member of staff who may see it (another office's: 404). */
export async function readWrapup(ctx: AppContext, org: Organisation, viewer: Staff, id: string): Promise<WrapupView> {
  const appointment = await visibleAppointment(ctx, org, viewer, id);
  const canEdit = viewer.role !== 'agent' || appointment.agent_id === viewer.id;
  return presentWrapup(appointment.id, await callHappened(ctx, appointment), canEdit, await surveysRepo.wrapup(ctx.db, org.id, appointment.id));
}

/**
 * Saves the wrap-up (again, if it changes). Only after the call began. A
 * "not conclusive" outcome moves a completed appointment to not conclusive,
 * and back when the outcome is corrected to completed; a technical failure
 * leaves the status as the call left it. One event in the history each time.
 */
export async function saveWrapup(ctx: AppContext, org: Organisation, viewer: Staff, id: string, body: WrapupRequest): Promise<WrapupView> {
  const appointment = await attendedAppointment(ctx, org, viewer, id);
  if (!(await callHappened(ctx, appointment))) throw errors.conflict('wrapup_needs_call');
  const nowIso = ctx.clock.now().toISOString();
  const note = body.note ? body.note : null;
  await ctx.db.transaction().execute(async (trx) => {
    const existing = await surveysRepo.wrapup(trx, org.id, appointment.id);
    await surveysRepo.putWrapup(trx, {
      appointment_id: appointment.id,
      organisation_id: org.id,
      // The agent of the appointment: the staff rating is theirs even when a supervisor records it.
      agent_id: appointment.agent_id,
      outcome: body.outcome,
      rating: body.rating,
      note,
      created_at: existing?.created_at ?? nowIso,
      updated_at: nowIso,
    });
    let status: string = appointment.status;
    if (NOT_CONCLUSIVE.includes(body.outcome)) {
      if (await surveysRepo.moveStatus(trx, org.id, appointment.id, 'completed', 'not_conclusive', nowIso)) status = 'not_conclusive';
    } else if (body.outcome === 'completed') {
      if (await surveysRepo.moveStatus(trx, org.id, appointment.id, 'not_conclusive', 'completed', nowIso)) status = 'completed';
    }
    // The note stays out of the history: it is free text, and the history goes into the evidence package.
    await bookingRepo.addEvent(trx, org.id, appointment.id, existing ? 'call.wrapup_changed' : 'call.wrapped_up', `staff:${viewer.id}`, nowIso, {
      outcome: body.outcome,
      rating: body.rating,
      status,
    });
  });
  return readWrapup(ctx, org, viewer, id);
}

function presentSurvey(org: Organisation, appointment: Pick<Appointment, 'language'>, open: boolean, answered: boolean): SurveyView {
  return { open, answered, organisation: org.name, language: isLanguage(appointment.language) ? appointment.language : DEFAULT_LANGUAGE };
}

/** The citizen's survey for their signed-in appointment. */
export async function citizenSurvey(ctx: AppContext, org: Organisation, appointment: Appointment): Promise<SurveyView> {
  const [open, answered] = await Promise.all([callHappened(ctx, appointment), surveysRepo.surveyAnswered(ctx.db, org.id, appointment.id)]);
  return presentSurvey(org, appointment, open, answered);
}

/**
 * Stores the citizen's answer: only after the call, once per appointment (a
 * second answer: 409 `survey_answered`, whichever way the first came).
 */
export async function answerSurvey(ctx: AppContext, org: Organisation, appointment: Appointment, body: SurveyAnswer, via: 'call' | 'email'): Promise<SurveyView> {
  if (!(await callHappened(ctx, appointment))) throw errors.conflict('survey_needs_call');
  const nowIso = ctx.clock.now().toISOString();
  await ctx.db.transaction().execute(async (trx) => {
    const stored = await surveysRepo.insertSurvey(trx, {
      appointment_id: appointment.id,
      organisation_id: org.id,
      liked: body.liked,
      easy: body.easy,
      use_again: body.useAgain ? 1 : 0,
      comment: body.comment ? body.comment : null,
      language: isLanguage(appointment.language) ? appointment.language : DEFAULT_LANGUAGE,
      answered_via: via,
      answered_at: nowIso,
    });
    if (!stored) throw errors.conflict('survey_answered');
    // That an answer came, never what it says: the survey is anonymous in reports.
    await bookingRepo.addEvent(trx, org.id, appointment.id, 'survey.answered', 'citizen', nowIso, { via });
  });
  return presentSurvey(org, appointment, true, true);
}

/** The appointment an emailed survey link opens: unknown → 404 `survey_link_unknown`, expired → 410 `survey_link_expired`. */
export async function appointmentOfInvitation(ctx: AppContext, org: Organisation, token: string): Promise<Appointment> {
  const invitation = await surveysRepo.invitationByHash(ctx.db, org.id, sha256Hex(token));
  if (!invitation) throw new AppError(404, 'survey_link_unknown');
  if (invitation.expires_at <= ctx.clock.now().toISOString()) throw new AppError(410, 'survey_link_expired');
  const appointment = await ctx.db
    .selectFrom('appointments')
    .selectAll()
    .where('organisation_id', '=', org.id)
    .where('id', '=', invitation.appointment_id)
    .executeTakeFirst();
  if (!appointment) throw new AppError(404, 'survey_link_unknown');
  return appointment;
}
