import path from 'node:path';
import { z } from 'zod';

/**
 * The one place that reads `process.env`. Every variable is documented in
 * `.env.example`; `loadConfig` fails with the list of every bad variable
 * before the server listens.
 */
const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

/** A comma-separated list of URLs each matching `pattern` (ICE server URLs are not WHATWG URLs). */
function urlList(pattern: RegExp, message: string) {
  return z
    .string()
    .transform((v) => v.split(',').map((u) => u.trim()).filter((u) => u !== ''))
    .pipe(z.array(z.string().regex(pattern, message)))
    .optional();
}

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  PUBLIC_URL: z.url().optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^(postgres(ql)?:\/\/|sqlite:)/, 'must start with postgres://, postgresql:// or sqlite:')
    .optional(),
  SMTP_URL: z.string().regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://').optional(),
  MAIL_FROM: z.string().min(3).default('Finestreta <no-reply@finestreta.invalid>'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  TRUST_PROXY: bool.default(false),
  SEED_DEMO: bool.default(true),
  DEFAULT_ORGANISATION: z
    .string()
    .regex(/^[a-z0-9-]{2,40}$/)
    .optional(),
  CAPTCHA_HMAC_KEY: z.string().min(32).optional(),
  CAPTCHA_MAX_NUMBER: z.coerce.number().int().min(10).max(10_000_000).default(100_000),
  MAX_OPEN_APPOINTMENTS: z.coerce.number().int().min(1).max(100).default(3),
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(300),
  BOOKING_RATE_LIMIT_PER_HOUR: z.coerce.number().int().min(1).default(20),
  LOGIN_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(5),
  LOGIN_LOCK_MINUTES: z.coerce.number().int().min(1).max(1440).default(15),
  CITIZEN_SESSION_HOURS: z.coerce.number().int().min(1).max(72).default(4),
  STAFF_SESSION_HOURS: z.coerce.number().int().min(1).max(24).default(10),
  MASTER_KEY: z
    .string()
    .refine((v) => Buffer.from(v, 'base64').length === 32, 'must be 32 bytes in base64 (openssl rand -base64 32)')
    .optional(),
  JOBS_POLL_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
  STORAGE_DIR: z.string().min(1).optional(),
  AUDIT_ANCHOR_DIR: z.string().min(1).optional(),
  UPLOAD_MAX_BYTES: z.coerce.number().int().min(1024).max(2 ** 40).default(4 * 1024 ** 3),
  UPLOAD_EXPIRY_HOURS: z.coerce.number().int().min(1).max(24 * 30).default(24),
  DOCUMENT_RETENTION_DAYS: z.coerce.number().int().min(0).max(3650).default(30),
  CLAMD_URL: z
    .string()
    .regex(/^(tcp:\/\/[^:/]+:\d+|unix:\/\/\/.+)$/, 'must be tcp://host:port or unix:///path/to/socket')
    .optional(),
  // libclamav's ceiling is INT_MAX - 2 bytes.
  CLAMD_MAX_BYTES: z.coerce.number().int().min(1).max(2 ** 31 - 3).default(2 ** 31 - 3),
  REDIS_URL: z.string().regex(/^rediss?:\/\/\S+$/, 'must start with redis:// or rediss://').optional(),
  STUN_URLS: urlList(/^stuns?:\S+$/, 'a comma-separated list of stun: or stuns: URLs'),
  TURN_URLS: urlList(/^turns?:\S+$/, 'a comma-separated list of turn: or turns: URLs'),
  TURN_SECRET: z.string().min(16).optional(),
  // draft-uberti-behave-turn-rest-00 §2.2 recommends one day; credentials are checked again when an allocation is refreshed.
  TURN_TTL_SECONDS: z.coerce.number().int().min(60).max(7 * 86_400).default(86_400),
  SEAL_P12_PATH: z.string().min(1).optional(),
  SEAL_P12_PASSWORD: z.string().optional(),
  SEAL_POLICY: z.enum(['none', 'age-1.9']).default('none'),
  EVIDENCE_INCLUDE_DOCUMENTS: bool.default(true),
  TSA_URL: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).optional(),
  DELIVERY_REST_URL: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).optional(),
  DELIVERY_REST_SECRET: z.string().min(16).optional(),
  DELIVERY_REST_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(600).default(30),
  DELIVERY_REST_CLIENT_CERT: z.string().min(1).optional(),
  DELIVERY_REST_CLIENT_KEY: z.string().min(1).optional(),
  DELIVERY_REST_CA: z.string().min(1).optional(),
  DELIVERY_DROP_DIR: z.string().min(1).optional(),
  DELIVERY_ENI_URL: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).optional(),
  DELIVERY_ENI_SECRET: z.string().min(16).optional(),
  DELIVERY_ENI_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(3600).default(120),
  DELIVERY_ENI_CLIENT_CERT: z.string().min(1).optional(),
  DELIVERY_ENI_CLIENT_KEY: z.string().min(1).optional(),
  DELIVERY_ENI_CA: z.string().min(1).optional(),
  DELIVERY_DEAD_AFTER_HOURS: z.coerce.number().int().min(1).max(24 * 365).default(72),
  DELIVERY_LINK_HOURS: z.coerce.number().int().min(1).max(24 * 7).default(24),
  DELIVERY_POLL_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
});

