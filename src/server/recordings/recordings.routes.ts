import type { Readable } from 'node:stream';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { contentDisposition, parseRange } from '../documents/http-range.ts';
import { envelope } from '../http/envelope.ts';
import { AppError, errors } from '../http/errors.ts';
import { orgOf } from '../http/tenant.ts';
import type { Realtime } from '../realtime/realtime.setup.ts';
import { STAFF_ROLES_ANY, staffGuard } from '../staff/staff.policy.ts';
import {
  chunkAck,
  RECORDING_CHUNK_TYPES,
  RECORDING_LIMITS,
  RECORDING_SHA256_HEADER,
  recordingView,
  segmentStarted,
  startSegmentRequest,
  stopRecordingRequest,
} from '../../shared/recordings.ts';
import { presentRecording, recordingAppointment, requireRecording, startSegment, stopRecording, storeChunk, type RecordingNotifier } from './recordings.service.ts';
import { assertNotPurged } from '../retention/retention.service.ts';

const appointmentParams = z.object({ id: z.string().min(1).max(64) }).strict();
const chunkParams = appointmentParams
  .extend({
    segment: z.coerce.number().int().min(1).max(RECORDING_LIMITS.maxSegments),
    seq: z.coerce.number().int().min(0).max(RECORDING_LIMITS.maxChunksPerSegment - 1),
  })
  .strict();
const contentQuery = z.object({ download: z.enum(['0', '1']).optional() }).strict();

/**
 * The recording of an appointment's call. The agent's page starts a
 * segment, sends its chunks as they come (each body streamed into the
 * encrypted store, never parsed or buffered whole) and stops; the stop joins
 * the segments into the final WebM. Staff who may see the appointment may
 * see and download the recording (with Range, for a player's seeks).
 */
export const recordingRoutes: FastifyPluginAsyncZod<{ ctx: AppContext; realtime: Realtime }> = async (app, { ctx, realtime }) => {
  const guard = staffGuard(ctx);
  const read = guard.require(STAFF_ROLES_ANY, { csrf: false });
  const write = guard.require(STAFF_ROLES_ANY, { csrf: true });
  const notify: RecordingNotifier = (appointmentId, active) =>
    realtime.hub.publishAppointment(appointmentId, { t: 'to_peers', msg: { type: 'recording', appointmentId, active } });
  const appointmentFor = (request: Parameters<typeof orgOf>[0], id: string, mode: 'read' | 'write') =>
    recordingAppointment(ctx, orgOf(request), guard.principalOf(request).staff, id, mode);

  // Chunk bodies reach the handler as the raw stream: the store reads them as they arrive.
  app.addContentTypeParser([...RECORDING_CHUNK_TYPES], (_request, payload, done) => done(null, payload));

  app.get(
    '/api/staff/appointments/:id/recording',
    { onRequest: read, schema: { params: appointmentParams, response: { 200: envelope(recordingView) } } },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      const appointment = await appointmentFor(request, request.params.id, 'read');
      return { data: await presentRecording(ctx, await requireRecording(ctx, appointment)) };
    },
  );

  app.post(
    '/api/staff/appointments/:id/recording/segments',
    { onRequest: write, config: { audit: 'recording.started' }, schema: { params: appointmentParams, body: startSegmentRequest, response: { 201: envelope(segmentStarted) } } },
    async (request, reply) => {
      const staff = guard.principalOf(request).staff;
      const appointment = await appointmentFor(request, request.params.id, 'write');
      const segment = await startSegment(ctx, appointment, staff, notify);
      const recording = await presentRecording(ctx, await requireRecording(ctx, appointment));
      return reply.status(201).header('cache-control', 'no-store').send({ data: { segment, recording } });
    },
  );

  app.put(
    '/api/staff/appointments/:id/recording/segments/:segment/chunks/:seq',
    {
      onRequest: write,
      // ~30 chunks a minute at a 2 s timeslice, plus retries after a network hiccup.
      config: { rateLimit: { max: 600, timeWindow: 60_000 } },
      schema: { params: chunkParams, response: { 200: envelope(chunkAck) } },
    },
    async (request, reply) => {
      const sha256 = request.headers[RECORDING_SHA256_HEADER];
      if (typeof sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(sha256)) throw errors.badRequest('chunk_digest_required');
      const length = Number(request.headers['content-length'] ?? '0');
      if (length > RECORDING_LIMITS.maxChunkBytes) throw new AppError(413, 'chunk_too_large', { maxBytes: RECORDING_LIMITS.maxChunkBytes });
      const body = request.body as Readable | undefined;
      if (!body || typeof body.pipe !== 'function') throw errors.badRequest('chunk_type_unsupported');
      const appointment = await appointmentFor(request, request.params.id, 'write');
      const ack = await storeChunk(ctx, appointment, { segment: request.params.segment, seq: request.params.seq, sha256, body });
      return reply.header('cache-control', 'no-store').send({ data: ack });
    },
  );

  app.post(
    '/api/staff/appointments/:id/recording/stop',
    { onRequest: write, config: { audit: 'recording.stopped' }, schema: { params: appointmentParams, body: stopRecordingRequest, response: { 200: envelope(recordingView) } } },
    async (request, reply) => {
      const staff = guard.principalOf(request).staff;
      const appointment = await appointmentFor(request, request.params.id, 'write');
      const recording = await stopRecording(ctx, appointment, `staff:${staff.id}`, request.body.segment, notify);
      return reply.header('cache-control', 'no-store').send({ data: await presentRecording(ctx, recording) });
    },
  );

  // The final file, decrypted as it streams, with Range so a player can seek.
  app.get(
    '/api/staff/appointments/:id/recording/content',
    { onRequest: read, config: { audit: 'recording.played' }, schema: { params: appointmentParams, querystring: contentQuery } },
    async (request, reply) => {
      const appointment = await appointmentFor(request, request.params.id, 'read');
      const recording = await requireRecording(ctx, appointment);
      await assertNotPurged(ctx.db, 'recordings', recording.id);
      if (recording.status !== 'ready' || !recording.file_blob_id || recording.file_size === null) throw errors.conflict('recording_not_ready');
      const size = Number(recording.file_size);
      const range = parseRange(request.headers.range, size);
      if (range === 'unsatisfiable') {
        reply.header('content-range', `bytes */${size}`);
        throw new AppError(416, 'range_not_satisfiable');
      }
      reply
        .header('content-type', 'video/webm')
        .header('accept-ranges', 'bytes')
        .header('cache-control', 'no-store')
        .header('content-disposition', contentDisposition(request.query.download === '1' ? 'attachment' : 'inline', `${appointment.reference}.webm`))
        .header('content-security-policy', "default-src 'none'; sandbox")
        .header('cross-origin-resource-policy', 'same-origin');
      if (range) {
        reply.status(206).header('content-range', `bytes ${range.start}-${range.end}/${size}`).header('content-length', String(range.end - range.start + 1));
        return reply.send(ctx.blobs.read(recording.file_blob_id, range));
      }
      reply.header('content-length', String(size));
      return reply.send(ctx.blobs.read(recording.file_blob_id));
    },
  );
};
