/**
 * The rules of the Organisation section: validate the settings the schema
 * cannot (a real IANA zone, a brand colour readable at WCAG AA, a logo that
 * is what it says it is), store them, and make the next request see them
 * (the tenant lookup cache is forgotten by the route after each change).
 */
import { createHash } from 'node:crypto';
import { IANAZone } from 'luxon';
import type { AppContext } from '../context.ts';
import type { Organisation } from '../db/schema.ts';
import { AppError, errors } from '../http/errors.ts';
import type { Snapshot } from '../admin/admin-kit.ts';
import { renderAppointmentMail } from '../mail/appointment.mail.ts';
import { organisationLanguages } from '../organisations/organisation.present.ts';
import { AA_TEXT_RATIO, contrastRatio, formatRatio } from '../../shared/contrast.ts';
import {
  ADMIN_PEOPLE_LIMITS,
  type EmailPreviewView,
  type OrganisationSettingsRequest,
  type OrganisationSettingsView,
} from '../../shared/admin-people.ts';
import { CONSENT_TEXT } from '../../shared/protocol.ts';
import { isLanguage, type Language } from '../../shared/limits.ts';
import { parseRetention, parseTexts, settingsRow } from './organisation-settings.ts';

/** The two text colours the header puts on the brand colour (src/web/components/brand.ts). */
export const HEADER_TEXT_COLOURS = ['#ffffff', '#0b0c0c'] as const;

/** The best contrast the header can give text on `colour`: white or the design's near-black. */
export function bestHeaderContrast(colour: string): number {
  return Math.max(...HEADER_TEXT_COLOURS.map((text) => contrastRatio(colour, text)));
}

/** The public address of the logo; the hash makes a new logo a new address (no stale browser cache). */
export function logoUrl(sha256: string): string {
  return `/api/public/organisation/logo?v=${sha256.slice(0, 12)}`;
}

function brandingOf(org: Organisation): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(org.branding);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function primaryColourOf(org: Organisation): string {
  const colour = brandingOf(org).primaryColor;
  return typeof colour === 'string' ? colour : '#0b0c0c';
}

/** The settings as the administrators' form shows them. */
export async function readSettings(ctx: AppContext, org: Organisation): Promise<OrganisationSettingsView> {
  const row = await settingsRow(ctx.db, org.id);
  const languages = organisationLanguages(org).filter(isLanguage);
  return {
    name: org.name,
    dir3: org.dir3,
    timeZone: org.time_zone,
    languages: languages.length > 0 ? languages : ['ca'],
    primaryColor: primaryColourOf(org),
    texts: parseTexts(row?.texts),
    noShowMinutes: org.no_show_minutes,
    uploadDeadlineHours: org.upload_deadline_hours,
    retention: parseRetention(row?.retention, ctx.config.documents.retentionDays),
    logo: row?.logo_type && row.logo_data && row.logo_sha256 ? { url: logoUrl(row.logo_sha256), type: row.logo_type, bytes: Buffer.from(row.logo_data, 'base64').length } : null,
    defaults: { consent: { ...CONSENT_TEXT } },
  };
}

/** The audit's view of the settings (the logo by its hash only). */
export function settingsSnapshot(view: OrganisationSettingsView): Snapshot {
  return {
    name: view.name,
    dir3: view.dir3,
    timeZone: view.timeZone,
    languages: view.languages,
    primaryColor: view.primaryColor,
    texts: view.texts,
    noShowMinutes: view.noShowMinutes,
    uploadDeadlineHours: view.uploadDeadlineHours,
    retention: view.retention,
    logo: view.logo ? view.logo.url : null,
  };
}

/** Checks what the schema cannot: the zone exists, and the colour is readable in the header. */
function checkSettings(input: OrganisationSettingsRequest): void {
  if (!IANAZone.isValidZone(input.timeZone)) throw errors.validation([{ path: 'timeZone', code: 'time_zone_invalid' }]);
  const ratio = bestHeaderContrast(input.primaryColor);
  // WCAG 2.1 SC 1.4.3: 4.5:1 for the header's text on the brand colour, with the text colour the header uses.
  if (ratio < AA_TEXT_RATIO) throw errors.unprocessable('colour_contrast_low', { field: 'primaryColor', colour: input.primaryColor, ratio: formatRatio(ratio), required: AA_TEXT_RATIO.toFixed(1) });
}

async function upsertSettings(ctx: AppContext, organisationId: string, values: { texts?: string; retention?: string; logo_type?: string | null; logo_data?: string | null; logo_sha256?: string | null }): Promise<void> {
  const now = ctx.clock.now().toISOString();
  await ctx.db
    .insertInto('organisation_settings')
    .values({
      organisation_id: organisationId,
      texts: values.texts ?? '{}',
      retention: values.retention ?? '{}',
      logo_type: values.logo_type ?? null,
      logo_data: values.logo_data ?? null,
      logo_sha256: values.logo_sha256 ?? null,
      updated_at: now,
    })
    .onConflict((oc) => oc.column('organisation_id').doUpdateSet({ ...values, updated_at: now }))
    .execute();
}

