/**
 * Each organisation's own case-management receivers (issue 7): one
 * installation serves several town halls, each with its own system, so an
 * administrator may point each connector kind at their own receiver instead
 * of the installation's. Request schemas and the view answered, shared by
 * the server's validation and the console page. Error codes in messages are
 * field-level ids the web translates.
 */
import { z } from 'zod';

/** The connector kinds a procedure may name (`procedures.delivery_connector`, besides `none`). */
export const CASE_MANAGEMENT_KINDS = ['rest', 'eni', 'drop_folder'] as const;
/** One connector kind. */
export type CaseManagementKind = (typeof CASE_MANAGEMENT_KINDS)[number];

/** Limits of an organisation's settings. */
export const CASE_MANAGEMENT_LIMITS = {
  secretMin: 16,
  secretMax: 512,
  timeoutMin: 1,
  timeoutMax: 600,
  urlMax: 2048,
} as const;

/** Timeout used when the administrator leaves it out (as the installation's defaults). */
export const DEFAULT_TIMEOUT_SECONDS: Record<'rest' | 'eni', number> = { rest: 30, eni: 120 };

/**
 * A drop folder's name: one sub-folder of the installation's
 * `DELIVERY_DROP_DIR`, never a path (no `/`, no `..`: it starts with a
 * letter or digit and holds no separator).
 */
export const DROP_FOLDER_NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;

/**
 * A receiver's URL: absolute http(s), without user:password (they would sit
 * in proxies' logs; put a token in the path or query instead), as webhook
 * receivers.
 */
const receiverUrl = z
  .string({ error: 'required' })
  .trim()
  .min(1, 'required')
  .max(CASE_MANAGEMENT_LIMITS.urlMax, 'too_long')
  .pipe(z.url({ protocol: /^https?$/, hostname: /^[^\s]+$/, error: 'invalid_url' }))
  // zod runs this even when the URL check failed: only judge parsable URLs.
  .refine((v) => !URL.canParse(v) || (new URL(v).username === '' && new URL(v).password === ''), 'url_has_credentials');

/**
 * `PUT /api/admin/case-management/rest|eni`: the receiver's URL, the HMAC
 * secret (required when there is no setting yet; left out or empty to keep
 * the current one) and how long the receiver may take to answer.
 */
export const remoteConnectorRequest = z.object({
  url: receiverUrl,
  secret: z
    .string({ error: 'invalid' })
    .max(CASE_MANAGEMENT_LIMITS.secretMax, 'too_long')
    .refine((v) => v === '' || v.length >= CASE_MANAGEMENT_LIMITS.secretMin, 'too_short')
    .optional(),
  timeoutSeconds: z
    .number({ error: 'invalid' })
    .int('invalid')
    .min(CASE_MANAGEMENT_LIMITS.timeoutMin, 'out_of_range')
    .max(CASE_MANAGEMENT_LIMITS.timeoutMax, 'out_of_range')
    .optional(),
});
/** A REST or ENI receiver as sent by the console. */
export type RemoteConnectorRequest = z.infer<typeof remoteConnectorRequest>;

/** `PUT /api/admin/case-management/drop_folder`: the name of the organisation's sub-folder. */
export const dropFolderRequest = z.object({
  folder: z
    .string({ error: 'required' })
    .trim()
    .min(1, 'required')
    // One refusal per field: an empty name is "required", not also "invalid".
    .refine((v) => v === '' || DROP_FOLDER_NAME.test(v), 'invalid_folder'),
});
/** A drop folder as sent by the console. */
export type DropFolderRequest = z.infer<typeof dropFolderRequest>;

/** The organisation's own setting of one kind. Never the secret: only whether one is set. */
export const ownConnectorView = z.object({
  url: z.string().nullable(),
  hasSecret: z.boolean(),
  timeoutSeconds: z.number().int().nullable(),
  folder: z.string().nullable(),
  updatedAt: z.string(),
  /** The administrator who saved it (display name); null when that account is gone. */
  updatedBy: z.string().nullable(),
});
/** An organisation's own setting. */
export type OwnConnectorView = z.infer<typeof ownConnectorView>;

/** One kind as the console shows it. */
export const caseManagementKindView = z.object({
  kind: z.enum(CASE_MANAGEMENT_KINDS),
  /** The installation's default: whether there is one and, for REST/ENI, only the receiver's origin (scheme, host, port). */
  installation: z.object({ configured: z.boolean(), origin: z.string().nullable() }),
  /** The organisation's own setting, used instead of the installation's; null: the installation's applies. */
  own: ownConnectorView.nullable(),
  /** How many of the organisation's procedures (not archived) send their evidence through this kind. */
  procedures: z.number().int(),
});
/** One kind. */
export type CaseManagementKindView = z.infer<typeof caseManagementKindView>;

/** `GET /api/admin/case-management`. */
export const caseManagementView = z.object({
  kinds: z.array(caseManagementKindView),
  /** Whether the installation has a drop-folder root (`DELIVERY_DROP_DIR`) the organisation's folder can live under. */
  dropFolderRoot: z.boolean(),
});
/** The page's data. */
export type CaseManagementView = z.infer<typeof caseManagementView>;

/** `POST /api/admin/case-management/:kind/test`: whether the receiver in use answered (no delivery is created). */
export const caseManagementProbeView = z.object({
  ok: z.boolean(),
  /** Whose receiver was tried: the organisation's own, or the installation's default. */
  source: z.enum(['own', 'installation']),
  /** The receiver's HTTP status (REST/ENI); null for a drop folder or when it did not answer. */
  status: z.number().int().nullable(),
  /** Short reason of a failure (an HTTP status, an error class): never a body, a URL or a secret. */
  error: z.string().nullable(),
});
/** A test's outcome. */
export type CaseManagementProbeView = z.infer<typeof caseManagementProbeView>;
