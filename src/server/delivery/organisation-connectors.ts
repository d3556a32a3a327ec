import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { CASE_MANAGEMENT_KINDS, type CaseManagementKind } from '../../shared/case-management.ts';
import type { AppContext } from '../context.ts';
import type { Connector, DeliveryOutcome } from '../adapters/connectors/connector.ts';
import { DropFolderConnector } from '../adapters/connectors/drop-folder-connector.ts';
import { EniConnector } from '../adapters/connectors/eni-connector.ts';
import { RestConnector } from '../adapters/connectors/rest-connector.ts';
import { caseManagementRepo } from '../case-management-admin/case-management-admin.repo.ts';
import { secretContext } from '../case-management-admin/case-management-admin.service.ts';
import type { OrganisationConnector } from '../case-management-admin/case-management-admin.tables.ts';
import { openSecret } from '../security/master-key.ts';

/** Signs an ENI remission's index with the organisation's seal, as packages are (the signing libraries load with the first signature). */
export function eniIndexSigner(ctx: AppContext): (organisationId: string, sha256: Buffer, at: Date) => Promise<Buffer> {
  return async (organisationId: string, sha256: Buffer, at: Date) => {
    const { signCadesDetached } = await import('../evidence/cades.ts');
    return signCadesDetached(sha256, await ctx.seals.cadesOptions(at, organisationId));
  };
}

/** A connector that fails every attempt with a short reason (a setting that cannot be used). */
function failing(kind: string, error: string): Connector {
  return { kind, attempt: (): Promise<DeliveryOutcome> => Promise.resolve({ status: 'failed', error }) };
}

/**
 * Builds the connector of an organisation's own setting (see migration
 * 0025): its URL, secret (opened from the master key here, held only by
 * the connector, never logged) and timeout, with the installation's mutual
 * TLS files; or its sub-folder of the installation's drop-folder root.
 */
function buildConnector(ctx: AppContext, row: OrganisationConnector): Connector {
  const { delivery } = ctx.config;
  if (row.kind === 'drop_folder') {
    if (delivery.dropDir === null || row.folder === null) return failing(row.kind, 'drop folder root not configured');
    return new DropFolderConnector(path.join(delivery.dropDir, row.folder));
  }
  if (row.url === null || row.secret_sealed === null || row.timeout_seconds === null) return failing(row.kind, 'connector setting incomplete');
  let secret: string;
  try {
    secret = openSecret(ctx.masterKey, row.secret_sealed, secretContext(row.organisation_id, row.kind));
  } catch {
    // Sealed under another master key, or moved: the administrator has to enter the secret again.
    return failing(row.kind, 'connector secret unreadable');
  }
  const target = { url: row.url, secret, timeoutMs: row.timeout_seconds * 1000, ...delivery.tls[row.kind] };
  if (row.kind === 'rest') return new RestConnector(target, () => ctx.clock.now());
  return new EniConnector(target, eniIndexSigner(ctx), () => ctx.clock.now());
}

/** What identifies one version of a setting: its `updated_at` and, against two saves within one clock tick, its fields. */
function versionOf(row: OrganisationConnector): string {
  return JSON.stringify([row.updated_at, row.url, row.secret_sealed, row.timeout_seconds, row.folder]);
}

/**
 * Which connector delivers an organisation's evidence of one kind: the
 * organisation's own setting when its administrator made one, else the
 * installation's (`defaults`). The setting is read before every attempt
 * (one primary-key lookup) and its connector built once and cached by the
 * setting's version, so a change made in the console takes effect on the
 * next attempt in every process, without a restart; a removed setting
 * falls back to the installation's at once.
 */
export class OrganisationConnectors {
  private readonly cache = new Map<string, { version: string; connector: Connector }>();

  constructor(
    private readonly ctx: AppContext,
    private readonly defaults: Record<string, Connector>,
  ) {}

  /** The connector for a delivery of `organisationId` through `kind`; undefined when neither the organisation nor the installation has one. */
  async connectorFor(organisationId: string, kind: string): Promise<Connector | undefined> {
    const known: CaseManagementKind | undefined = CASE_MANAGEMENT_KINDS.find((k) => k === kind);
    if (!known) return this.defaults[kind];
    const key = `${organisationId}:${known}`;
    const row = await caseManagementRepo.setting(this.ctx.db, organisationId, known);
    if (!row) {
      this.cache.delete(key);
      return this.defaults[kind];
    }
    const version = versionOf(row);
    const cached = this.cache.get(key);
    if (cached?.version === version) return cached.connector;
    if (row.kind === 'drop_folder' && row.folder !== null && this.ctx.config.delivery.dropDir !== null) {
      // Saved in another process (or the folder was removed since): make sure it is there to write into.
      await mkdir(path.join(this.ctx.config.delivery.dropDir, row.folder), { recursive: true, mode: 0o750 }).catch(() => undefined);
    }
    const connector = buildConnector(this.ctx, row);
    this.cache.set(key, { version, connector });
    return connector;
  }
}
