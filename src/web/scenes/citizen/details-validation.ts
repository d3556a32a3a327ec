/**
 * Client-side checks of "Your details", mirroring the server's rules so most
 * mistakes are caught before sending (the server checks again). Returns
 * error codes per field; the page turns them into translated messages.
 */
import { isValidIdNumber, normaliseIdNumber } from '../../../shared/id-document.ts';
import { LIMITS } from '../../../shared/limits.ts';
import type { ValidationIssue } from '../../api/types.ts';
import type { DetailsAnswers } from './booking-state.ts';

/** Fields of the form, in page order (the error summary follows it). */
export const DETAILS_FIELDS = [
  'name',
  'surnames',
  'idType',
  'idNumber',
  'email',
  'phone',
  'language',
  'interpreterLanguage',
  'otherNeeds',
] as const;
/** One field of the details form. */
export type DetailsField = (typeof DETAILS_FIELDS)[number];

/** Error code per field with a problem. */
export type DetailsErrors = Partial<Record<DetailsField, string>>;

/** Longest interpreter language the server accepts. */
export const INTERPRETER_LANGUAGE_MAX = 60;

// Same pattern as the server: optional +, then 6 to 20 digits or spaces.
const PHONE = /^\+?[0-9 ]{6,20}$/;
// Deliberately loose (the server decides): something@something.tld, no spaces.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function text(value: string, max: number): string | undefined {
  const trimmed = value.trim();
  if (trimmed.length === 0) return 'required';
  if (trimmed.length > max) return 'too_long';
  return undefined;
}

/** Checks every field; an empty result means the answers can be sent. */
export function validateDetails(d: DetailsAnswers): DetailsErrors {
  const errors: DetailsErrors = {};
  const set = (field: DetailsField, code: string | undefined) => {
    if (code) errors[field] = code;
  };
  set('name', text(d.name, LIMITS.nameMax));
  set('surnames', text(d.surnames, LIMITS.surnamesMax));
  if (d.idType === '') set('idType', 'required');
  const idNumber = normaliseIdNumber(d.idNumber);
  if (idNumber.length === 0) set('idNumber', 'required');
  else if (d.idType !== '' && !isValidIdNumber(d.idType, idNumber)) set('idNumber', `invalid_${d.idType}`);
  const email = d.email.trim();
  if (email.length === 0) set('email', 'required');
  else if (email.length > LIMITS.emailMax) set('email', 'too_long');
  else if (!EMAIL.test(email)) set('email', 'invalid_email');
  const phone = d.phone.trim();
  if (phone.length === 0) set('phone', 'required');
  else if (!PHONE.test(phone)) set('phone', 'invalid_phone');
  if (d.language === '') set('language', 'required');
  if (d.needsInterpreter) set('interpreterLanguage', text(d.interpreterLanguage, INTERPRETER_LANGUAGE_MAX));
  if (d.hasOtherNeeds) set('otherNeeds', text(d.otherNeeds, LIMITS.otherNeedsMax));
  return errors;
}

const SERVER_PATHS: Record<string, DetailsField> = {
  'citizen.name': 'name',
  'citizen.surnames': 'surnames',
  'citizen.idType': 'idType',
  'citizen.idNumber': 'idNumber',
  'citizen.email': 'email',
  'citizen.phone': 'phone',
  'citizen.language': 'language',
  'citizen.needs.languageInterpreter': 'interpreterLanguage',
  'citizen.needs.other': 'otherNeeds',
};

/**
 * Maps the server's `validation_failed` issues onto the form's fields.
 * Returns the field errors and whether some issue concerned something else.
 */
export function issuesToDetailsErrors(issues: readonly ValidationIssue[]): { errors: DetailsErrors; other: boolean } {
  const errors: DetailsErrors = {};
  let other = false;
  for (const issue of issues) {
    const field = SERVER_PATHS[issue.path];
    if (field) errors[field] ??= issue.code;
    else other = true;
  }
  return { errors, other };
}

/** Reads `details.issues` of a `validation_failed` error defensively. */
export function readIssues(details: Record<string, unknown>): ValidationIssue[] {
  const raw = details.issues;
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((item: unknown) => {
    if (typeof item !== 'object' || item === null) return [];
    const { path, code } = item as Record<string, unknown>;
    const p = Array.isArray(path) ? path.join('.') : path;
    return typeof p === 'string' && typeof code === 'string' ? [{ path: p, code }] : [];
  });
}

/** The longest value each field takes, for "at most {max} characters" messages. */
export const MAX_BY_FIELD: Partial<Record<DetailsField, number>> = {
  name: LIMITS.nameMax,
  surnames: LIMITS.surnamesMax,
  email: LIMITS.emailMax,
  phone: LIMITS.phoneMax,
  interpreterLanguage: INTERPRETER_LANGUAGE_MAX,
  otherNeeds: LIMITS.otherNeedsMax,
};

/** Router state with which a "check your answers" page hands the server's field errors back to the details page. */
export interface DetailsLocationState {
  serverErrors: DetailsErrors;
}

/** True when router state carries the server's field errors. */
export function isDetailsLocationState(value: unknown): value is DetailsLocationState {
  return typeof value === 'object' && value !== null && 'serverErrors' in value;
}

/** The answers as they are kept: trimmed, the ID number normalised, and the optional needs emptied when unticked. */
export function cleanDetails(form: DetailsAnswers): DetailsAnswers {
  return {
    ...form,
    name: form.name.trim(),
    surnames: form.surnames.trim(),
    idNumber: normaliseIdNumber(form.idNumber),
    email: form.email.trim(),
    phone: form.phone.trim(),
    interpreterLanguage: form.needsInterpreter ? form.interpreterLanguage.trim() : '',
    otherNeeds: form.hasOtherNeeds ? form.otherNeeds.trim() : '',
  };
}
