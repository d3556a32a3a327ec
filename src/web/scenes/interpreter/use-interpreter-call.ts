/**
 * The interpreter's connection: one signalling client per attempt (joining
 * again after leaving is a new attempt), saying `hello` with the link's
 * token. The server puts the interpreter into the call when it runs, or as
 * soon as it starts; this turns its messages into the page's phase.
 * Leaving sends `hang_up` (for an interpreter, the call goes on without
 * them) and closes the connection once the server has confirmed, so the
 * history says "left" rather than "connection lost".
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { detectBasePath } from '../../api/client.ts';
import { callPort, type CallPort } from '../../realtime/call-port.ts';
import type { CallEndReason, CallStart } from '../../realtime/call-types.ts';
import { SignallingClient, signallingUrl, type ClosedReason } from '../../realtime/signalling-client.ts';

/** Where the interpreter is. */
export type InterpreterPhase =
  | { phase: 'connecting' }
  /** Connected, the call not running (not started yet, or paused while the citizen is back in the waiting room). */
  | { phase: 'waiting'; paused: boolean }
  | { phase: 'in_call'; start: CallStart }
  /** They left the call; they may join again. */
  | { phase: 'left' }
  | { phase: 'ended'; reason: CallEndReason }
  /** The server refused or ended the connection for good. */
  | { phase: 'closed'; reason: ClosedReason };

/** What the call page needs. */
export interface InterpreterCall {
  client: SignallingClient | null;
  /** The call's view of the client (holds offers that arrive before the call listens). */
  port: CallPort | null;
  phase: InterpreterPhase;
  /** The call view ended on this side: leaving (`hang_up`) or the server ending or pausing it. */
  callEnded: (reason: CallEndReason) => void;
}

/** The connection for the link `token`; a new `attempt` starts a new connection. */
export function useInterpreterCall(token: string, attempt: number): InterpreterCall {
  const [client, setClient] = useState<SignallingClient | null>(null);
  const [port, setPort] = useState<CallPort | null>(null);
  const [phase, setPhase] = useState<InterpreterPhase>({ phase: 'connecting' });
  const leaving = useRef(false);

  useEffect(() => {
    const signalling = new SignallingClient({
      url: signallingUrl(window.location, detectBasePath(window.location.pathname)),
      role: 'interpreter',
      invitation: token,
    });
    let created: CallPort | null = null;
    leaving.current = false;
    setPhase({ phase: 'connecting' });
    const offs = [
      signalling.on('welcome', (m) => {
        if (!created && m.appointmentId) {
          const inner = callPort(signalling, m.appointmentId);
          // The call's own `hang_up` is how this side leaves: known here before the call view says it ended.
          created = {
            ...inner,
            send: (message) => {
              if (message.type === 'hang_up') leaving.current = true;
              return inner.send(message);
            },
          };
          setPort(created);
        }
        setPhase((previous) => (previous.phase === 'connecting' ? { phase: 'waiting', paused: false } : previous));
      }),
      signalling.on('call_started', (m) => {
        if (!leaving.current) setPhase({ phase: 'in_call', start: m });
      }),
      signalling.on('returned_to_waiting', () => {
        if (!leaving.current) setPhase({ phase: 'waiting', paused: true });
      }),
      signalling.on('call_ended', (m) => {
        if (!leaving.current) setPhase({ phase: 'ended', reason: m.reason });
        signalling.close();
      }),
      signalling.on('error', (m) => {
        // Leaving a call that had just ended: nothing left to confirm.
        if (leaving.current && m.replyTo === 'hang_up') signalling.close();
      }),
      signalling.subscribe(() => {
        const reason = signalling.reason;
        if (signalling.state === 'closed' && reason && reason !== 'client') setPhase({ phase: 'closed', reason });
      }),
    ];
    setClient(signalling);
    signalling.open();
    return () => {
      for (const off of offs) off();
      created?.dispose();
      signalling.close();
      setClient(null);
      setPort(null);
    };
  }, [token, attempt]);

  const callEnded = useCallback(
    (reason: CallEndReason) => {
      if (leaving.current) {
        // This side left (the server's confirmation, `call_ended`, then closes the connection).
        setPhase({ phase: 'left' });
        return;
      }
      if (reason === 'returned_to_waiting') return;
      setPhase((previous) => (previous.phase === 'left' || previous.phase === 'closed' ? previous : { phase: 'ended', reason }));
      client?.close();
    },
    [client],
  );

  return { client, port, phase, callEnded };
}
