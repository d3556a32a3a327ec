import { createHmac } from 'node:crypto';
import type { AppContext } from '../context.ts';
import type { Organisation } from '../db/schema.ts';
import { AppError, errors } from '../http/errors.ts';
import { openSecret, sealSecret } from '../security/master-key.ts';
import { normaliseIdNumber } from '../../shared/id-document.ts';
import {
  DATA_PROTECTION_SUBJECT_MINUTES,
  type DataProtectionAppointmentView,
  type DataProtectionEraseResult,
  type DataProtectionEraseView,
  type DataProtectionSearchView,
  type DeliveryStateView,
  type EraseOutcome,
} from '../../shared/data-protection.ts';
import { dataProtectionRepo, type Subject, type SubjectAppointment } from './data-protection.repo.ts';
import { activeHolds, blockerOf, purgeNow } from './data-protection.retention.ts';

/**
 * Data-protection requests (issue 7): find what the organisation holds about
 * one citizen, export it, erase it. The rules: only what matches the
 * identity given is touched; every step is in the audit trail with the
 * identity masked and keyed-hashed (never in clear); erasure goes through
 * retention's purge, which keeps what a legal hold or an unacknowledged
 * delivery to case management still needs.
 */

/** The AES-GCM context that binds a search handle to its organisation and administrator. */
const handleContext = (organisationId: string, staffId: string) => `data-protection:${organisationId}:${staffId}`;

/**
 * Seals the subject into an opaque handle (AES-256-GCM under the master
 * key, bound to organisation and administrator, with an expiry): the export
 * link is a plain GET the browser downloads, and addresses end up in logs
 * and proxies — the identity number must not.
 */
export function sealSubject(ctx: AppContext, organisationId: string, staffId: string, subject: Subject, expiresAt: Date): string {
  return sealSecret(ctx.masterKey, JSON.stringify({ i: subject.idNumber, e: subject.email, x: expiresAt.toISOString() }), handleContext(organisationId, staffId));
}

/** Opens a handle sealed by `sealSubject` for the same organisation and administrator; a stale or foreign one is refused. */
export function openSubject(ctx: AppContext, organisationId: string, staffId: string, handle: string): Subject {
  let value: { i?: unknown; e?: unknown; x?: unknown };
  try {
    value = JSON.parse(openSecret(ctx.masterKey, handle, handleContext(organisationId, staffId))) as typeof value;
  } catch {
    throw errors.badRequest('data_protection_search_invalid');
  }
  if (typeof value.x !== 'string' || value.x <= ctx.clock.now().toISOString()) throw errors.badRequest('data_protection_search_expired');
  const idNumber = typeof value.i === 'string' && value.i ? value.i : null;
  const email = typeof value.e === 'string' && value.e ? value.e : null;
  if (!idNumber && !email) throw errors.badRequest('data_protection_search_invalid');
  return { idNumber, email };
}

/**
 * A keyed hash of the subject (HMAC-SHA-256 under the master key): the
 * audit entries of one request (search, export, erasure) share it, so they
 * can be followed together, but an identity number cannot be recovered from
 * it by trying the 10^8 possible NIFs, as it could from a plain hash.
 */
export function subjectDigest(ctx: AppContext, organisationId: string, subject: Subject): string {
  return createHmac('sha256', ctx.masterKey)
    .update(`data-protection-subject\u0000${organisationId}\u0000${subject.idNumber ?? ''}\u0000${subject.email ?? ''}`)
    .digest('hex')
    .slice(0, 32);
}

/** `12345678Z` → `*****678Z`: enough to tell two people apart on screen, not enough to copy. */
export function maskIdNumber(idNumber: string): string {
  if (idNumber.length <= 4) return '*'.repeat(idNumber.length);
  return `${'*'.repeat(idNumber.length - 4)}${idNumber.slice(-4)}`;
}

/** `nuria@example.org` → `n***@example.org`. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at < 1) return '***';
  return `${email.slice(0, 1)}***${email.slice(at)}`;
}

/** What the audit trail keeps of a subject: masked forms and the keyed hash. */
export function auditedSubject(ctx: AppContext, organisationId: string, subject: Subject): Record<string, string | null> {
  return {
    subject: subjectDigest(ctx, organisationId, subject),
    idNumber: subject.idNumber ? maskIdNumber(subject.idNumber) : null,
    email: subject.email ? maskEmail(subject.email) : null,
  };
}

/** Facts about the appointments that decide what erasure would do. */
interface Standing {
  holds: Map<string, string>;
  deliveries: { appointment_id: string; state: string }[];
  /** What retention's purge would answer now (its own rule, read-only), by appointment. */
  blockers: Map<string, EraseOutcome>;
}

async function standingOf(ctx: AppContext, organisationId: string, appointments: SubjectAppointment[]): Promise<Standing> {
  const ids = appointments.map((a) => a.id);
  const [holds, deliveries] = await Promise.all([activeHolds(ctx, organisationId, ids), dataProtectionRepo.deliveries(ctx.db, organisationId, ids)]);
  const blockers = new Map<string, EraseOutcome>();
  for (const a of appointments) {
    // Asked of retention itself, so the page never promises an erasure the purge would refuse.
    const blocker = a.minimised_at ? null : await blockerOf(ctx, organisationId, a.id);
    blockers.set(a.id, a.minimised_at ? 'already_erased' : (blocker ?? 'erase'));
  }
  return { holds, deliveries, blockers };
}

