import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../../test/databases.ts';
import { createTestApp, DEFAULT_NOW, procedureId, type TestApp } from '../../../test/test-app.ts';
import { organisationRepo } from '../organisations/organisation.repo.ts';
import type { Organisation } from '../db/schema.ts';
import { CSV_PATTERN, normaliseCsv } from '../../shared/registry.ts';
import { registryRepo } from './registry.repo.ts';
import { createEntry, formatEntryNumber, newCsv, type NewRegistryEntry } from './registry.service.ts';

describe('registry numbers and codes', () => {
  it('formats numbers with six digits and the year', () => {
    expect(formatEntryNumber(2026, 123)).toBe('REGE-2026-000123');
    expect(formatEntryNumber(2027, 1)).toBe('REGE-2027-000001');
  });

  it('makes CSVs with the organisation prefix that survive retyping', () => {
    const csv = newCsv({ slug: 'sant-cugat' });
    expect(csv).toMatch(CSV_PATTERN);
    expect(csv.startsWith('SANT-')).toBe(true);
    expect(normaliseCsv(csv.toLowerCase().replace(/-/g, ' '))).toBe(csv);
    expect(normaliseCsv('SANT-0000-AAAA-AAAA-AAAA-AAAA')).toBeNull();
    expect(new Set(Array.from({ length: 200 }, () => newCsv({ slug: 'alfa' }))).size).toBe(200);
  });
});

describe.each(DIALECTS)('the registry book (%s)', (dialect) => {
  let t: TestApp;
  let orgA: Organisation;
  let orgB: Organisation;
  let entry: (org: Organisation) => Promise<NewRegistryEntry>;

  beforeAll(async () => {
    t = await createTestApp({ dialect });
    orgA = (await organisationRepo.bySlug(t.ctx.db, 'alfa')) as Organisation;
    orgB = (await organisationRepo.bySlug(t.ctx.db, 'beta')) as Organisation;
    entry = async (org) => ({
      appointmentId: null,
      procedure: { id: await procedureId(t, org.id), name: JSON.stringify({ ca: 'Certificat', es: 'Certificado', en: 'Certificate' }) },
      interested: { name: 'Núria Puig i Ferrer', idType: 'nif', idNumber: '12345678Z' },
      summary: 'Sol·licitud de certificat',
      formData: { motiu: 'prova' },
      annexes: [{ name: 'dni.pdf', sha256: 'a'.repeat(64), size: 10 }],
      language: 'ca',
      createdBy: 'system',
    });
  });
  afterAll(async () => t.close());

  it('does not open or generate the organ seal for work that signs nothing', () => {
    expect(fs.existsSync(path.join(t.ctx.config.dataDir, 'secrets', 'dev-seal.p12'))).toBe(false);
  });

  it('gives 50 concurrent entries the numbers 1 to 50, each once', async () => {
    t.clock.set(DEFAULT_NOW);
    const input = await entry(orgA);
    const rows = await Promise.all(Array.from({ length: 50 }, () => createEntry(t.ctx, orgA, input)));
    const sequences = rows.map((r) => r.sequence).sort((a, b) => a - b);
    expect(sequences).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(new Set(rows.map((r) => r.number)).size).toBe(50);
    expect(new Set(rows.map((r) => r.csv)).size).toBe(50);
    expect(await registryRepo.sequences(t.ctx.db, orgA.id, 2026)).toEqual(sequences);
    expect(rows.find((r) => r.sequence === 7)?.number).toBe('REGE-2026-000007');
  });

  it('numbers each organisation on its own, and a rolled-back entry leaves no gap', async () => {
    const input = await entry(orgB);
    expect((await createEntry(t.ctx, orgB, input)).number).toBe('REGE-2026-000001');
    await expect(
      createEntry(t.ctx, orgB, input, () => {
        throw new Error('fails after the insert');
      }),
    ).rejects.toThrow('fails after the insert');
    expect((await createEntry(t.ctx, orgB, input)).number).toBe('REGE-2026-000002');
  });

  it('starts a new year at 1 by the organisation’s local calendar', async () => {
    expect(fs.existsSync(path.join(t.ctx.config.dataDir, 'secrets', 'dev-seal.p12'))).toBe(false);
    const input = await entry(orgA);
    // 23:30 UTC on 31 December is already 00:30 on 1 January in Madrid.
    t.clock.set(new Date('2026-12-31T23:30:00Z'));
    const row = await createEntry(t.ctx, orgA, input);
    expect(row.number).toBe('REGE-2027-000001');
    expect(row.created_at).toBe('2026-12-31T23:30:00.000Z');
    t.clock.set(DEFAULT_NOW);
  });
});
