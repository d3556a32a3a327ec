import { onAppointmentCommitted, type AppointmentChange } from '../booking/appointment-hooks.ts';
import type { AppContext } from '../context.ts';
import { localDate } from './realtime.present.ts';
import type { RealtimeService } from './realtime.service.ts';

/**
 * Keeps open pages in step with changes made over HTTP (the citizen's
 * change and cancel pages, the staff agenda, the integration API): once the
 * change is committed, the agents' queues get the appointment's new entry
 * or lose it, and a citizen waiting for it is told it was cancelled or
 * moved. Runs after the commit, so nobody is told of a change that was
 * rolled back; a failure here is logged and changes nothing.
 */
export function followAppointmentChanges(ctx: AppContext, service: RealtimeService): () => void {
  return onAppointmentCommitted(ctx, async (change) => {
    await tell(service, change).catch((error: unknown) =>
      ctx.log.warn({ err: error, appointmentId: change.appointment.id, change: change.type }, 'realtime: change notification failed'),
    );
  });
}

async function tell(service: RealtimeService, change: AppointmentChange): Promise<void> {
  const { appointment: a, organisation: org } = change;
  if (a.channel !== 'video') return;
  const { hub } = service;
  if (change.type === 'cancelled') {
    await hub.publishRemoved(a.agent_id, a.id, localDate(org, a.starts_at));
    await hub.publishAppointment(a.id, { t: 'ended', reason: 'cancelled' });
    return;
  }
  if (change.type === 'rescheduled') {
    const before = change.previousStartsAt ?? a.starts_at;
    const previousAgent = change.previousAgentId ?? a.agent_id;
    if (previousAgent !== a.agent_id || localDate(org, before) !== localDate(org, a.starts_at)) {
      await hub.publishRemoved(previousAgent, a.id, localDate(org, before));
    }
    // A citizen waiting for the old time: their page says it moved (the email has the new time).
    if (before !== a.starts_at) await hub.publishAppointment(a.id, { t: 'ended', reason: 'rescheduled' });
  }
  await service.publishEntry(org, a.id, false);
}