/** Saves the settings; answers them as stored, before and after. */
export async function saveSettings(ctx: AppContext, org: Organisation, input: OrganisationSettingsRequest): Promise<{ before: OrganisationSettingsView; after: OrganisationSettingsView }> {
  checkSettings(input);
  const before = await readSettings(ctx, org);
  const branding = { ...brandingOf(org), primaryColor: input.primaryColor.toLowerCase() };
  await ctx.db.transaction().execute(async (trx) => {
    await trx
      .updateTable('organisations')
      .set({
        name: input.name,
        dir3: input.dir3,
        time_zone: input.timeZone,
        languages: JSON.stringify(input.languages),
        branding: JSON.stringify(branding),
        no_show_minutes: input.noShowMinutes,
        upload_deadline_hours: input.uploadDeadlineHours,
      })
      .where('id', '=', org.id)
      .execute();
    await upsertSettings({ ...ctx, db: trx }, org.id, { texts: JSON.stringify(input.texts), retention: JSON.stringify(input.retention) });
  });
  const fresh = await ctx.db.selectFrom('organisations').selectAll().where('id', '=', org.id).executeTakeFirstOrThrow();
  return { before, after: await readSettings(ctx, fresh) };
}

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const JPEG = Buffer.from([0xff, 0xd8, 0xff]);

/** The image type by its first bytes (not by what the client claims), or null for anything else (SVG included). */
export function sniffLogo(bytes: Buffer): 'image/png' | 'image/jpeg' | null {
  if (bytes.length >= PNG.length && bytes.subarray(0, PNG.length).equals(PNG)) return 'image/png';
  if (bytes.length >= JPEG.length && bytes.subarray(0, JPEG.length).equals(JPEG)) return 'image/jpeg';
  return null;
}

/** Stores a new logo after checking its size and its bytes; the declared type must match them. */
export async function saveLogo(ctx: AppContext, org: Organisation, body: unknown, declaredType: string | undefined): Promise<{ before: OrganisationSettingsView; after: OrganisationSettingsView }> {
  if (!Buffer.isBuffer(body) || body.length === 0) throw new AppError(415, 'logo_type_unsupported');
  if (body.length > ADMIN_PEOPLE_LIMITS.logoMaxBytes) throw new AppError(413, 'logo_too_large', { maxKiB: ADMIN_PEOPLE_LIMITS.logoMaxBytes / 1024 });
  const type = sniffLogo(body);
  if (!type || declaredType?.split(';')[0]?.trim().toLowerCase() !== type) throw new AppError(415, 'logo_type_unsupported');
  const before = await readSettings(ctx, org);
  const sha256 = createHash('sha256').update(body).digest('hex');
  await ctx.db.transaction().execute(async (trx) => {
    await upsertSettings({ ...ctx, db: trx }, org.id, { logo_type: type, logo_data: body.toString('base64'), logo_sha256: sha256 });
    await trx.updateTable('organisations').set({ branding: JSON.stringify({ ...brandingOf(org), logoUrl: logoUrl(sha256) }) }).where('id', '=', org.id).execute();
  });
  const fresh = await ctx.db.selectFrom('organisations').selectAll().where('id', '=', org.id).executeTakeFirstOrThrow();
  return { before, after: await readSettings(ctx, fresh) };
}

/** Removes the logo. */
export async function removeLogo(ctx: AppContext, org: Organisation): Promise<{ before: OrganisationSettingsView; after: OrganisationSettingsView }> {
  const before = await readSettings(ctx, org);
  const { logoUrl: _dropped, ...branding } = brandingOf(org);
  await ctx.db.transaction().execute(async (trx) => {
    await upsertSettings({ ...ctx, db: trx }, org.id, { logo_type: null, logo_data: null, logo_sha256: null });
    await trx.updateTable('organisations').set({ branding: JSON.stringify(branding) }).where('id', '=', org.id).execute();
  });
  const fresh = await ctx.db.selectFrom('organisations').selectAll().where('id', '=', org.id).executeTakeFirstOrThrow();
  return { before, after: await readSettings(ctx, fresh) };
}

/** The logo's bytes for the public route, or null. */
export async function logoOf(ctx: AppContext, org: Organisation): Promise<{ type: string; bytes: Buffer; sha256: string } | null> {
  const row = await settingsRow(ctx.db, org.id);
  if (!row?.logo_type || !row.logo_data || !row.logo_sha256) return null;
  return { type: row.logo_type, bytes: Buffer.from(row.logo_data, 'base64'), sha256: row.logo_sha256 };
}

/** The booking confirmation a citizen would receive, in `language`, with a draft note: sample appointment, the organisation's real name and zone. */
export function previewEmail(ctx: AppContext, org: Organisation, language: Language, note: string): EmailPreviewView {
  const now = ctx.clock.now();
  const startsAt = new Date(Math.ceil((now.getTime() + 7 * 86_400_000) / 3_600_000) * 3_600_000);
  const mail = renderAppointmentMail(
    {
      kind: 'booking_confirmation',
      language,
      organisation: { name: org.name, slug: org.slug, dir3: org.dir3, timeZone: org.time_zone },
      appointment: {
        id: '00000000-0000-4000-8000-000000000000',
        reference: 'ABC-1234',
        startsAt,
        endsAt: new Date(startsAt.getTime() + 20 * 60_000),
        uploadDeadline: new Date(startsAt.getTime() - org.upload_deadline_hours * 3_600_000),
        changeDeadline: new Date(startsAt.getTime() - org.change_notice_hours * 3_600_000),
        icsSequence: 0,
      },
      procedure: { name: '—', requiredDocuments: [] },
      citizen: { name: 'Maria', surnames: 'Exemple', email: 'maria@example.org' },
      baseUrl: ctx.config.publicUrl,
      credentials: { token: '…', password: '…' },
      ...(note ? { organisationNote: note } : {}),
    },
    ctx.config.mailFrom,
    now,
  );
  return { subject: mail.subject, text: mail.text };
}
