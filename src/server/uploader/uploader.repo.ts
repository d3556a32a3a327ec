import type { Db } from '../db/database.ts';
import type { Appointment } from '../db/schema.ts';
import type { UploaderLinkRow, UploaderLinksTable } from './uploader.tables.ts';

/** All SQL of phone links. Every query is scoped to an organisation, or to a digest only its holder can know. */
export const uploaderRepo = {
  insert(db: Db, row: UploaderLinksTable) {
    return db.insertInto('uploader_links').values(row).execute();
  },

  /** A link by its token's digest, in an organisation. */
  byTokenHash(db: Db, organisationId: string, tokenHash: string): Promise<UploaderLinkRow | undefined> {
    return db.selectFrom('uploader_links').selectAll().where('organisation_id', '=', organisationId).where('token_hash', '=', tokenHash).executeTakeFirst();
  },

  /** A phone session by its cookie's digest, with its appointment. */
  async bySessionHash(db: Db, organisationId: string, sessionHash: string): Promise<{ link: UploaderLinkRow; appointment: Appointment } | undefined> {
    const link = await db
      .selectFrom('uploader_links')
      .selectAll()
      .where('organisation_id', '=', organisationId)
      .where('session_hash', '=', sessionHash)
      .executeTakeFirst();
    if (!link) return undefined;
    const appointment = await db
      .selectFrom('appointments')
      .selectAll()
      .where('organisation_id', '=', organisationId)
      .where('id', '=', link.appointment_id)
      .executeTakeFirst();
    return appointment ? { link, appointment } : undefined;
  },

  /** Links of an appointment still alive at `nowIso`: not revoked, and either not opened and not expired, or with a live session. */
  async countAlive(db: Db, appointmentId: string, nowIso: string): Promise<number> {
    const row = await db
      .selectFrom('uploader_links')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('appointment_id', '=', appointmentId)
      .where('revoked_at', 'is', null)
      .where((eb) =>
        eb.or([
          eb.and([eb('exchanged_at', 'is', null), eb('expires_at', '>', nowIso)]),
          eb.and([eb('exchanged_at', 'is not', null), eb('session_expires_at', '>', nowIso)]),
        ]),
      )
      .executeTakeFirstOrThrow();
    return Number(row.n);
  },

  /** Opens a link once: only a link not yet opened, not revoked and not expired; false otherwise. */
  async exchange(db: Db, id: string, nowIso: string, session: { hash: string; expiresAt: string; csrf: string }): Promise<boolean> {
    const res = await db
      .updateTable('uploader_links')
      .set({ exchanged_at: nowIso, session_hash: session.hash, session_expires_at: session.expiresAt, csrf_token: session.csrf })
      .where('id', '=', id)
      .where('exchanged_at', 'is', null)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', nowIso)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  },

  /** Whether a link is one of this appointment's (whatever its state). */
  async belongs(db: Db, organisationId: string, appointmentId: string, id: string): Promise<boolean> {
    const row = await db
      .selectFrom('uploader_links')
      .select('id')
      .where('organisation_id', '=', organisationId)
      .where('appointment_id', '=', appointmentId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row !== undefined;
  },

  /** Revokes links of an appointment (one, or every one still working); returns the ids revoked. */
  async revoke(db: Db, organisationId: string, appointmentId: string, nowIso: string, id?: string): Promise<string[]> {
    let query = db
      .selectFrom('uploader_links')
      .select('id')
      .where('organisation_id', '=', organisationId)
      .where('appointment_id', '=', appointmentId)
      .where('revoked_at', 'is', null);
    // Stopping "all" touches only links that still work; one named link is stopped whatever its state.
    query = id !== undefined ? query.where('id', '=', id) : query.where((eb) => eb.or([eb('expires_at', '>', nowIso), eb('session_expires_at', '>', nowIso)]));
    const ids = (await query.execute()).map((r) => r.id);
    if (ids.length === 0) return [];
    await db.updateTable('uploader_links').set({ revoked_at: nowIso }).where('id', 'in', ids).where('revoked_at', 'is', null).execute();
    return ids;
  },
};