/** Validated, typed configuration. */
export type Config = {
  env: 'development' | 'production' | 'test';
  port: number;
  host: string;
  /** Base URL used in emails and links, without a trailing slash. */
  publicUrl: string;
  /** Whether the public URL is served over TLS (cookies become Secure, HSTS on). */
  secure: boolean;
  dataDir: string;
  database: { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string };
  smtpUrl: string | undefined;
  mailFrom: string;
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  trustProxy: boolean;
  seedDemo: boolean;
  defaultOrganisation: string | undefined;
  captcha: { hmacKey: string | undefined; maxNumber: number };
  limits: {
    maxOpenAppointments: number;
    ratePerMinute: number;
    bookingsPerHour: number;
    loginMaxAttempts: number;
    loginLockMinutes: number;
    citizenSessionHours: number;
    staffSessionHours: number;
  };
  /** How often each node looks for due scheduled work (reminders), seconds. */
  jobsPollSeconds: number;
  /** Base64 master key wrapping secrets at rest; generated into DATA_DIR when absent (development). */
  masterKey: string | undefined;
  /** Where the audit trail's chain heads are anchored, outside the database (see `audit-anchor.ts`). */
  auditAnchorDir: string;
  documents: {
    /** Folder of the encrypted blob store (a shared volume when several nodes run). */
    storageDir: string;
    /** Largest file accepted anywhere, bytes (a required document's own limit may be lower). */
    maxBytes: number;
    /** An unfinished upload is discarded this long after it started, hours. */
    uploadExpiryHours: number;
    /** Documents are crypto-shredded this many days after the appointment is closed. */
    retentionDays: number;
    /** clamd address (`tcp://host:port` or `unix:///path`); no scan when absent. */
    clamdUrl: string | undefined;
    /** Files larger than this are reported "not scanned", never clean (clamd cannot scan 2 GiB or more). */
    clamdMaxBytes: number;
  };
  realtime: {
    /** Redis for the event bus between nodes (`redis://…`); in-process when absent (one node). */
    redisUrl: string | undefined;
    /** STUN servers handed to browsers; none by default (loopback and one LAN need none). */
    stunUrls: string[];
    /** TURN servers (coturn with `use-auth-secret`) and the shared secret their time-limited credentials are derived from. */
    turn: { urls: string[]; secret: string; ttlSeconds: number } | null;
  };
  evidence: {
    /** The organ seal's PKCS#12 and its password; without a path, a development TEST SEAL is generated into DATA_DIR. */
    seal: { p12Path: string | undefined; p12Password: string | undefined };
    /** Signature policy named in every seal signature (CAdES-EPES); null: none. */
    policy: 'age-1.9' | null;
    /** RFC 3161 Time-Stamp Authority; when set, package signatures carry a signature timestamp (CAdES-T). */
    tsaUrl: string | undefined;
    /** Whether evidence packages carry the citizen's documents themselves, or only their manifest (names, sizes, SHA-256). */
    includeDocuments: boolean;
  };
  /**
   * Delivery of sealed evidence to case management (one installation-wide
   * setting per connector for now; each procedure picks its connector).
   */
  delivery: {
    /** REST/webhook connector: where packages' metadata and download links are POSTed, and the HMAC secret; null: not configured. */
    rest: {
      url: string;
      secret: string;
      timeoutMs: number;
      /** Mutual TLS: the client certificate and key (PEM paths), and the CA the receiver's certificate must chain to. */
      clientCert: string | undefined;
      clientKey: string | undefined;
      ca: string | undefined;
    } | null;
    /** Drop-folder connector: the mounted folder packages are written into; null: not configured. */
    dropDir: string | null;
    /**
     * ENI remission connector: where the ENI expediente (index, documents with their content, the sealed
     * package) is POSTed as one streamed ZIP, HMAC-signed as REST; null: not configured. `timeoutMs`: how
     * long the receiver may take to answer once the body is sent, or leave a streaming upload stalled.
     */
    eni: {
      url: string;
      secret: string;
      timeoutMs: number;
      clientCert: string | undefined;
      clientKey: string | undefined;
      ca: string | undefined;
    } | null;
    /**
     * Mutual TLS for the REST and ENI receivers, installation-wide (files on the server): also used for
     * the receivers an organisation's administrator sets in the console (`organisation_connectors`),
     * whether or not the installation configures a receiver of its own.
     */
    tls: Record<'rest' | 'eni', { clientCert: string | undefined; clientKey: string | undefined; ca: string | undefined }>;
    /** A delivery not acknowledged this long after it was queued (or retried) becomes a dead letter. */
    deadAfterHours: number;
    /** How long a package download link handed to a receiver stays valid. */
    linkHours: number;
    /** How often each node looks for due deliveries, seconds. */
    pollSeconds: number;
  };
};

