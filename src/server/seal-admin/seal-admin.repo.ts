import { sql, type Transaction } from 'kysely';
import type { Db } from '../db/database.ts';
import type { Database } from '../db/schema.ts';
import type { OrganisationSeal, OrganisationSealsTable } from './seal-admin.tables.ts';

/** The public columns of a seal: everything but the sealed PKCS#12 and password. */
const PUBLIC_COLUMNS = [
  'id',
  'organisation_id',
  'certificate',
  'subject',
  'issuer',
  'serial',
  'not_before',
  'not_after',
  'key_usage',
  'ext_key_usage',
  'key_type',
  'fingerprint',
  'installed_by',
  'installed_at',
  'replaced_at',
  'expiry_warned_at',
] as const;

/** A seal without its secrets. */
export type PublicSeal = Omit<OrganisationSeal, 'p12' | 'password'>;

/** SQL of installed organ seals. */
export const sealAdminRepo = {
  /** The id of the organisation's seal in use (asked before every signature: one lookup on a unique index). */
  async currentId(db: Db, organisationId: string): Promise<string | null> {
    const row = await db
      .selectFrom('organisation_seals')
      .select('id')
      .where('organisation_id', '=', organisationId)
      .where('replaced_at', 'is', null)
      .executeTakeFirst();
    return row?.id ?? null;
  },

  /** The sealed PKCS#12 and password of one seal of the organisation. */
  secrets(db: Db, organisationId: string, id: string) {
    return db.selectFrom('organisation_seals').select(['id', 'p12', 'password']).where('organisation_id', '=', organisationId).where('id', '=', id).executeTakeFirst();
  },

  /** Every seal the organisation installed, newest first (the one in use has `replaced_at` null). */
  history(db: Db, organisationId: string): Promise<PublicSeal[]> {
    return db
      .selectFrom('organisation_seals')
      .select(PUBLIC_COLUMNS)
      .where('organisation_id', '=', organisationId)
      // The seal in use first, then the others from the most recently replaced (installations may share an instant).
      .orderBy(sql`case when replaced_at is null then 0 else 1 end`)
      .orderBy('replaced_at', 'desc')
      .orderBy('installed_at', 'desc')
      .orderBy('id', 'desc')
      .execute();
  },

  /** Puts `row` in place of the organisation's current seal, which is kept, marked replaced. */
  async install(trx: Transaction<Database>, row: OrganisationSealsTable): Promise<PublicSeal | null> {
    const previous = await trx
      .selectFrom('organisation_seals')
      .select(PUBLIC_COLUMNS)
      .where('organisation_id', '=', row.organisation_id)
      .where('replaced_at', 'is', null)
      .executeTakeFirst();
    if (previous) await trx.updateTable('organisation_seals').set({ replaced_at: row.installed_at }).where('id', '=', previous.id).execute();
    await trx.insertInto('organisation_seals').values(row).execute();
    return previous ?? null;
  },

  /** Seals in use that end before `beforeIso` and whose people were not warned yet. */
  unwarnedExpiring(db: Db, beforeIso: string) {
    return db
      .selectFrom('organisation_seals')
      .select(['id', 'organisation_id', 'subject', 'not_after'])
      .where('replaced_at', 'is', null)
      .where('expiry_warned_at', 'is', null)
      .where('not_after', '<=', beforeIso)
      .execute();
  },

  /** Marks a seal's expiry warning as sent; false when another node did it first. */
  async markWarned(db: Db, id: string, nowIso: string): Promise<boolean> {
    const res = await db.updateTable('organisation_seals').set({ expiry_warned_at: nowIso }).where('id', '=', id).where('expiry_warned_at', 'is', null).executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  },

  /** Undoes `markWarned` when no warning could be sent, so the next check tries again. */
  async clearWarned(db: Db, id: string): Promise<void> {
    await db.updateTable('organisation_seals').set({ expiry_warned_at: null }).where('id', '=', id).execute();
  },
};
