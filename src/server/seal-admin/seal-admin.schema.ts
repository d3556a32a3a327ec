import { z } from 'zod';
import { KEY_USAGES, MAX_SEAL_P12_BYTES } from './seal-admin.limits.ts';

/** Base64 of at most MAX_SEAL_P12_BYTES bytes. */
const MAX_BASE64 = Math.ceil(MAX_SEAL_P12_BYTES / 3) * 4;

/**
 * `POST /api/admin/seal`: the PKCS#12 file in base64 and its password, in
 * one JSON body. JSON rather than multipart or a raw body with the password
 * in a header: both fields are validated by one schema with field-level
 * errors, and a password with characters outside Latin-1 survives (a header
 * would not carry it). The route's body limit caps the request, the schema
 * the file (64 KiB decoded).
 */
export const uploadSealRequest = z.object({
  file: z
    .string()
    .min(1, 'required')
    .max(MAX_BASE64, 'seal_file_too_large')
    .regex(/^[A-Za-z0-9+/]+={0,2}$/, 'invalid_file'),
  password: z.string().min(1, 'required').max(1024, 'too_long'),
});
/** A seal upload. */
export type UploadSealRequest = z.infer<typeof uploadSealRequest>;

/** A seal certificate's public details. */
export const certificateView = z.object({
  subject: z.string(),
  issuer: z.string(),
  serial: z.string(),
  notBefore: z.string(),
  notAfter: z.string(),
  keyUsage: z.array(z.enum(KEY_USAGES)).nullable(),
  extKeyUsage: z.array(z.string()).nullable(),
  keyType: z.string(),
  fingerprint: z.string(),
});
/** A certificate's details. */
export type CertificateView = z.infer<typeof certificateView>;

/** A seal installed from the console, in use or replaced. */
export const installedSealView = certificateView.extend({
  id: z.string(),
  installedAt: z.string(),
  /** The administrator's name (or null when the account is gone). */
  installedBy: z.string().nullable(),
  /** Null for the seal in use. */
  replacedAt: z.string().nullable(),
});
/** An installed seal. */
export type InstalledSealView = z.infer<typeof installedSealView>;

/** The seal expiry warning: when, and whole days left. */
export const sealExpiryView = z.object({ notAfter: z.string(), daysLeft: z.number().int() });
/** A seal expiry warning. */
export type SealExpiryView = z.infer<typeof sealExpiryView>;

/** `GET /api/admin/seal`: the seal in use now and every seal installed before. */
export const sealOverviewView = z.object({
  inUse: z
    .object({
      source: z.enum(['installed', 'configured', 'development']),
      installedId: z.string().nullable(),
      /** True for the development TEST SEAL: nothing it signs has legal value. */
      isTest: z.boolean(),
      certificate: certificateView,
    })
    .nullable(),
  /** Set when the seal in use could not be opened (a damaged SEAL_P12_PATH file, another MASTER_KEY). */
  unavailable: z.boolean(),
  expiry: sealExpiryView.nullable(),
  history: z.array(installedSealView),
});
/** The seal page's data. */
export type SealOverviewView = z.infer<typeof sealOverviewView>;
