import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { Config } from '../src/server/config.ts';

/** The engines integration tests run on: SQLite always, PostgreSQL when TEST_DATABASE_URL is set (CI sets it). */
export const DIALECTS: ('sqlite' | 'postgres')[] = process.env.TEST_DATABASE_URL ? ['sqlite', 'postgres'] : ['sqlite'];

/** A fresh, empty database of one engine (PostgreSQL: created on the server `adminUrl` points at), and how to drop it. */
export async function freshDatabase(
  dialect: 'sqlite' | 'postgres',
  adminUrl: string | undefined = process.env.TEST_DATABASE_URL,
): Promise<{ database: Config['database']; dataDir: string; drop: () => Promise<void> }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'finestreta-test-'));
  if (dialect === 'sqlite') {
    return {
      database: { kind: 'sqlite', file: path.join(dataDir, 'test.sqlite') },
      dataDir,
      drop: () => Promise.resolve(fs.rmSync(dataDir, { recursive: true, force: true })),
    };
  }
  if (!adminUrl) throw new Error('TEST_DATABASE_URL is not set');
  const name = `fin_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    database: { kind: 'postgres', url: url.toString() },
    dataDir,
    drop: async () => {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
