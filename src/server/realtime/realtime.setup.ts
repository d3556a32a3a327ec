import type { EventBus } from '../adapters/bus/event-bus.ts';
import type { AppContext } from '../context.ts';
import type { MailDispatcher } from '../mail/mail.queue.ts';
import { SIGNALLING_TIMINGS } from '../../shared/signalling.ts';
import { iceServersFor } from './ice-servers.ts';
import { interpreterInCall } from './interpreter.realtime.ts';
import { RealtimeHub } from './realtime.hub.ts';
import { followAppointmentChanges } from './realtime.changes.ts';
import { onDocumentUploaded } from './realtime.hooks.ts';
import { realtimeRepo } from './realtime.repo.ts';
import { RealtimeService } from './realtime.service.ts';
import { recordingActive } from '../recordings/recordings.service.ts';
import type { SocketTimings } from './realtime.socket.ts';

/** The real-time part of one application instance. */
export interface Realtime {
  hub: RealtimeHub;
  service: RealtimeService;
  timings: SocketTimings;
  /** Stops the hub and forgets this instance (the bus is closed by its owner). */
  close(): Promise<void>;
}

const DEFAULT_TIMINGS: SocketTimings = {
  helloTimeoutMs: SIGNALLING_TIMINGS.helloTimeoutMs,
  heartbeatMs: SIGNALLING_TIMINGS.heartbeatMs,
  // Long enough for the client's reconnection backoff to come back twice.
  departureGraceMs: 2 * SIGNALLING_TIMINGS.reconnectMaxMs + 5_000,
};

/** Builds the hub and the service over a bus. */
export function createRealtime(ctx: AppContext, bus: EventBus, mailer: MailDispatcher, timings: Partial<SocketTimings> = {}): Realtime {
  const t = { ...DEFAULT_TIMINGS, ...timings };
  let service: RealtimeService | null = null;
  const hub = new RealtimeHub(bus, ctx.log, {
    iceServers: () => iceServersFor(ctx.config.realtime, ctx.clock.now()),
    citizenGone: async (appointmentId, organisationId) => {
      const org = await ctx.db.selectFrom('organisations').select(['id', 'time_zone']).where('id', '=', organisationId).executeTakeFirst();
      if (org && service) await service.leave(org, appointmentId, 'disconnected');
    },
    interpreterInCall: (conn, what) => interpreterInCall(ctx, conn, what),
    recordingActive: (organisationId, appointmentId) => recordingActive(ctx, organisationId, appointmentId),
  }, t);
  service = new RealtimeService(ctx, hub, mailer);
  const stopFollowing = followAppointmentChanges(ctx, service);
  const stopListening = onDocumentUploaded(ctx, async (upload) => {
    const owner = await realtimeRepo.owner(ctx.db, upload.organisationId, upload.appointmentId);
    if (owner) await hub.publishUpload(owner.agent_id, upload.appointmentId, upload.documentId, upload.slot);
  });
  return {
    hub,
    service,
    timings: t,
    close: async () => {
      stopListening();
      stopFollowing();
      await hub.close();
    },
  };
}
