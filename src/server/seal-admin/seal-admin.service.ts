import { randomUUID } from 'node:crypto';
import type { AppContext } from '../context.ts';
import type { Organisation } from '../db/schema.ts';
import type { Snapshot } from '../admin/admin-kit.ts';
import { AppError } from '../http/errors.ts';
import { sealSecret } from '../security/master-key.ts';
import { sealContexts } from './installed-seals.ts';
import { sealAdminRepo, type PublicSeal } from './seal-admin.repo.ts';
import type { CertificateView, InstalledSealView, SealOverviewView, UploadSealRequest } from './seal-admin.schema.ts';
import { KEY_USAGES, type KeyUsage } from './seal-admin.limits.ts';
import { sealExpiryNotice } from './seal-expiry.ts';

/**
 * Installs an uploaded PKCS#12 as the organisation's organ seal, after
 * `inspectPkcs12` accepted it. The file is kept as uploaded and its password
 * beside it, each sealed under the master key (AES-256-GCM, bound to the
 * row): keeping the original container, rather than re-wrapping the key,
 * keeps its chain and lets an operator export exactly what was installed.
 * The seal it replaces stays, marked replaced: evidence signed with it must
 * remain explainable. The next signature on any node uses the new seal (the
 * seal provider looks the current id up before each one).
 */
export async function installSeal(
  ctx: AppContext,
  org: Organisation,
  staffId: string,
  input: UploadSealRequest,
): Promise<{ installed: PublicSeal; previous: PublicSeal | null }> {
  const p12 = Buffer.from(input.file, 'base64');
  if (p12.length === 0) throw new AppError(422, 'seal_file_invalid');
  const now = ctx.clock.now();
  // The certificate readers (and their ASN.1 libraries) load on first use, see seal-admin.limits.ts.
  const { inspectPkcs12 } = await import('./seal-inspect.ts');
  const { details, seal } = inspectPkcs12(p12, input.password, now);
  const id = randomUUID();
  const contexts = sealContexts(id);
  const row = {
    id,
    organisation_id: org.id,
    p12: sealSecret(ctx.masterKey, p12.toString('base64'), contexts.p12),
    password: sealSecret(ctx.masterKey, input.password, contexts.password),
    certificate: seal.certificate.toString('base64'),
    subject: details.subject,
    issuer: details.issuer,
    serial: details.serial,
    not_before: details.notBefore,
    not_after: details.notAfter,
    key_usage: JSON.stringify(details.keyUsage ?? []),
    ext_key_usage: JSON.stringify(details.extKeyUsage ?? []),
    key_type: details.keyType,
    fingerprint: details.fingerprint,
    installed_by: `staff:${staffId}`,
    installed_at: now.toISOString(),
    replaced_at: null,
    expiry_warned_at: null,
  };
  let previous: PublicSeal | null;
  try {
    previous = await ctx.db.transaction().execute((trx) => sealAdminRepo.install(trx, row));
  } catch (error) {
    // Two administrators installing at the same instant: the unique index keeps one seal in use.
    if (isUniqueViolation(error)) throw new AppError(409, 'seal_install_conflict');
    throw error;
  }
  const { p12: _p12, password: _password, ...installed } = row;
  return { installed, previous };
}

/** What the audit trail records of a seal: public facts only, never the file or its password. */
export function sealSnapshot(seal: PublicSeal | null): Snapshot {
  if (!seal) return null;
  return { id: seal.id, subject: seal.subject, issuer: seal.issuer, serial: seal.serial, notAfter: seal.not_after, fingerprint: seal.fingerprint };
}

/** The seal page: the seal in use (installed, configured file or development TEST SEAL), its expiry warning and the installed seals. */
export async function sealOverview(ctx: AppContext, org: Organisation): Promise<SealOverviewView> {
  const rows = await sealAdminRepo.history(ctx.db, org.id);
  const names = await staffNames(ctx, rows.map((r) => r.installed_by));
  let inUse: SealOverviewView['inUse'] = null;
  try {
    const { certificateDetails } = await import('./seal-certificate.ts');
    const current = await ctx.seals.inUse(org.id);
    inUse = { source: current.source, installedId: current.installedId, isTest: current.seal.isTest, certificate: certificateDetails(current.seal.certificate) };
  } catch (error) {
    ctx.log.error({ err: error, organisationId: org.id }, 'the seal in use cannot be opened');
  }
  return {
    inUse,
    unavailable: inUse === null,
    expiry: await sealExpiryNotice(ctx, org.id),
    history: rows.map((r) => presentInstalled(r, names.get(r.installed_by) ?? null)),
  };
}

function presentInstalled(r: PublicSeal, installedBy: string | null): InstalledSealView {
  return {
    id: r.id,
    ...presentCertificate(r),
    installedAt: r.installed_at,
    installedBy,
    replacedAt: r.replaced_at,
  };
}

function presentCertificate(r: PublicSeal): CertificateView {
  const keyUsage = parseList(r.key_usage).filter((u): u is KeyUsage => (KEY_USAGES as readonly string[]).includes(u));
  const extKeyUsage = parseList(r.ext_key_usage);
  return {
    subject: r.subject,
    issuer: r.issuer,
    serial: r.serial,
    notBefore: r.not_before,
    notAfter: r.not_after,
    keyUsage: keyUsage.length > 0 ? keyUsage : null,
    extKeyUsage: extKeyUsage.length > 0 ? extKeyUsage : null,
    keyType: r.key_type,
    fingerprint: r.fingerprint,
  };
}

function parseList(json: string): string[] {
  try {
    const value: unknown = JSON.parse(json);
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  } catch {
    return [];
  }
}

/** Display names of `staff:<id>` actors. */
async function staffNames(ctx: AppContext, actors: string[]): Promise<Map<string, string>> {
  const ids = [...new Set(actors.filter((a) => a.startsWith('staff:')).map((a) => a.slice('staff:'.length)))];
  if (ids.length === 0) return new Map();
  const rows = await ctx.db.selectFrom('staff').select(['id', 'display_name']).where('id', 'in', ids).execute();
  return new Map(rows.map((r) => [`staff:${r.id}`, r.display_name]));
}

/** PostgreSQL 23505 or SQLite's unique constraint failure. */
function isUniqueViolation(error: unknown): boolean {
  const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}