/** Where the appointment's evidence stands with case management. */
function deliveryOf(a: SubjectAppointment, standing: Standing): DeliveryStateView {
  const mine = standing.deliveries.filter((d) => d.appointment_id === a.id);
  if (mine.some((d) => d.state === 'dead')) return 'dead';
  if (mine.some((d) => d.state === 'pending')) return 'pending';
  if (mine.length > 0) return 'acknowledged';
  return a.delivery_connector === 'none' ? 'no_connector' : 'not_sealed';
}

/** Everything the subject search needs: the subject from the form, checked. */
export function subjectFrom(input: { idNumber?: string | undefined; email?: string | undefined }): Subject {
  return { idNumber: input.idNumber ? normaliseIdNumber(input.idNumber) : null, email: input.email ? input.email.trim().toLowerCase() : null };
}

/** The citizen's appointments with what each holds and what erasure would do, plus the handle for export and erasure. */
export async function searchSubject(ctx: AppContext, org: Organisation, staffId: string, subject: Subject): Promise<DataProtectionSearchView> {
  const appointments = await dataProtectionRepo.appointmentsOf(ctx.db, org.id, subject);
  const ids = appointments.map((a) => a.id);
  const [standing, documents, recordings, snapshots, packages, entries] = await Promise.all([
    standingOf(ctx, org.id, appointments),
    dataProtectionRepo.documents(ctx.db, org.id, ids),
    dataProtectionRepo.recordings(ctx.db, org.id, ids),
    dataProtectionRepo.snapshots(ctx.db, org.id, ids),
    dataProtectionRepo.packages(ctx.db, org.id, ids),
    dataProtectionRepo.registryEntries(ctx.db, org.id, ids, null),
  ]);
  const expiresAt = new Date(ctx.clock.now().getTime() + DATA_PROTECTION_SUBJECT_MINUTES * 60_000);
  const list: DataProtectionAppointmentView[] = appointments.map((a) => {
    const hold = standing.holds.get(a.id);
    return {
      id: a.id,
      reference: a.reference,
      procedure: namesOf(a.procedure_name),
      startsAt: a.starts_at,
      status: a.status,
      citizenName: `${a.citizen_name} ${a.citizen_surnames}`.trim(),
      idNumberMasked: maskIdNumber(a.citizen_id_number),
      held: {
        documents: documents.filter((d) => d.appointment_id === a.id && d.blob_id !== null && d.purged_at === null).length,
        recording: recordings.some((r) => r.appointment_id === a.id && r.file_blob_id !== null && r.purged_at === null),
        snapshots: snapshots.filter((s) => s.appointment_id === a.id && s.purged_at === null).length,
        packages: packages.filter((p) => p.appointment_id === a.id && p.purged_at === null).length,
        receipt: entries.some((e) => e.appointment_id === a.id && e.receipt_sealed_at !== null),
      },
      legalHold: hold === undefined ? null : { reason: hold },
      delivery: deliveryOf(a, standing),
      onErase: standing.blockers.get(a.id) ?? 'erase',
    };
  });
  return {
    subject: sealSubject(ctx, org.id, staffId, subject, expiresAt),
    expiresAt: expiresAt.toISOString(),
    confirmWith: subject.idNumber ? 'id_number' : 'email',
    appointments: list,
  };
}

function namesOf(text: string): Record<string, string> {
  try {
    const value = JSON.parse(text) as unknown;
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).filter((e): e is [string, string] => typeof e[1] === 'string'));
  } catch {
    // A damaged name shows as its text.
  }
  return { ca: text };
}

/** The subject's appointments for an export or an erasure; none → 404 with its own message. */
export async function appointmentsFor(ctx: AppContext, org: Organisation, subject: Subject): Promise<SubjectAppointment[]> {
  const appointments = await dataProtectionRepo.appointmentsOf(ctx.db, org.id, subject);
  if (appointments.length === 0) throw new AppError(404, 'data_protection_nothing_found');
  return appointments;
}

/** Whether what the administrator typed again is the identity number (or, for an email-only search, the email). */
export function confirms(subject: Subject, typed: string): boolean {
  if (subject.idNumber) return normaliseIdNumber(typed) === subject.idNumber;
  return typed.trim().toLowerCase() === subject.email;
}

/**
 * Erases what can be erased of the subject's appointments, one by one,
 * through retention's purge: it keeps (and changes nothing of) an
 * appointment under a legal hold, one whose evidence case management has
 * not acknowledged, and one not finished yet — booked, waiting or in the
 * call: the administrator cancels it first (the citizen is told), then
 * erases again. The answer lists every appointment with what happened and
 * why.
 */
export async function eraseSubject(ctx: AppContext, org: Organisation, staffId: string, appointments: SubjectAppointment[]): Promise<DataProtectionEraseView> {
  const results: DataProtectionEraseResult[] = [];
  for (const a of appointments) {
    const answer = await purgeNow(ctx, org.id, a.id, { actor: `staff:${staffId}`, reason: 'data_protection_erasure' });
    results.push('purged' in answer ? { id: a.id, reference: a.reference, outcome: 'erased', reason: null } : { id: a.id, reference: a.reference, outcome: 'kept', reason: answer.kept });
  }
  const erased = results.filter((r) => r.outcome === 'erased').length;
  return { erased, kept: results.length - erased, results };
}
