import { randomBytes, randomUUID } from 'node:crypto';
import type { AppContext } from '../context.ts';
import type { Appointment, Organisation } from '../db/schema.ts';
import { bookingRepo } from '../booking/booking.repo.ts';
import { catalogueRepo } from '../catalogue/catalogue.repo.ts';
import { localised } from '../catalogue/catalogue.present.ts';
import { documentSpace, slotOpen, slotsOf } from '../documents/documents.service.ts';
import { AppError, errors } from '../http/errors.ts';
import { randomToken, sha256Hex } from '../security/secrets.ts';
import { OPEN_STATUSES } from '../../shared/limits.ts';
import { pickLocalised } from '../../shared/localised.ts';
import { UPLOADER_LIMITS, UPLOADER_PAGE, type IssuedUploaderView, type UploaderView } from '../../shared/uploader.ts';
import { uploaderRepo } from './uploader.repo.ts';
import { uploaderActor, type UploaderLinkRow } from './uploader.tables.ts';

/** A phone session: its link and the one appointment it may upload to. */
export interface UploaderSession {
  link: UploaderLinkRow;
  appointment: Appointment;
}

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** RFC 4648 base32 in lower case, without padding. */
function base32(bytes: Buffer): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) out += BASE32[(buffer << (5 - bits)) & 31];
  return out;
}

/** A fresh link token: 192 random bits, 39 base32 characters. */
export function newLinkToken(): string {
  return base32(randomBytes(UPLOADER_LIMITS.tokenBytes));
}

const isOpen = (appointment: Pick<Appointment, 'status'>) => (OPEN_STATUSES as readonly string[]).includes(appointment.status);

/**
 * Makes a phone link for the citizen's appointment, limited to `slot` when
 * given (a document the agent asked for live). Refused when the
 * appointment is over, the slot is unknown (404) or closed, or too many
 * links are alive. Only the token's SHA-256 is stored; the token is in the
 * returned URL and nowhere else.
 */
export async function issueLink(ctx: AppContext, appointment: Appointment, slot: string | undefined, baseUrl: string): Promise<IssuedUploaderView> {
  const now = ctx.clock.now();
  if (!isOpen(appointment)) throw errors.conflict('appointment_not_open');
  const slots = await slotsOf(ctx, appointment);
  if (slot !== undefined) {
    if (!slots.some((s) => s.id === slot)) throw errors.notFound();
    if (!slotOpen(slot, appointment, now)) throw errors.conflict('uploads_closed');
  } else if (!slots.some((s) => slotOpen(s.id, appointment, now))) {
    throw errors.conflict('uploads_closed');
  }
  const nowIso = now.toISOString();
  if ((await uploaderRepo.countAlive(ctx.db, appointment.id, nowIso)) >= UPLOADER_LIMITS.activePerAppointment) {
    throw errors.conflict('uploader_links_limit', { max: UPLOADER_LIMITS.activePerAppointment });
  }
  const token = newLinkToken();
  const id = randomUUID();
  const expiresAt = new Date(now.getTime() + UPLOADER_LIMITS.linkMinutes * 60_000).toISOString();
  await uploaderRepo.insert(ctx.db, {
    id,
    organisation_id: appointment.organisation_id,
    appointment_id: appointment.id,
    slot: slot ?? null,
    token_hash: sha256Hex(token),
    created_at: nowIso,
    expires_at: expiresAt,
    exchanged_at: null,
    session_hash: null,
    session_expires_at: null,
    csrf_token: null,
    revoked_at: null,
  });
  await bookingRepo.addEvent(ctx.db, appointment.organisation_id, appointment.id, 'uploader.issued', 'citizen', nowIso, { linkId: id, slot: slot ?? null, expiresAt });
  return { id, url: `${baseUrl}${UPLOADER_PAGE}/${token}`, expiresAt, slot: slot ?? null };
}

/** Why a link cannot be opened (each is a page of its own on the phone). */
type Refusal = 'uploader_link_expired' | 'uploader_link_used' | 'uploader_link_revoked';

function refusalOf(link: UploaderLinkRow, appointment: Appointment | undefined, nowIso: string): Refusal | null {
  if (link.revoked_at !== null) return 'uploader_link_revoked';
  if (link.exchanged_at !== null) return 'uploader_link_used';
  if (link.expires_at <= nowIso || !appointment || !isOpen(appointment)) return 'uploader_link_expired';
  return null;
}

