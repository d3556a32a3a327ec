/**
 * The appointment's evidence packages on the staff appointment page: seal
 * one now (everything the appointment holds: recording, snapshots, receipt,
 * history, chat, documents — signed by the organ seal), and download the
 * packages sealed so far, each with its size, SHA-256 and seal. Sealing can
 * take a while with a long recording: the button says so while it works.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client.ts';
import { evidenceDownloadUrl, fetchEvidence, sealEvidence } from '../../api/evidence-api.ts';
import { useLoad } from '../../hooks/use-load.ts';
import { useLanguage } from '../../hooks/use-language.ts';
import { formatInstantDate, formatInstantTime } from '../../i18n/format.ts';

export function EvidenceSection({ appointmentId, csrfToken, timeZone, onSealed }: { appointmentId: string; csrfToken: string; timeZone: string; onSealed: () => void }) {
  const { t } = useTranslation();
  const language = useLanguage();
  const [version, setVersion] = useState(0);
  const [state] = useLoad((signal) => fetchEvidence(appointmentId, signal), [appointmentId, version]);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(null);

  const seal = async () => {
    setBusy(true);
    setMessage(null);
    try {
      const sealed = await sealEvidence(appointmentId, csrfToken);
      setMessage({ error: false, text: t('staff.evidence.sealed', { files: sealed.files, sha256: sealed.sha256.slice(0, 16) }) });
      setVersion((n) => n + 1);
      onSealed();
    } catch (error) {
      setMessage({ error: true, text: error instanceof ApiError && error.message ? error.message : t('staff.evidence.failed') });
    } finally {
      setBusy(false);
    }
  };

  const packages = state.status === 'ready' ? state.data : [];
  return (
    <section aria-labelledby="evidence-heading">
      <h2 id="evidence-heading" className="heading-m">
        {t('staff.evidence.heading')}
      </h2>
      <p className="body">{t('staff.evidence.hint')}</p>
      {packages.length > 0 ? (
        <ul className="list">
          {packages.map((p) => (
            <li key={p.id}>
              <a href={evidenceDownloadUrl(appointmentId, p.id)} download>
                {t('staff.evidence.download', { date: formatInstantDate(p.createdAt, timeZone, language), time: formatInstantTime(p.createdAt, timeZone, language) })}
              </a>{' '}
              <span className="staff-muted">
                {t('staff.evidence.details', { files: p.files, mb: (p.size / 1_048_576).toFixed(1), sha256: p.sha256.slice(0, 16), timestamped: p.timestamped ? 'yes' : 'no' })}
              </span>
            </li>
          ))}
        </ul>
      ) : null}
      <button type="button" className="button button--secondary" disabled={busy} onClick={() => void seal()}>
        {busy ? t('staff.evidence.sealing') : t('staff.evidence.seal')}
      </button>
      <p className={message?.error ? 'body error-message' : 'body'} role="status">
        {message?.text ?? ''}
      </p>
    </section>
  );
}
