import type { Db } from '../db/database.ts';
import type { Organisation } from '../db/schema.ts';

/** SQL for organisations (tenants). */
export const organisationRepo = {
  bySlug(db: Db, slug: string): Promise<Organisation | undefined> {
    return db.selectFrom('organisations').selectAll().where('slug', '=', slug).executeTakeFirst();
  },
  byId(db: Db, id: string): Promise<Organisation | undefined> {
    return db.selectFrom('organisations').selectAll().where('id', '=', id).executeTakeFirst();
  },
  byHost(db: Db, host: string): Promise<Organisation | undefined> {
    return db
      .selectFrom('organisation_hosts')
      .innerJoin('organisations', 'organisations.id', 'organisation_hosts.organisation_id')
      .selectAll('organisations')
      .where('organisation_hosts.host', '=', host)
      .executeTakeFirst();
  },
  /** The first two organisations: enough to know whether the installation has exactly one. */
  firstTwo(db: Db): Promise<Organisation[]> {
    return db.selectFrom('organisations').selectAll().orderBy('created_at').limit(2).execute();
  },
  count(db: Db): Promise<number> {
    return db
      .selectFrom('organisations')
      .select((eb) => eb.fn.countAll<string | number>().as('n'))
      .executeTakeFirstOrThrow()
      .then((r) => Number(r.n));
  },
};
