import { z } from 'zod';
import { LIMITS } from '../../shared/limits.ts';

/** `POST /api/staff/session`. */
export const staffLoginRequest = z.object({
  email: z.string().trim().max(254),
  password: z.string().min(1).max(LIMITS.staffPasswordMax),
  totp: z.string().trim().max(10).optional(),
});

/** The signed-in member of staff, as the staff app sees themselves. */
export const staffMeView = z.object({
  id: z.string(),
  email: z.string(),
  displayName: z.string(),
  role: z.enum(['agent', 'supervisor', 'admin']),
  totpEnabled: z.boolean(),
  /** False for accounts that only sign in through the identity provider (no password to change). */
  hasPassword: z.boolean(),
  sessionMethod: z.string(),
});

export const staffSessionView = z.object({ csrfToken: z.string(), staff: staffMeView });

/** `POST /api/staff/password`. */
export const passwordChangeRequest = z.object({
  currentPassword: z.string().min(1).max(LIMITS.staffPasswordMax),
  newPassword: z.string().min(LIMITS.staffPasswordMin, 'password_too_short').max(LIMITS.staffPasswordMax),
});

export const totpCodeRequest = z.object({ code: z.string().trim().regex(/^\d{6}$/, 'invalid_totp') });
export const totpDisableRequest = z.object({ password: z.string().min(1).max(LIMITS.staffPasswordMax) });
