import type { Migration, MigrationProvider } from 'kysely';
import { m0001Initial } from './migrations/0001-initial.ts';
import { m0002Integration } from './migrations/0002-integration.ts';
import { m0003Jobs } from './migrations/0003-jobs.ts';
import { m0004StaffAuth } from './migrations/0004-staff-auth.ts';
import { m0005Oidc } from './migrations/0005-oidc.ts';
import { m0006BusyIndex } from './migrations/0006-busy-index.ts';
import { m0007Documents } from './migrations/0007-documents.ts';
import { m0008WaitingRoom } from './migrations/0008-waiting-room.ts';
import { m0009UploaderLinks } from './migrations/0009-uploader-links.ts';
import { m0010InterpreterInvitations } from './migrations/0010-interpreter-invitations.ts';
import { m0013EvidencePackages } from './migrations/0013-evidence-packages.ts';
import { m0015Snapshots } from './migrations/0015-snapshots.ts';
import { m0016SurveysIndicators } from './migrations/0016-surveys-indicators.ts';
import { m0017IndicatorRollups } from './migrations/0017-indicator-rollups.ts';
import { m0018AuditLog } from './migrations/0018-audit-log.ts';
import { m0020StaffInvitationsOrganisationSettings } from './migrations/0020-staff-invitations-organisation-settings.ts';
import { m0019OfficeSchedules } from './migrations/0019-office-schedules.ts';
import { m0021OrganisationSeals } from './migrations/0021-organisation-seals.ts';
import { m0022ProcedureAdmin } from './migrations/0022-procedure-admin.ts';
import { m0023Deliveries } from './migrations/0023-deliveries.ts';
import { m0024Retention } from './migrations/0024-retention.ts';
import { m0025OrganisationConnectors } from './migrations/0025-organisation-connectors.ts';
import { m0011Registry } from './migrations/0011-registry.ts';
import { m0012Recordings } from './migrations/0012-recordings.ts';
import { m0014Protocol } from './migrations/0014-protocol.ts';

/**
 * Migrations live in code (one file each under `migrations/`) so that the
 * same list runs on SQLite and PostgreSQL and ships inside the package.
 * Column types are the portable subset (text, integer); see `schema.ts`.
 */
/** All migrations, in order. Names sort lexically; never rename or edit a shipped one. */
export const migrations: Record<string, Migration> = {
  '0001_initial': m0001Initial,
  '0002_integration': m0002Integration,
  '0003_jobs': m0003Jobs,
  '0004_staff_auth': m0004StaffAuth,
  '0005_oidc': m0005Oidc,
  '0006_busy_index': m0006BusyIndex,
  '0007_documents': m0007Documents,
  '0008_waiting_room': m0008WaitingRoom,
  '0009_uploader_links': m0009UploaderLinks,
  '0010_interpreter_invitations': m0010InterpreterInvitations,
  '0011_registry': m0011Registry,
  '0012_recordings': m0012Recordings,
  '0013_evidence_packages': m0013EvidencePackages,
  '0014_protocol': m0014Protocol,
  '0015_snapshots': m0015Snapshots,
  '0016_surveys_indicators': m0016SurveysIndicators,
  '0017_indicator_rollups': m0017IndicatorRollups,
  '0018_audit_log': m0018AuditLog,
  '0020_staff_invitations_organisation_settings': m0020StaffInvitationsOrganisationSettings,
  '0019_office_schedules': m0019OfficeSchedules,
  '0021_organisation_seals': m0021OrganisationSeals,
  '0022_procedure_admin': m0022ProcedureAdmin,
  '0023_deliveries': m0023Deliveries,
  '0024_retention': m0024Retention,
  '0025_organisation_connectors': m0025OrganisationConnectors,
};

/** A Kysely migration provider over the in-code list. */
export const migrationProvider: MigrationProvider = {
  getMigrations: () => Promise.resolve(migrations),
};
