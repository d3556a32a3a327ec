/**
 * The banner a real-time page shows while its signalling connection is
 * down: "Reconnecting…" while the client retries, and why it stopped when
 * it will not retry (signed out, opened elsewhere). A polite live region, so
 * the change is announced without interrupting.
 */
import { useTranslation } from 'react-i18next';
import type { SignallingClient } from '../realtime/signalling-client.ts';
import { useConnectionState } from '../realtime/use-connection-state.ts';

/** Shows the state of `client`'s connection when it is not simply open. */
export function ConnectionBanner({ client }: { client: SignallingClient | null }) {
  const { t } = useTranslation();
  const state = useConnectionState(client);
  const reason = client?.reason ?? null;
  let text: string | null = null;
  if (state === 'reconnecting') text = t('call.connection.reconnecting');
  else if (state === 'closed' && reason && reason !== 'client') text = t('call.connection.closed', { reason });
  return (
    <div role="status" className={text ? 'connection-banner' : undefined}>
      {text ? (
        <>
          <p className="connection-banner__text">{text}</p>
          {state === 'closed' ? (
            <button type="button" className="button button--secondary connection-banner__action" onClick={() => window.location.reload()}>
              {t('call.connection.reload')}
            </button>
          ) : null}
        </>
      ) : null}
    </div>
  );
}
