import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { z } from 'zod';
import {
  CASE_MANAGEMENT_KINDS,
  DEFAULT_TIMEOUT_SECONDS,
  dropFolderRequest,
  remoteConnectorRequest,
  type CaseManagementKind,
  type CaseManagementView,
} from '../../shared/case-management.ts';
import type { AppContext } from '../context.ts';
import type { Snapshot } from '../admin/admin-kit.ts';
import { isUniqueViolation } from '../db/database.ts';
import type { Organisation } from '../db/schema.ts';
import { errors } from '../http/errors.ts';
import { sealSecret } from '../security/master-key.ts';
import { caseManagementRepo } from './case-management-admin.repo.ts';
import type { OrganisationConnector } from './case-management-admin.tables.ts';

/**
 * The master-key context a receiver's secret is sealed with: it binds the
 * sealed value to its organisation and kind (AES-GCM additional data), so it
 * cannot be copied to another organisation's row and opened there.
 */
export function secretContext(organisationId: string, kind: CaseManagementKind): string {
  return `connector:${organisationId}:${kind}`;
}

/** The kind a URL segment names; 404 for anything else. */
export function kindOf(value: string): CaseManagementKind {
  const kind = CASE_MANAGEMENT_KINDS.find((k) => k === value);
  if (!kind) throw errors.notFound();
  return kind;
}

/** The installation's default of one kind: whether there is one, and for REST/ENI only the receiver's origin (never its path, which may hold a token, nor its secret). */
function installationDefault(ctx: AppContext, kind: CaseManagementKind): { configured: boolean; origin: string | null } {
  const { rest, eni, dropDir } = ctx.config.delivery;
  if (kind === 'drop_folder') return { configured: dropDir !== null, origin: null };
  const remote = kind === 'rest' ? rest : eni;
  return remote ? { configured: true, origin: new URL(remote.url).origin } : { configured: false, origin: null };
}

/** What the page shows for the organisation: per kind, the installation's default, its own setting and how many procedures use it. */
export async function caseManagementOverview(ctx: AppContext, org: Organisation): Promise<CaseManagementView> {
  const [settings, counts] = await Promise.all([caseManagementRepo.settings(ctx.db, org.id), caseManagementRepo.procedureCounts(ctx.db, org.id)]);
  return {
    dropFolderRoot: ctx.config.delivery.dropDir !== null,
    kinds: CASE_MANAGEMENT_KINDS.map((kind) => {
      const own = settings.find((s) => s.kind === kind);
      return {
        kind,
        installation: installationDefault(ctx, kind),
        own: own
          ? {
              url: own.url,
              hasSecret: own.secret_sealed !== null,
              timeoutSeconds: own.timeout_seconds,
              folder: own.folder,
              updatedAt: own.updated_at,
              updatedBy: own.updated_by_name ?? null,
            }
          : null,
        procedures: counts.get(kind) ?? 0,
      };
    }),
  };
}

/** What the audit trail keeps of a setting: never the secret, only whether there is one. */
export function settingSnapshot(row: OrganisationConnector | undefined): Snapshot {
  if (!row) return null;
  return { kind: row.kind, url: row.url, hasSecret: row.secret_sealed !== null, timeoutSeconds: row.timeout_seconds, folder: row.folder };
}

/** A body checked against a kind's schema: 400 `validation_failed` with the field paths and codes otherwise. */
function parse<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const parsed = schema.safeParse(body ?? {});
  if (!parsed.success) throw errors.validation(parsed.error.issues.map((i) => ({ path: i.path.join('.'), code: i.message })));
  return parsed.data;
}

/**
 * Saves the organisation's own receiver of one kind (validated for that
 * kind) and answers the setting before and after, for the audit trail.
 * REST/ENI: a new secret is sealed under the master key; none given keeps
 * the current one, and there must be one to keep. Drop folder: only a name
 * under the installation's root, which must exist (409 otherwise); the
 * sub-folder is created if missing, and no two organisations share one.
 */
export async function saveSetting(
  ctx: AppContext,
  org: Organisation,
  kind: CaseManagementKind,
  body: unknown,
  staffId: string,
): Promise<{ before: OrganisationConnector | undefined; after: OrganisationConnector; secretChanged: boolean }> {
  const before = await caseManagementRepo.setting(ctx.db, org.id, kind);
  const updated_at = ctx.clock.now().toISOString();
  let row: OrganisationConnector;
  let secretChanged = false;
  if (kind === 'drop_folder') {
    const { folder } = parse(dropFolderRequest, body);
    const root = ctx.config.delivery.dropDir;
    if (root === null) throw errors.conflict('drop_folder_root_missing');
    if (await caseManagementRepo.folderTaken(ctx.db, org.id, folder)) throw errors.validation([{ path: 'folder', code: 'folder_taken' }]);
    // The name cannot climb out of the root (see DROP_FOLDER_NAME); created here so the receiver can start watching it.
    await mkdir(path.join(root, folder), { recursive: true, mode: 0o750 });
    row = { organisation_id: org.id, kind, url: null, secret_sealed: null, timeout_seconds: null, folder, updated_at, updated_by: staffId };
  } else {
    const req = parse(remoteConnectorRequest, body);
    const secret = req.secret === undefined || req.secret === '' ? null : req.secret;
    const kept = before?.secret_sealed ?? null;
    if (secret === null && kept === null) throw errors.validation([{ path: 'secret', code: 'required' }]);
    secretChanged = secret !== null;
    row = {
      organisation_id: org.id,
      kind,
      url: req.url,
      secret_sealed: secret === null ? kept : sealSecret(ctx.masterKey, secret, secretContext(org.id, kind)),
      timeout_seconds: req.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS[kind],
      folder: null,
      updated_at,
      updated_by: staffId,
    };
  }
  try {
    await caseManagementRepo.upsert(ctx.db, row);
  } catch (error) {
    // Another organisation took the folder between the check and the write.
    if (kind === 'drop_folder' && isUniqueViolation(error)) throw errors.validation([{ path: 'folder', code: 'folder_taken' }]);
    throw error;
  }
  return { before, after: row, secretChanged };
}

/** Removes the organisation's own receiver of one kind (its deliveries go to the installation's again); 404 when there is none. */
export async function removeSetting(ctx: AppContext, org: Organisation, kind: CaseManagementKind): Promise<OrganisationConnector> {
  const before = await caseManagementRepo.setting(ctx.db, org.id, kind);
  if (!before || !(await caseManagementRepo.remove(ctx.db, org.id, kind))) throw errors.notFound();
  return before;
}
