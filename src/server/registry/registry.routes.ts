import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { citizenGuard } from '../citizen/citizen.policy.ts';
import { contentDisposition } from '../documents/http-range.ts';
import { envelope } from '../http/envelope.ts';
import { AppError, errors } from '../http/errors.ts';
import { orgOf } from '../http/tenant.ts';
import { LookupFailures } from '../interpreters/interpreters.policy.ts';
import { STAFF_ROLES_ANY, staffGuard } from '../staff/staff.policy.ts';
import { CSV_INPUT_MAX, normaliseCsv, registeredView, registerRequest, verificationView } from '../../shared/registry.ts';
import { registerAppointmentAsStaff } from './appointment-registry.service.ts';
import { verifyUrl } from './receipt.service.ts';
import { presentRegistered, presentVerification } from './registry.present.ts';
import { registryRepo } from './registry.repo.ts';
import type { RegistryEntryRow } from './registry.tables.ts';

const csvParams = z.object({ csv: z.string().min(1).max(CSV_INPUT_MAX) }).strict();
const appointmentParams = z.object({ id: z.string().min(1).max(64) }).strict();

/** Look-ups per address and minute on the public verification routes. */
const VERIFY_RATE = { rateLimit: { max: 30, timeWindow: 60_000 } };

// Unknown codes per address (per application context): a burst of wrong guesses is answered 429.
const failures = new WeakMap<AppContext, LookupFailures>();

/**
 * The registry: public verification of a receipt by its CSV (no account:
 * the code is the credential, 100 random bits), staff registering an
 * appointment, and the citizen downloading their receipt.
 */
export const registryRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  const staff = staffGuard(ctx);
  const citizen = citizenGuard(ctx);
  let unknown = failures.get(ctx);
  if (!unknown) failures.set(ctx, (unknown = new LookupFailures()));
  const lookups = unknown;

  /** The entry a typed code names in the request's organisation; 400 for what cannot be a code, 404 for an unknown one. */
  const entryByCsv = async (org: ReturnType<typeof orgOf>, input: string, address: string): Promise<RegistryEntryRow> => {
    const csv = normaliseCsv(input);
    if (csv === null) throw errors.badRequest('invalid_csv');
    if (lookups.blocked(address)) throw errors.tooManyRequests({ retryAfterSeconds: 600 });
    const entry = await registryRepo.byCsv(ctx.db, org.id, csv);
    if (!entry) {
      lookups.fail(address);
      throw new AppError(404, 'registry_entry_not_found');
    }
    return entry;
  };

  const sendReceipt = (reply: FastifyReply, entry: RegistryEntryRow, disposition: 'inline' | 'attachment') => {
    if (entry.receipt_sha256 === null || entry.receipt_size === null) throw errors.conflict('receipt_not_ready');
    return reply
      .header('content-type', 'application/pdf')
      .header('content-length', String(entry.receipt_size))
      .header('cache-control', 'no-store')
      .header('content-disposition', contentDisposition(disposition, `${entry.number}.pdf`))
      .header('content-security-policy', "default-src 'none'; sandbox")
      .header('cross-origin-resource-policy', 'same-origin')
      .send(ctx.blobs.read(entry.receipt_blob_id));
  };

  app.get(
    '/api/verify/:csv',
    { config: VERIFY_RATE, schema: { params: csvParams, response: { 200: envelope(verificationView) } } },
    async (request, reply) => {
      const org = orgOf(request);
      const entry = await entryByCsv(org, request.params.csv, request.ip);
      reply.header('cache-control', 'no-store');
      return { data: presentVerification(org, entry, request.lang) };
    },
  );

  app.get('/api/verify/:csv/document', { config: VERIFY_RATE, schema: { params: csvParams } }, async (request, reply) => {
    const entry = await entryByCsv(orgOf(request), request.params.csv, request.ip);
    return sendReceipt(reply, entry, 'attachment');
  });

  app.post(
    '/api/staff/appointments/:id/registry',
    {
      onRequest: staff.require(STAFF_ROLES_ANY, { csrf: true }),
      config: { audit: 'registry.entry_made' },
      schema: { params: appointmentParams, body: registerRequest, response: { 201: envelope(registeredView) } },
    },
    async (request, reply) => {
      const org = orgOf(request);
      const { formData, summary } = request.body;
      const { entry } = await registerAppointmentAsStaff(ctx, org, staff.principalOf(request).staff, request.params.id, formData, summary);
      return reply.status(201).header('cache-control', 'no-store').send({ data: presentRegistered(entry, await verifyUrl(ctx, org, entry.csv)) });
    },
  );

  app.get('/api/citizen/appointment/receipt', { onRequest: citizen.require({ csrf: false }) }, async (request, reply) => {
    const { appointment } = citizen.sessionOf(request);
    const entry = await registryRepo.byAppointment(ctx.db, appointment.organisation_id, appointment.id);
    if (!entry) throw new AppError(404, 'receipt_not_found');
    return sendReceipt(reply, entry, 'attachment');
  });
};
