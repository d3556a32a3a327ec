import type { Selectable } from 'kysely';
import type { CaseManagementKind } from '../../shared/case-management.ts';

/** An organisation's own receiver for one connector kind (see migration 0025). */
export interface OrganisationConnectorsTable {
  organisation_id: string;
  kind: CaseManagementKind;
  /** REST/ENI: the receiver's URL. */
  url: string | null;
  /** REST/ENI: the HMAC secret sealed under the master key (`sealSecret`, context `connector:<organisation>:<kind>`). */
  secret_sealed: string | null;
  /** REST/ENI: how long the receiver may take to answer, seconds. */
  timeout_seconds: number | null;
  /** Drop folder: the name of a sub-folder of `DELIVERY_DROP_DIR`. */
  folder: string | null;
  /** When it was last saved: with the other fields, keys the workers' connector caches. */
  updated_at: string;
  /** The administrator's staff id. */
  updated_by: string;
}

declare module '../db/schema.ts' {
  interface Database {
    organisation_connectors: OrganisationConnectorsTable;
  }
}

/** A stored setting. */
export type OrganisationConnector = Selectable<OrganisationConnectorsTable>;
