import type { AppContext } from '../context.ts';
import { bookingRepo } from '../booking/booking.repo.ts';
import type { Realtime } from '../realtime/realtime.setup.ts';
import { citizenProtocol } from './protocol-consent.service.ts';
import type { ProtocolNotifier } from './protocol.service.ts';

/**
 * Live push of the protocol to the citizen's screen: after every change
 * (a step, a form save, a "read aloud", a code sent) the appointment's
 * citizen sockets, on whichever node they are, get the whole protocol as
 * the citizen sees it (read-only, labels and values in their language).
 * The agent's sockets in the call are told that it changed (they read the
 * staff view over HTTP: it holds more than the citizen's). Sent after the commit; a failure is logged and changes nothing (the
 * citizen's page also reads the protocol over HTTP when it opens).
 */
export function protocolNotifier(ctx: AppContext, realtime: Pick<Realtime, 'hub'>): ProtocolNotifier {
  return async (organisationId, appointmentId) => {
    try {
      const appointment = await bookingRepo.byId(ctx.db, organisationId, appointmentId);
      if (!appointment) return;
      const protocol = await citizenProtocol(ctx, appointment);
      await realtime.hub.publishAppointment(appointmentId, { t: 'to_citizen', msg: { type: 'protocol', appointmentId, protocol } });
      // The agent's page learns of the citizen's consent (or of another tab's step) and reads the staff view again.
      await realtime.hub.publishAppointment(appointmentId, { t: 'to_peers', roles: ['agent'], msg: { type: 'protocol_changed', appointmentId } });
    } catch (error) {
      ctx.log.warn({ err: error, appointmentId }, 'protocol: live update not sent');
    }
  };
}