/** A configuration error listing every bad variable at once. */
export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses and validates the environment; throws `ConfigError` listing every problem. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const cleaned = Object.fromEntries(
    Object.entries(env).filter(([, v]) => v !== undefined && v !== ''),
  );
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`),
    );
  }
  const e = parsed.data;
  if (e.TURN_URLS?.length && !e.TURN_SECRET) throw new ConfigError(['TURN_SECRET: required when TURN_URLS is set']);
  if (e.SEAL_P12_PATH && e.SEAL_P12_PASSWORD === undefined) throw new ConfigError(['SEAL_P12_PASSWORD: required when SEAL_P12_PATH is set']);
  if (e.DELIVERY_REST_URL && !e.DELIVERY_REST_SECRET) throw new ConfigError(['DELIVERY_REST_SECRET: required when DELIVERY_REST_URL is set']);
  if (!e.DELIVERY_REST_CLIENT_CERT !== !e.DELIVERY_REST_CLIENT_KEY) throw new ConfigError(['DELIVERY_REST_CLIENT_CERT, DELIVERY_REST_CLIENT_KEY: set both or neither']);
  if (e.DELIVERY_ENI_URL && !e.DELIVERY_ENI_SECRET) throw new ConfigError(['DELIVERY_ENI_SECRET: required when DELIVERY_ENI_URL is set']);
  if (!e.DELIVERY_ENI_CLIENT_CERT !== !e.DELIVERY_ENI_CLIENT_KEY) throw new ConfigError(['DELIVERY_ENI_CLIENT_CERT, DELIVERY_ENI_CLIENT_KEY: set both or neither']);
  const dataDir = path.resolve(e.DATA_DIR);
  // Mutual TLS towards case management, per connector kind (also used for organisations' own receivers).
  const file = (value: string | undefined) => (value ? path.resolve(value) : undefined);
  const tls = {
    rest: { clientCert: file(e.DELIVERY_REST_CLIENT_CERT), clientKey: file(e.DELIVERY_REST_CLIENT_KEY), ca: file(e.DELIVERY_REST_CA) },
    eni: { clientCert: file(e.DELIVERY_ENI_CLIENT_CERT), clientKey: file(e.DELIVERY_ENI_CLIENT_KEY), ca: file(e.DELIVERY_ENI_CA) },
  };
  const publicUrl = (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, '');
  let database: Config['database'];
  if (e.DATABASE_URL?.startsWith('postgres')) database = { kind: 'postgres', url: e.DATABASE_URL };
  else if (e.DATABASE_URL?.startsWith('sqlite:'))
    database = { kind: 'sqlite', file: path.resolve(e.DATABASE_URL.slice('sqlite:'.length)) };
  else database = { kind: 'sqlite', file: path.join(dataDir, 'finestreta.sqlite') };
  return {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    publicUrl,
    secure: publicUrl.startsWith('https://'),
    dataDir,
    database,
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    logLevel: e.LOG_LEVEL,
    trustProxy: e.TRUST_PROXY,
    seedDemo: e.SEED_DEMO,
    defaultOrganisation: e.DEFAULT_ORGANISATION,
    captcha: { hmacKey: e.CAPTCHA_HMAC_KEY, maxNumber: e.CAPTCHA_MAX_NUMBER },
    limits: {
      maxOpenAppointments: e.MAX_OPEN_APPOINTMENTS,
      ratePerMinute: e.RATE_LIMIT_PER_MINUTE,
      bookingsPerHour: e.BOOKING_RATE_LIMIT_PER_HOUR,
      loginMaxAttempts: e.LOGIN_MAX_ATTEMPTS,
      loginLockMinutes: e.LOGIN_LOCK_MINUTES,
      citizenSessionHours: e.CITIZEN_SESSION_HOURS,
      staffSessionHours: e.STAFF_SESSION_HOURS,
    },
    masterKey: e.MASTER_KEY,
    auditAnchorDir: path.resolve(e.AUDIT_ANCHOR_DIR ?? path.join(dataDir, 'audit-anchors')),
    jobsPollSeconds: e.JOBS_POLL_SECONDS,
    documents: {
      storageDir: path.resolve(e.STORAGE_DIR ?? path.join(dataDir, 'storage')),
      maxBytes: e.UPLOAD_MAX_BYTES,
      uploadExpiryHours: e.UPLOAD_EXPIRY_HOURS,
      retentionDays: e.DOCUMENT_RETENTION_DAYS,
      clamdUrl: e.CLAMD_URL,
      clamdMaxBytes: e.CLAMD_MAX_BYTES,
    },
    realtime: {
      redisUrl: e.REDIS_URL,
      stunUrls: e.STUN_URLS ?? [],
      turn: e.TURN_URLS?.length && e.TURN_SECRET ? { urls: e.TURN_URLS, secret: e.TURN_SECRET, ttlSeconds: e.TURN_TTL_SECONDS } : null,
    },
    evidence: {
      seal: { p12Path: e.SEAL_P12_PATH ? path.resolve(e.SEAL_P12_PATH) : undefined, p12Password: e.SEAL_P12_PASSWORD },
      policy: e.SEAL_POLICY === 'none' ? null : e.SEAL_POLICY,
      tsaUrl: e.TSA_URL,
      includeDocuments: e.EVIDENCE_INCLUDE_DOCUMENTS,
    },
    delivery: {
      rest: e.DELIVERY_REST_URL && e.DELIVERY_REST_SECRET ? { url: e.DELIVERY_REST_URL, secret: e.DELIVERY_REST_SECRET, timeoutMs: e.DELIVERY_REST_TIMEOUT_SECONDS * 1000, ...tls.rest } : null,
      dropDir: e.DELIVERY_DROP_DIR ? path.resolve(e.DELIVERY_DROP_DIR) : null,
      eni: e.DELIVERY_ENI_URL && e.DELIVERY_ENI_SECRET ? { url: e.DELIVERY_ENI_URL, secret: e.DELIVERY_ENI_SECRET, timeoutMs: e.DELIVERY_ENI_TIMEOUT_SECONDS * 1000, ...tls.eni } : null,
      tls,
      deadAfterHours: e.DELIVERY_DEAD_AFTER_HOURS,
      linkHours: e.DELIVERY_LINK_HOURS,
      pollSeconds: e.DELIVERY_POLL_SECONDS,
    },
  };
}
