import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../../test/databases.ts';
import type { Session } from '../../../test/documents-helpers.ts';
import { requireTool, runTool } from '../../../test/evidence-tools.ts';
import type { TestApp } from '../../../test/test-app.ts';
import type { IndicatorsView } from '../../shared/indicators.ts';
import { nif } from '../realtime/realtime.fixture.ts';
import { getAs, setUpIndicators, viewAs } from './indicators.fixture.ts';

/**
 * What the indicators give beyond the table on screen: the CSV export, the
 * in-person baselines administrators set, the survey comments supervisors
 * read, and the monthly PDF report (after the baselines, as it prints them).
 * The data set is in indicators.fixture.ts.
 */

describe.each(DIALECTS)('service indicators (%s)', (dialect) => {
  let t: TestApp;
  let admin: Session;
  let agent: Session;
  let supervisor: Session;

  const get = (session: Session, url: string, host?: string) => getAs(t, session, url, host);
  const view = (session: Session, query: string): Promise<IndicatorsView> => viewAs(t, session, query);

  beforeAll(async () => {
    ({ t, admin, agent, supervisor } = await setUpIndicators(dialect));
  }, 120_000);
  afterAll(async () => t.close());

  it('exports the same table as CSV, unknown figures empty and never 0', async () => {
    const res = await get(admin, '/api/staff/indicators.csv?from=2026-01&to=2026-03');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/csv');
    expect(res.headers['content-disposition']).toBe('attachment; filename="indicators-2026-01-2026-03.csv"');
    const [header = '', jan = '', feb = '', mar = '', total = ''] = res.body.trimEnd().split('\r\n');
    const columns = header.split(',');
    const row = (line: string): Record<string, string> => Object.fromEntries(line.split(',').map((v, i): [string, string] => [columns[i] ?? '', v]));
    expect(row(jan)).toMatchObject({ month: '2026-01', requested: '8', held: '4', no_shows: '2', unknown: '1', no_show_rate: '0.3333', handling_median_seconds: '525', missing_documents_share: '0.3333', liked_avg: '9', use_again_share: '0.5' });
    expect(row(feb)).toMatchObject({ month: '2026-02', requested: '0', no_show_rate: '', handling_avg_seconds: '', liked_avg: '' });
    expect(row(mar)).toMatchObject({ month: '2026-03', requested: '4', upcoming: '1' });
    expect(row(total)).toMatchObject({ month: '2026-01/2026-03', requested: '12' });
  });

  it('compares with in-person baselines set by an administrator, a month’s own value before the every-month one', async () => {
    const put = (session: Session, payload: unknown) =>
      t.app.http.inject({ method: 'PUT', url: '/api/staff/indicators/baselines', headers: { host: 'alfa.test', cookie: session.cookie, 'x-csrf-token': session.csrf }, payload: payload as Record<string, unknown> });
    const values = { values: [{ metric: 'no_show_rate', month: '*', value: 0.2 }, { metric: 'no_show_rate', month: '2026-01', value: 0.25 }, { metric: 'handling_avg_seconds', month: '*', value: 900 }] };
    expect((await put(supervisor, values)).statusCode).toBe(403);
    const refused = await put(admin, { values: [{ metric: 'no_show_rate', month: '2026-13', value: 0.2 }] });
    expect(refused.statusCode).toBe(400);
    expect((await t.ctx.db.selectFrom('indicator_baselines').selectAll().execute()).length).toBe(0);
    expect((await put(admin, values)).statusCode).toBe(200);
    const v = await view(agent, 'from=2026-01&to=2026-02');
    expect(v.baselines).toEqual([
      { month: '2026-01', values: { no_show_rate: 0.25, handling_avg_seconds: 900, handling_median_seconds: null, missing_documents_share: null, requested: null } },
      { month: '2026-02', values: { no_show_rate: 0.2, handling_avg_seconds: 900, handling_median_seconds: null, missing_documents_share: null, requested: null } },
    ]);
    const removed = await put(admin, { values: [{ metric: 'no_show_rate', month: '2026-01', value: null }] });
    expect(removed.json<{ data: { baselines: { metric: string; month: string }[] } }>().data.baselines.map((b) => `${b.metric}@${b.month}`)).toEqual(['handling_avg_seconds@*', 'no_show_rate@*']);
  });

  it('lists survey comments to supervisors without who wrote them, and not to agents', async () => {
    expect((await get(agent, '/api/staff/indicators/comments?from=2026-01&to=2026-03')).statusCode).toBe(403);
    const res = await get(supervisor, '/api/staff/indicators/comments?from=2026-01&to=2026-03');
    expect(res.statusCode).toBe(200);
    expect(res.json().data.comments).toEqual([{ month: '2026-01', procedure: expect.any(String) as string, liked: 8, easy: 7, useAgain: false, comment: 'Em faltava el contracte de lloguer.' }]);
    expect(res.body).not.toContain('indicadors@example.org');
    expect(res.body).not.toContain('V-IND');
    expect(res.body).not.toContain(nif(51_000_001));
  });

  it('prints the monthly report as a PDF: the month beside the one before, the baseline and the targets, and the twelve months’ trend', async () => {
    const res = await get(admin, '/api/staff/indicators/report.pdf?month=2026-01');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['content-disposition']).toContain('indicators-report-2026-01.pdf');
    const dir = mkdtempSync(path.join(tmpdir(), 'report-'));
    const file = path.join(dir, 'report.pdf');
    writeFileSync(file, res.rawPayload);
    requireTool('pdftotext');
    const text = (await runTool('pdftotext', ['-layout', file, '-'])).stdout;
    rmSync(dir, { recursive: true, force: true });
    expect(text).toContain('Informe mensual de la cita per videotrucada');
    expect(text).toContain('gener del 2026');
    expect(text).toMatch(/Cites ateses\s+4\s+0/);
    expect(text).toMatch(/Taxa de no presentació\s+33,3\s?%/);
    expect(text).toMatch(/Temps d’atenció mitjà\s+9:23 min/);
    expect(text).toMatch(/Li ha agradat \(0–10\)\s+9\s+—\s+>= 9,5\s+No/);
    expect(text).toContain('«—»: sense dades');
    // The trend: twelve months, those without data as dashes.
    expect(text).toMatch(/febr\. del 25\s+0\s+0\s+—/);
    // An agent gets only their own figures, in their language.
    const own = await t.app.http.inject({ method: 'GET', url: '/api/staff/indicators/report.pdf?month=2026-01', headers: { host: 'alfa.test', cookie: agent.cookie, 'accept-language': 'en' } });
    expect(own.statusCode).toBe(200);
    const bad = await get(admin, '/api/staff/indicators/report.pdf?month=2026-13');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.id).toBe('validation_failed');
    // Both downloads are in the audit trail (written just after each answer has gone).
    await expect
      .poll(async () => (await t.ctx.db.selectFrom('audit_log').select('seq').where('organisation_id', '=', t.orgA.id).where('action', '=', 'indicators.report_exported').execute()).length)
      .toBe(2);
  });
});
