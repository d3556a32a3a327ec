import { z } from 'zod';

/** `POST /api/staff/session`. */
export const staffLoginRequest = z.object({
  email: z.string().trim().max(254),
  password: z.string().min(1).max(200),
  totp: z.string().trim().max(10).optional(),
});

/** The signed-in member of staff, as the staff app sees themselves. */
export const staffMeView = z.object({
  id: z.string(),
  email: z.string(),
  displayName: z.string(),
  role: z.enum(['agent', 'supervisor', 'admin']),
  totpEnabled: z.boolean(),
  sessionMethod: z.string(),
});

export const staffSessionView = z.object({ csrfToken: z.string(), staff: staffMeView });

/** `POST /api/staff/password`. */
export const passwordChangeRequest = z.object({
  currentPassword: z.string().min(1).max(200),
  newPassword: z.string().min(12, 'password_too_short').max(200),
});

export const totpCodeRequest = z.object({ code: z.string().trim().regex(/^\d{6}$/, 'invalid_totp') });
export const totpDisableRequest = z.object({ password: z.string().min(1).max(200) });
