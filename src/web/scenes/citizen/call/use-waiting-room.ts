/**
 * The waiting room's connection: one signalling client for as long as the
 * page is open. It joins the room after every `welcome` (so a reconnection
 * restores the citizen's place without them doing anything), joins again
 * when a room that was not open yet opens, and turns the server's messages
 * into the view.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { detectBasePath } from '../../../api/client.ts';
import { SignallingClient, signallingUrl } from '../../../realtime/signalling-client.ts';
import { callSessionKey, startSessionAhead } from '../../../realtime/call-session-ahead.ts';
import { callDevicesOf, type CallConsents, type DeviceCheckResult } from './call-preparation.ts';
import { INITIAL_VIEW, nextView, type EndReason, type WaitingRoomMessage, type WaitingView } from './waiting-room-state.ts';

/** What the waiting room page needs. */
export interface WaitingRoom {
  client: SignallingClient | null;
  view: WaitingView;
  /** Server time minus this device's clock (ms), for countdowns that agree with the server. */
  clockOffsetMs: number;
  /** Leaves the room and closes the connection. */
  leave: () => void;
  /** The call view ended the call on this side (hang-up, or the server said so). */
  callEnded: (reason: EndReason | 'returned_to_waiting') => void;
}

/** The waiting room's connection for the signed-in citizen; it opens only once the device check and the consents are done. */
export function useWaitingRoom(csrf: string, deviceCheck: DeviceCheckResult | null, consents: CallConsents | null): WaitingRoom {
  const [client, setClient] = useState<SignallingClient | null>(null);
  const [view, setView] = useState<WaitingView>(INITIAL_VIEW);
  const [clockOffsetMs, setClockOffset] = useState(0);
  const offset = useRef(0);
  /** The call session last started (appointment and connection), see `call_started` below. */
  const sessionKey = useRef<string | null>(null);
  const ready = deviceCheck !== null && consents !== null;
  const camera = deviceCheck ? deviceCheck.camera && !deviceCheck.audioOnly : false;
  const microphone = deviceCheck?.microphone ?? false;
  const recording = consents?.recording ?? false;

  useEffect(() => {
    if (!ready) return;
    const signalling = new SignallingClient({ url: signallingUrl(window.location, detectBasePath(window.location.pathname)), role: 'citizen', csrf });
    let openTimer = 0;
    const join = () =>
      signalling.send({ type: 'join_waiting_room', consents: { processing: true, recording }, devices: { camera, microphone } });
    const apply = (message: WaitingRoomMessage) => setView((previous) => nextView(previous, message, Date.now() + offset.current));
    const unsubscribe = [
      signalling.on('welcome', (message) => {
        offset.current = Date.parse(message.serverTime) - Date.now();
        setClockOffset(offset.current);
        join();
      }),
      signalling.on('waiting_status', (message) => {
        apply(message);
        window.clearTimeout(openTimer);
        if (message.opensAt) {
          // When the room opens, take the place in it without waiting for the citizen to reload.
          const wait = Date.parse(message.opensAt) - (Date.now() + offset.current);
          if (wait > 0) openTimer = window.setTimeout(join, Math.min(wait + 250, 2 ** 31 - 1));
        }
      }),
      signalling.on('call_started', (message) => {
        // The call's connection starts now rather than once the page has rendered the call
        // (call-session-ahead.ts; the call view takes it over). Only for a new connection: a
        // `call_started` for the session already running (the socket came back) updates that one.
        const key = callSessionKey(message);
        if (deviceCheck && key !== sessionKey.current) {
          sessionKey.current = key;
          startSessionAhead({ client: signalling, start: message, role: 'citizen', deviceName: () => '' }, callDevicesOf(deviceCheck));
        }
        apply(message);
      }),
      signalling.on('returned_to_waiting', (message) => {
        // That call's session is over (its view closes it): a new admission starts a new one.
        sessionKey.current = null;
        apply(message);
      }),
      signalling.on('call_ended', (message) => {
        apply(message);
        signalling.close();
      }),
      signalling.on('error', apply),
    ];
    setClient(signalling);
    signalling.open();
    return () => {
      window.clearTimeout(openTimer);
      for (const off of unsubscribe) off();
      signalling.close();
      setClient(null);
      setView(INITIAL_VIEW);
    };
  }, [ready, csrf, camera, microphone, recording]);

  const leave = useCallback(() => {
    if (!client) return;
    client.send({ type: 'leave_waiting_room' });
    client.close();
  }, [client]);

  const callEnded = useCallback(
    (reason: EndReason | 'returned_to_waiting') => {
      // The same transitions as the server's messages, for ends the server does not echo (a local hang-up).
      if (reason === 'returned_to_waiting') return;
      setView((previous) => (previous.status.phase === 'ended' ? previous : { ...previous, status: { phase: 'ended', reason } }));
      client?.close();
    },
    [client],
  );

  return { client, view, clockOffsetMs, leave, callEnded };
}
