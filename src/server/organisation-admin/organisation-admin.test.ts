import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../../test/databases.ts';
import { staffSession, tinyPng, type Session } from '../../../test/documents-helpers.ts';
import { createTestApp, procedureId, type TestApp } from '../../../test/test-app.ts';
import { book } from '../../../test/booking-helpers.ts';
import type { OrganisationSettingsRequest, OrganisationSettingsView } from '../../shared/admin-people.ts';
import { contrastRatio } from '../../shared/contrast.ts';
import type { OrganisationView } from '../catalogue/catalogue.schema.ts';
import { bestHeaderContrast, sniffLogo } from './organisation-admin.service.ts';
import { consentTextFor, retentionOf } from './organisation-settings.ts';
import { CONSENT_TEXT } from '../../shared/protocol.ts';

/**
 * The Organisation section: settings validated (DIR3, zone, languages,
 * colour contrast at WCAG AA with the measured ratio), stored, audited and
 * seen by the next request without a restart (the public organisation
 * endpoint, the consent text, the appointment emails); the logo checked by
 * its bytes.
 */
describe('contrast of the brand colour (WCAG 2.1 SC 1.4.3)', () => {
  it('measures the known ratios', () => {
    expect(contrastRatio('#ffffff', '#000000')).toBeCloseTo(21, 5);
    expect(contrastRatio('#767676', '#ffffff')).toBeCloseTo(4.54, 2);
  });
  it('passes a colour that white or the near-black text reaches at 4.5:1, and refuses a mid grey that neither does', () => {
    expect(bestHeaderContrast('#1d4f91')).toBeGreaterThan(4.5);
    expect(bestHeaderContrast('#ffdd00')).toBeGreaterThan(4.5);
    expect(bestHeaderContrast('#787878')).toBeLessThan(4.5);
  });
  it('recognises PNG and JPEG by their bytes, nothing else', () => {
    expect(sniffLogo(tinyPng())).toBe('image/png');
    expect(sniffLogo(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0]))).toBe('image/jpeg');
    expect(sniffLogo(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'))).toBeNull();
  });
});

