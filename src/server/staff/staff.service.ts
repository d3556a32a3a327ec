import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { LIMITS } from '../../shared/limits.ts';
import type { Db } from '../db/database.ts';
import type { Staff } from '../db/schema.ts';
import { hashPassword, randomToken } from '../security/secrets.ts';

/** Staff roles, least to most privileged. */
export const STAFF_ROLES = ['agent', 'supervisor', 'admin'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

/** Input for a new staff account. */
export const newStaffInput = z.object({
  email: z.string().trim().toLowerCase().pipe(z.email()),
  role: z.enum(STAFF_ROLES),
  displayName: z.string().trim().min(1).max(120),
  password: z.string().min(LIMITS.staffPasswordMin, 'password_too_short').max(LIMITS.staffPasswordMax),
});

/** A random password for a generated account (printed once, never stored in plaintext). */
export function generatedPassword(): string {
  return randomToken(15);
}

/** Creates a staff account with an argon2id password hash. */
export async function createStaff(db: Db, organisationId: string, input: z.input<typeof newStaffInput>, now: Date): Promise<Staff> {
  const v = newStaffInput.parse(input);
  const row = {
    id: randomUUID(),
    organisation_id: organisationId,
    email: v.email,
    display_name: v.displayName,
    role: v.role,
    password_hash: await hashPassword(v.password),
    active: 1,
    created_at: now.toISOString(),
  };
  await db.insertInto('staff').values(row).execute();
  return db.selectFrom('staff').selectAll().where('id', '=', row.id).executeTakeFirstOrThrow();
}