/**
 * The phone opens a link: once, before it expires, while it is not revoked
 * and the appointment is open. Returns the new session's cookie value (only
 * its digest is stored). Every attempt on a known link is in the history,
 * refused ones with the reason (a used link opened again may be a leaked one).
 */
export async function exchangeLink(ctx: AppContext, org: Organisation, token: string): Promise<{ sessionToken: string; expiresAt: string }> {
  const now = ctx.clock.now();
  const nowIso = now.toISOString();
  const link = await uploaderRepo.byTokenHash(ctx.db, org.id, sha256Hex(token));
  if (!link) throw errors.notFound();
  const appointment = await bookingRepo.byId(ctx.db, org.id, link.appointment_id);
  const refuse = async (reason: Refusal): Promise<never> => {
    await bookingRepo.addEvent(ctx.db, org.id, link.appointment_id, 'uploader.refused', 'system', nowIso, { linkId: link.id, reason });
    throw new AppError(410, reason);
  };
  const refusal = refusalOf(link, appointment, nowIso);
  if (refusal) return refuse(refusal);
  const sessionToken = randomToken(32);
  const expiresAt = new Date(now.getTime() + UPLOADER_LIMITS.sessionMinutes * 60_000).toISOString();
  // Conditional: of two phones opening the same link at once, one wins.
  if (!(await uploaderRepo.exchange(ctx.db, link.id, nowIso, { hash: sha256Hex(sessionToken), expiresAt, csrf: randomToken(24) }))) {
    return refuse('uploader_link_used');
  }
  await bookingRepo.addEvent(ctx.db, org.id, link.appointment_id, 'uploader.opened', uploaderActor(link.id), nowIso, { linkId: link.id, slot: link.slot });
  return { sessionToken, expiresAt };
}

/** The phone session a cookie stands for, while it lasts, is not revoked and its appointment is open; else null. */
export async function uploaderSessionFor(ctx: AppContext, org: Organisation, sessionToken: string): Promise<UploaderSession | null> {
  const found = await uploaderRepo.bySessionHash(ctx.db, org.id, sha256Hex(sessionToken));
  if (!found) return null;
  const nowIso = ctx.clock.now().toISOString();
  const { link, appointment } = found;
  if (link.revoked_at !== null || link.session_expires_at === null || link.session_expires_at <= nowIso || !isOpen(appointment)) return null;
  return found;
}

/**
 * Stops links of an appointment: one (by id, 404 when it is not this
 * appointment's; stopping a stopped link changes nothing) or every one
 * still alive. Each revocation is in the history.
 */
export async function revokeLinks(ctx: AppContext, appointment: Appointment, actor: 'citizen' | `uploader:${string}`, id?: string): Promise<void> {
  const nowIso = ctx.clock.now().toISOString();
  const revoked = await uploaderRepo.revoke(ctx.db, appointment.organisation_id, appointment.id, nowIso, id);
  if (id !== undefined && revoked.length === 0 && !(await uploaderRepo.belongs(ctx.db, appointment.organisation_id, appointment.id, id))) throw errors.notFound();
  for (const linkId of revoked) {
    await bookingRepo.addEvent(ctx.db, appointment.organisation_id, appointment.id, 'uploader.revoked', actor, nowIso, { linkId });
  }
}

/**
 * What the phone is shown: the procedure's name and the slots it may upload
 * to, with their status and how many documents each holds — never a file
 * name, a date of birth or anything else of the citizen's.
 */
export async function uploaderView(ctx: AppContext, session: UploaderSession, lang: string): Promise<UploaderView> {
  const { link, appointment } = session;
  const procedure = await catalogueRepo.procedure(ctx.db, appointment.organisation_id, appointment.procedure_id);
  const space = await documentSpace(ctx, appointment, lang);
  return {
    procedureName: procedure ? pickLocalised(localised(procedure.name), lang) : '',
    language: appointment.language,
    slot: link.slot,
    expiresAt: link.session_expires_at ?? link.expires_at,
    csrfToken: link.csrf_token ?? '',
    slots: space.slots
      .filter((s) => link.slot === null || s.slot === link.slot)
      .map(({ documents, ...slot }) => ({ ...slot, count: documents.length })),
  };
}
