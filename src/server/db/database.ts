import fs from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql, type SqliteDatabase as SqliteDatabaseLike } from 'kysely';
import pg from 'pg';
import type { Config } from '../config.ts';
import { migrationProvider, migrations } from './migrations.ts';
import type { Database } from './schema.ts';

/** The application's database handle. */
export type Db = Kysely<Database>;

/** Which engine a handle talks to; the few engine-specific code paths ask this. */
export type Dialect = 'sqlite' | 'postgres';

/** Opens the configured database (SQLite file or PostgreSQL pool). */
export function openDatabase(database: Config['database']): { db: Db; dialect: Dialect } {
  if (database.kind === 'postgres') {
    const pool = new pg.Pool({ connectionString: database.url, max: 10 });
    // An idle client dropped by the server (restart, failover) emits 'error' on
    // the pool; without a listener that would end the process. The next query
    // opens a new connection.
    pool.on('error', () => undefined);
    return { db: new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }), dialect: 'postgres' };
  }
  fs.mkdirSync(path.dirname(database.file), { recursive: true });
  const sqlite = new SqliteDatabase(database.file);
  // WAL lets readers proceed while one writer commits; busy_timeout makes a
  // second process wait for the write lock instead of failing at once.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('synchronous = NORMAL');
  return { db: new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) }), dialect: 'sqlite' };
}

const STATEMENT_CACHE_SIZE = 500;

/**
 * Kysely prepares every query anew; better-sqlite3 statements are reusable
 * and preparing costs as much as running a small query. Keep the most recent
 * ones by SQL text (queries are parameterised, so the set of texts is small).
 */
function withStatementCache(sqlite: SqliteDatabase.Database): SqliteDatabaseLike {
  const cache = new Map<string, SqliteDatabase.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(sqlText: string) {
      let stmt = cache.get(sqlText);
      if (stmt) {
        // Refresh its place in the least-recently-used order.
        cache.delete(sqlText);
      } else {
        stmt = sqlite.prepare(sqlText);
        if (cache.size >= STATEMENT_CACHE_SIZE) {
          const oldest = cache.keys().next();
          if (!oldest.done) cache.delete(oldest.value);
        }
      }
      cache.set(sqlText, stmt);
      return stmt;
    },
  };
}

/** Applies every pending migration; throws with the failing migration's error. */
export async function migrateToLatest(db: Db): Promise<string[]> {
  // Migrations of independent features may be numbered out of the order they
  // land in; each is applied once whatever the order (Kysely tracks names).
  const migrator = new Migrator({ db, provider: migrationProvider, allowUnorderedMigrations: true });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error('migration failed', { cause: error });
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** True when the database answers and every known migration is applied. */
export async function isReady(db: Db): Promise<boolean> {
  try {
    await sql`select 1`.execute(db);
    const migrator = new Migrator({ db, provider: migrationProvider, allowUnorderedMigrations: true });
    const applied = await migrator.getMigrations();
    return applied.length === Object.keys(migrations).length && applied.every((m) => m.executedAt);
  } catch {
    return false;
  }
}

/**
 * True when `error` is a unique/primary-key violation, on either engine.
 * SQLite: SQLITE_CONSTRAINT_PRIMARYKEY / _UNIQUE; PostgreSQL: SQLSTATE 23505.
 */
export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null || !('code' in error)) return false;
  const code = error.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}

/**
 * True when `error` is a unique violation of one particular constraint:
 * PostgreSQL names the constraint; SQLite names the columns in its message.
 */
export function isUniqueViolationOf(error: unknown, pgConstraint: string, sqliteColumn: string): boolean {
  if (!isUniqueViolation(error)) return false;
  const e = error as { constraint?: unknown; message?: unknown };
  return e.constraint === pgConstraint || (typeof e.message === 'string' && e.message.includes(sqliteColumn));
}
