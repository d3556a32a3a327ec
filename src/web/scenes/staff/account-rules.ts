import { LIMITS } from '../../../shared/limits.ts';
/**
 * The checks of the account page that need no server: a new password's
 * length and confirmation, the shape of an authenticator code, and the
 * setup key written in blocks a person can copy by hand.
 */

/** The server's limits for a staff password (`passwordChangeRequest` in staff-auth.schema.ts). */
export const STAFF_PASSWORD = { min: LIMITS.staffPasswordMin, max: LIMITS.staffPasswordMax } as const;

/** A problem with one field of the password form. */
export type PasswordProblem =
  | 'currentRequired'
  | 'newRequired'
  | 'tooShort'
  | 'tooLong'
  | 'sameAsCurrent'
  | 'confirmRequired'
  | 'mismatch';

/** The fields of the password form, by element id. */
export type PasswordField = 'current-password' | 'new-password' | 'confirm-password';

/** The answers of the password form. */
export interface PasswordAnswers {
  current: string;
  next: string;
  confirm: string;
}

/**
 * What is wrong with the answers, field by field, in the order the fields
 * appear (empty when they can be sent). Passwords are compared as typed:
 * spaces may be part of a passphrase.
 */
export function checkPasswordChange(answers: PasswordAnswers): Partial<Record<PasswordField, PasswordProblem>> {
  const problems: Partial<Record<PasswordField, PasswordProblem>> = {};
  if (answers.current.length === 0) problems['current-password'] = 'currentRequired';
  // Counted in code points, as people count characters (an accented letter or an emoji is one).
  const length = [...answers.next].length;
  if (length === 0) problems['new-password'] = 'newRequired';
  else if (length < STAFF_PASSWORD.min) problems['new-password'] = 'tooShort';
  else if (answers.next.length > STAFF_PASSWORD.max) problems['new-password'] = 'tooLong';
  else if (answers.next === answers.current) problems['new-password'] = 'sameAsCurrent';
  if (answers.confirm.length === 0) problems['confirm-password'] = 'confirmRequired';
  else if (answers.next.length > 0 && answers.confirm !== answers.next) problems['confirm-password'] = 'mismatch';
  return problems;
}

/** The 6 digits of an authenticator code as typed ("123 456" too), or null when it is not one. */
export function normaliseTotpCode(value: string): string | null {
  const code = value.replace(/[\s-]/g, '');
  return /^\d{6}$/.test(code) ? code : null;
}

/** The base32 setup key in blocks of four characters, as authenticator apps print it and accept it. */
export function secretBlocks(secret: string): string[] {
  const clean = secret.replace(/[\s=]/g, '').toUpperCase();
  return clean.match(/.{1,4}/g) ?? [];
}
