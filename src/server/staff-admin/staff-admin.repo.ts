import type { Db } from '../db/database.ts';
import type { Staff } from '../db/schema.ts';
import type { StaffInvitation, StaffInvitationsTable } from './staff-admin.tables.ts';

/** SQL of the Staff section: accounts, their offices, sessions and invitations, always scoped to one organisation. */
export const staffAdminRepo = {
  staff(db: Db, organisationId: string): Promise<Staff[]> {
    return db.selectFrom('staff').selectAll().where('organisation_id', '=', organisationId).orderBy('display_name').orderBy('email').execute();
  },
  member(db: Db, organisationId: string, id: string): Promise<Staff | undefined> {
    return db.selectFrom('staff').selectAll().where('organisation_id', '=', organisationId).where('id', '=', id).executeTakeFirst();
  },
  byEmail(db: Db, organisationId: string, email: string): Promise<Staff | undefined> {
    return db.selectFrom('staff').selectAll().where('organisation_id', '=', organisationId).where('email', '=', email).executeTakeFirst();
  },
  offices(db: Db, organisationId: string): Promise<{ id: string; name: string }[]> {
    return db.selectFrom('offices').select(['id', 'name']).where('organisation_id', '=', organisationId).orderBy('name').execute();
  },
  /** Every (staff, office) pair of the organisation. */
  memberships(db: Db, organisationId: string): Promise<{ staff_id: string; office_id: string }[]> {
    return db
      .selectFrom('staff_offices')
      .innerJoin('offices', 'offices.id', 'staff_offices.office_id')
      .select(['staff_offices.staff_id', 'staff_offices.office_id'])
      .where('offices.organisation_id', '=', organisationId)
      .execute();
  },
  /** Replaces a member's offices. */
  async setOffices(db: Db, staffId: string, officeIds: readonly string[]): Promise<void> {
    await db.deleteFrom('staff_offices').where('staff_id', '=', staffId).execute();
    if (officeIds.length > 0) await db.insertInto('staff_offices').values(officeIds.map((office_id) => ({ staff_id: staffId, office_id }))).execute();
  },
  /** Active administrators of the organisation. */
  async activeAdmins(db: Db, organisationId: string): Promise<number> {
    const row = await db
      .selectFrom('staff')
      .select((eb) => eb.fn.countAll<string | number>().as('n'))
      .where('organisation_id', '=', organisationId)
      .where('role', '=', 'admin')
      .where('active', '=', 1)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  },
  /** Ends every session of a member of staff; how many ended. */
  async endSessions(db: Db, staffId: string): Promise<number> {
    const res = await db.deleteFrom('staff_sessions').where('staff_id', '=', staffId).executeTakeFirst();
    return Number(res.numDeletedRows);
  },

  // --- Invitations ---------------------------------------------------------------------------

  /** Invitations neither accepted nor revoked (expired ones included: they can be re-sent). */
  openInvitations(db: Db, organisationId: string): Promise<StaffInvitation[]> {
    return db
      .selectFrom('staff_invitations')
      .selectAll()
      .where('organisation_id', '=', organisationId)
      .where('accepted_at', 'is', null)
      .where('revoked_at', 'is', null)
      .orderBy('created_at', 'desc')
      .execute();
  },
  openInvitation(db: Db, organisationId: string, id: string): Promise<StaffInvitation | undefined> {
    return db
      .selectFrom('staff_invitations')
      .selectAll()
      .where('organisation_id', '=', organisationId)
      .where('id', '=', id)
      .where('accepted_at', 'is', null)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
  },
  openInvitationFor(db: Db, organisationId: string, email: string): Promise<StaffInvitation | undefined> {
    return db
      .selectFrom('staff_invitations')
      .selectAll()
      .where('organisation_id', '=', organisationId)
      .where('email', '=', email)
      .where('accepted_at', 'is', null)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
  },
  byTokenHash(db: Db, organisationId: string, tokenHash: string): Promise<StaffInvitation | undefined> {
    return db.selectFrom('staff_invitations').selectAll().where('organisation_id', '=', organisationId).where('token_hash', '=', tokenHash).executeTakeFirst();
  },
  async insertInvitation(db: Db, row: StaffInvitationsTable): Promise<void> {
    await db.insertInto('staff_invitations').values(row).execute();
  },
  /** A new link for an open invitation: the old one stops working. False when it was no longer open. */
  async renewInvitation(db: Db, id: string, tokenHash: string, invitedBy: string, createdAt: string, expiresAt: string): Promise<boolean> {
    const res = await db
      .updateTable('staff_invitations')
      .set({ token_hash: tokenHash, invited_by: invitedBy, created_at: createdAt, expires_at: expiresAt })
      .where('id', '=', id)
      .where('accepted_at', 'is', null)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  },
  async revokeInvitation(db: Db, id: string, at: string): Promise<boolean> {
    const res = await db.updateTable('staff_invitations').set({ revoked_at: at }).where('id', '=', id).where('accepted_at', 'is', null).where('revoked_at', 'is', null).executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  },
  /** Marks an invitation used, once: false when another request used or revoked it first. */
  async acceptInvitation(db: Db, id: string, staffId: string, at: string): Promise<boolean> {
    const res = await db
      .updateTable('staff_invitations')
      .set({ accepted_at: at, staff_id: staffId })
      .where('id', '=', id)
      .where('accepted_at', 'is', null)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', at)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  },
};