describe.each(DIALECTS)('organisation administration (%s)', (dialect) => {
  let t: TestApp;
  let admin: Session;
  const host = { host: 'alfa.test' };

  beforeAll(async () => {
    t = await createTestApp({ dialect });
    const a = t.orgA.accounts.find((x) => x.role === 'admin');
    if (!a) throw new Error('no admin');
    admin = await staffSession(t, a.email, a.password);
  });
  afterAll(async () => t.close());

  const headers = () => ({ ...host, cookie: admin.cookie, 'x-csrf-token': admin.csrf });
  const read = async () => (await t.app.http.inject({ method: 'GET', url: '/api/admin/organisation', headers: headers() })).json<{ data: OrganisationSettingsView }>().data;
  const save = (body: unknown, extra: Record<string, string> = {}) => t.app.http.inject({ method: 'PUT', url: '/api/admin/organisation', headers: { ...headers(), ...extra }, payload: body as object });
  const publicOrg = async (h = 'alfa.test') => (await t.app.http.inject({ method: 'GET', url: '/api/public/organisation', headers: { host: h } })).json<{ data: OrganisationView }>().data;
  const bodyOf = (v: OrganisationSettingsView): OrganisationSettingsRequest => {
    const { logo: _logo, defaults: _defaults, ...rest } = v;
    return rest;
  };

  it('reads the current settings with the built-in defaults', async () => {
    const v = await read();
    expect(v).toMatchObject({ name: 'Ajuntament d’Alfa', dir3: 'L01089999', timeZone: 'Europe/Madrid', languages: ['ca', 'es', 'en'], primaryColor: '#1d4f91', noShowMinutes: 10, uploadDeadlineHours: 48, logo: null });
    expect(v.texts).toEqual({ consent: {}, recordingNotice: {}, emailNote: {} });
    expect(v.retention.documentsDays).toBe(t.ctx.config.documents.retentionDays);
    expect(v.defaults.consent.ca).toBe(CONSENT_TEXT.ca);
  });

  it('saves every field, the public endpoint shows it at once, and the audit has before and after', async () => {
    // The tenant cache holds the organisation now.
    expect((await publicOrg()).name).toBe('Ajuntament d’Alfa');
    const body: OrganisationSettingsRequest = {
      ...bodyOf(await read()),
      name: 'Ajuntament d’Alfa de Mar',
      dir3: 'l01080193',
      timeZone: 'Atlantic/Canary',
      languages: ['es', 'ca'],
      primaryColor: '#00703C',
      texts: { consent: { ca: 'Ho confirmo tot.' }, recordingNotice: { es: 'Grabamos la llamada.' }, emailNote: { ca: 'Telèfon 900 000 000.' } },
      noShowMinutes: 15,
      uploadDeadlineHours: 24,
      retention: { documentsDays: 60, recordingsDays: 400, evidenceDays: 2000, appointmentsDays: 500 },
    };
    const res = await save(body);
    expect(res.statusCode).toBe(200);
    expect(res.json().data).toMatchObject({ name: 'Ajuntament d’Alfa de Mar', dir3: 'L01080193', primaryColor: '#00703c', languages: ['es', 'ca'] });
    expect(await publicOrg()).toMatchObject({ name: 'Ajuntament d’Alfa de Mar', dir3: 'L01080193', timeZone: 'Atlantic/Canary', languages: ['es', 'ca'], defaultLanguage: 'es', branding: { primaryColor: '#00703c' }, uploadDeadlineHours: 24 });
    const row = await t.ctx.db.selectFrom('organisations').selectAll().where('id', '=', t.orgA.id).executeTakeFirstOrThrow();
    expect(row.no_show_minutes).toBe(15);
    expect(await retentionOf(t.ctx.db, t.orgA.id, 30)).toEqual(body.retention);
    // Another organisation is untouched.
    expect((await publicOrg('beta.test')).name).toBe('Ajuntament de Beta');

    const audit = await t.ctx.db.selectFrom('audit_log').selectAll().where('organisation_id', '=', t.orgA.id).where('action', '=', 'admin.organisation.changed').execute();
    expect(audit).toHaveLength(1);
    const changes = JSON.parse(audit[0]?.details ?? '{}').changes as Record<string, { before: unknown; after: unknown }>;
    expect(changes.name).toEqual({ before: 'Ajuntament d’Alfa', after: 'Ajuntament d’Alfa de Mar' });
    expect(changes.primaryColor).toEqual({ before: '#1d4f91', after: '#00703c' });
    expect(Object.keys(changes)).toEqual(expect.arrayContaining(['dir3', 'timeZone', 'languages', 'texts', 'noShowMinutes', 'uploadDeadlineHours', 'retention']));
  });

  it('uses the organisation’s consent text and email note, the built-in one where none is set', async () => {
    const texts = { consent: { ca: 'Ho confirmo tot.' }, recordingNotice: {}, emailNote: {} };
    expect(consentTextFor(texts, 'ca')).toBe('Ho confirmo tot.');
    expect(consentTextFor(texts, 'es')).toBe(CONSENT_TEXT.es);
    const preview = await t.app.http.inject({ method: 'POST', url: '/api/admin/organisation/email-preview', headers: headers(), payload: { language: 'ca', note: 'Truqueu al 900 000 000.' } });
    expect(preview.statusCode).toBe(200);
    expect(preview.json().data.text).toContain('Truqueu al 900 000 000.');
    expect(preview.json().data.subject.length).toBeGreaterThan(5);
  });

  it('adds the organisation’s note to a real appointment email, in the citizen’s language', async () => {
    const base = bodyOf(await read());
    expect((await save({ ...base, languages: ['ca', 'es', 'en'], timeZone: 'Europe/Madrid', texts: { ...base.texts, emailNote: { ca: 'Telèfon de l’OAC: 900 000 000.' } } })).statusCode).toBe(200);
    const booked = await book(t, { procedureId: await procedureId(t, t.orgA.id), startsAt: '2026-03-03T08:00:00.000Z', citizen: { email: 'note@example.org', language: 'ca' } });
    expect(booked.statusCode, booked.body).toBe(201);
    await t.app.mailer.runDue();
    expect(t.mail.lastTo('note@example.org')?.text).toContain('Telèfon de l’OAC: 900 000 000.');
  });

  it('refuses a colour below 4.5:1 with its measured ratio, and changes nothing', async () => {
    const before = await read();
    const res = await save({ ...bodyOf(before), primaryColor: '#787878', name: 'Should not be saved' }, { 'accept-language': 'en' });
    expect(res.statusCode).toBe(422);
    expect(res.json().error.id).toBe('colour_contrast_low');
    expect(res.json().error.details).toMatchObject({ field: 'primaryColor', ratio: '4.43', required: '4.5' });
    expect(res.json().error.message).toContain('4.43:1');
    expect((await read()).name).toBe(before.name);
  });

  it('refuses bad input field by field, never a 500', async () => {
    const base = bodyOf(await read());
    const cases: [Partial<Record<keyof OrganisationSettingsRequest, unknown>>, string, string][] = [
      [{ dir3: 'L0108019' }, 'dir3', 'organ_code_invalid'],
      [{ dir3: '101080193' }, 'dir3', 'organ_code_invalid'],
      [{ timeZone: 'Europe/Atlantis' }, 'timeZone', 'time_zone_invalid'],
      [{ languages: [] }, 'languages', 'languages_required'],
      [{ languages: ['ca', 'ca'] }, 'languages', 'languages_duplicate'],
      [{ languages: ['ca', 'fr'] }, 'languages.1', 'invalid_value'],
      [{ primaryColor: 'blue' }, 'primaryColor', 'colour_invalid'],
      [{ noShowMinutes: 0 }, 'noShowMinutes', 'minutes_invalid'],
      [{ uploadDeadlineHours: 1.5 }, 'uploadDeadlineHours', 'hours_invalid'],
      [{ name: '' }, 'name', 'name_required'],
    ];
    for (const [patch, path, code] of cases) {
      const res = await save({ ...base, ...patch });
      expect(res.statusCode, JSON.stringify(patch)).toBe(400);
      expect(res.json().error.details.issues, JSON.stringify(patch)).toContainEqual({ path, code });
    }
    const tooLong = await save({ ...base, texts: { ...base.texts, consent: { ca: 'x'.repeat(301) } } });
    expect(tooLong.json().error.details.issues).toContainEqual({ path: 'texts.consent.ca', code: 'text_too_long' });
    expect((await save({ ...base, retention: { ...base.retention, evidenceDays: -1 } })).statusCode).toBe(400);
    expect((await save({ ...base, extra: 1 })).statusCode).toBe(400);
  });

  it('takes a PNG logo, serves it publicly, and refuses SVG, a lying type and a large file', async () => {
    const put = (body: Buffer, type: string) => t.app.http.inject({ method: 'PUT', url: '/api/admin/organisation/logo', headers: { ...headers(), 'content-type': type }, payload: body });
    const svg = await put(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'), 'image/svg+xml');
    expect(svg.statusCode).toBe(415);
    expect(svg.json().error.id).toBe('logo_type_unsupported');
    expect((await put(Buffer.from('GIF89a....'), 'image/png')).json().error.id).toBe('logo_type_unsupported');
    expect((await put(tinyPng(), 'image/jpeg')).json().error.id).toBe('logo_type_unsupported');
    const big = await put(Buffer.concat([tinyPng(), Buffer.alloc(200 * 1024)]), 'image/png');
    expect(big.statusCode).toBe(413);
    expect(big.json().error.id).toBe('logo_too_large');
    expect((await read()).logo).toBeNull();

    const ok = await put(tinyPng(), 'image/png');
    expect(ok.statusCode).toBe(200);
    const url = (ok.json<{ data: OrganisationSettingsView }>().data.logo?.url) ?? '';
    expect(url).toMatch(/^\/api\/public\/organisation\/logo\?v=/);
    expect((await publicOrg()).branding.logoUrl).toBe(url);
    const served = await t.app.http.inject({ method: 'GET', url, headers: host });
    expect(served.statusCode).toBe(200);
    expect(served.headers['content-type']).toBe('image/png');
    expect(served.rawPayload.equals(tinyPng())).toBe(true);
    expect((await t.app.http.inject({ method: 'GET', url: '/api/public/organisation/logo', headers: { host: 'beta.test' } })).statusCode).toBe(404);

    expect((await t.app.http.inject({ method: 'DELETE', url: '/api/admin/organisation/logo', headers: headers() })).statusCode).toBe(200);
    expect((await publicOrg()).branding.logoUrl).toBeUndefined();
    expect((await t.app.http.inject({ method: 'GET', url: '/api/public/organisation/logo', headers: host })).statusCode).toBe(404);
  });
});
