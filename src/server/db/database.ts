import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { CompiledQuery, Kysely, Migrator, PostgresAdapter, PostgresDialect, SqliteDialect, sql, type QueryResult, type SqliteDatabase as SqliteDatabaseLike } from 'kysely';
import type pg from 'pg';
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
    // Loaded here, not at the top: a SQLite installation never needs the PostgreSQL driver (~3 MB of heap).
    const { Pool } = createRequire(import.meta.url)('pg') as typeof pg;
    const pool = new Pool({ connectionString: database.url, max: 10 });
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

/**
 * Stands in for a parameter while a precompiled query is built: a string no
 * caller passes (it starts with NUL), naming the parameter's path.
 */
const MARK = '\u0000param:';

/** Where each compiled parameter comes from: a path into the call's values, or a constant of the query. */
type Slot = { path: readonly string[] } | { value: unknown };

/** Plain objects and arrays are walked into; anything else is one value. */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** What decides the SQL text: which values are absent, how long each list is, which keys each object has. */
function shapeOf(value: unknown): string {
  if (value === undefined) return 'u';
  if (Array.isArray(value)) return `[${value.map(shapeOf).join(',')}]`;
  if (isPlainObject(value)) {
    let s = '{';
    for (const k in value) s += `${k}:${shapeOf(value[k])};`;
    return `${s}}`;
  }
  return '.';
}

/** The same structure with every value replaced by its marker (absent ones stay absent). */
function markersOf(value: unknown, path: string): unknown {
  if (value === undefined) return undefined;
  if (Array.isArray(value)) return value.map((v, i) => markersOf(v, `${path}${i}\u0000`));
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const k in value) out[k] = markersOf(value[k], `${path}${k}\u0000`);
    return out;
  }
  return `${MARK}${path}`;
}

function resolve(values: unknown, path: readonly string[]): unknown {
  let v = values;
  // The shape matched, so every step is an object or array holding `key`.
  for (const key of path) v = typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[key] : undefined;
  return v;
}

/**
 * A query built and compiled by Kysely once per engine and shape of its
 * values, then run with each call's values. Building and compiling a query
 * costs as much as SQLite takes to run a small one, and a booking runs a
 * dozen; the statement cache above then skips SQLite's own preparation.
 *
 * `build` places the values it is given and nothing else: while the query is
 * compiled they are markers, so code that computes with them (arithmetic,
 * string building, a condition on a value) would bake one call's result into
 * every later call — compute those before and pass them in. What may vary
 * is only whether a value is absent and how long a list is: each such shape
 * gets its own compiled query.
 */
export function precompiled<P extends object, R>(
  build: (db: Kysely<Database>, values: P) => { compile(): CompiledQuery<R> },
): (db: Kysely<Database>, values: P) => Promise<QueryResult<R>> {
  // Keyed by the engine's adapter (one per database handle, shared by its
  // transactions): PostgreSQL and SQLite write parameters differently.
  const plans = new WeakMap<object, Map<string, { sql: string; slots: Slot[] }>>();
  return (db, values) => {
    const adapter = db.getExecutor().adapter;
    let byShape = plans.get(adapter);
    if (!byShape) plans.set(adapter, (byShape = new Map<string, { sql: string; slots: Slot[] }>()));
    const shape = shapeOf(values);
    let plan = byShape.get(shape);
    if (!plan) {
      // The markers mirror `values`, so they have its type wherever build reads them.
      const compiled = build(db, markersOf(values, '') as P).compile();
      const slots = compiled.parameters.map((p): Slot => {
        if (typeof p === 'string' && p.startsWith(MARK)) return { path: p.slice(MARK.length).split('\u0000').slice(0, -1) };
        // A marker turned into something else was computed with: refuse rather than bind it.
        if ((typeof p === 'string' && p.includes(MARK)) || Number.isNaN(p)) throw new Error(`precompiled query computes with a value: ${compiled.sql}`);
        return { value: p };
      });
      byShape.set(shape, (plan = { sql: compiled.sql, slots }));
    }
    const parameters = plan.slots.map((s) => ('path' in s ? resolve(values, s.path) : s.value));
    return db.executeQuery(CompiledQuery.raw(plan.sql, parameters));
  };
}

/**
 * True when a handle (or transaction) talks to PostgreSQL, for the few
 * statements written differently per engine where no context is at hand.
 */
export function isPostgres(db: Kysely<Database>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
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
