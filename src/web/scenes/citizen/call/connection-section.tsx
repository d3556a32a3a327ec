/** The device check's connection results: the town hall's server and the video path. */
import { useTranslation } from 'react-i18next';
import { Tag } from '../../../components/content.tsx';
import type { CheckStatus, Connectivity } from './connectivity-check.ts';

const COLOURS: Record<CheckStatus, 'grey' | 'green' | 'red'> = { checking: 'grey', ok: 'green', failed: 'red' };

/** The two results as a list with tags, the help for each failure and a retry. */
export function ConnectionSection({ connectivity, onRetry }: { connectivity: Connectivity; onRetry: () => void }) {
  const { t } = useTranslation();
  const rows = [
    { key: 'server', label: t('call.deviceCheck.connection.server'), status: connectivity.server },
    { key: 'media', label: t('call.deviceCheck.connection.media'), status: connectivity.media },
  ] as const;
  const failed = connectivity.server === 'failed' || connectivity.media === 'failed';
  return (
    <section className="device-section" aria-labelledby="connection-heading" id="connection">
      <h2 className="heading-m" id="connection-heading" tabIndex={-1}>
        {t('call.deviceCheck.connection.heading')}
      </h2>
      {/* Announced when a result comes in: the list below changes as each test ends. */}
      <div role="status">
        <ul className="connection-checks">
          {rows.map((row) => (
            <li key={row.key} className="connection-checks__item">
              <span>{row.label}</span>
              <Tag colour={COLOURS[row.status]}>{t('call.deviceCheck.connection.status', { status: row.status })}</Tag>
            </li>
          ))}
        </ul>
      </div>
      {connectivity.server === 'failed' ? <p className="body">{t('call.deviceCheck.connection.serverHelp')}</p> : null}
      {connectivity.media === 'failed' ? <p className="body">{t('call.deviceCheck.connection.mediaHelp')}</p> : null}
      {failed ? (
        <button type="button" className="button button--secondary" onClick={onRetry}>
          {t('call.deviceCheck.connection.retry')}
        </button>
      ) : null}
    </section>
  );
}
