/** The notice of an upload that stopped on an earlier visit: how far it got, and how to continue it. */
import { useTranslation } from 'react-i18next';
import { useLanguage } from '../../../hooks/use-language.ts';
import { formatPercent, progressPercent } from './transfer-stats.ts';
import type { StoredProgress } from './use-tus-upload.ts';

/** "An upload of X stopped at 45 %. Choose the same file to continue where it stopped." with a way to discard it. */
export function ResumeNotice({ stored, onDiscard }: { stored: StoredProgress; onDiscard: () => void }) {
  const { t } = useTranslation();
  const language = useLanguage();
  const percent = stored.offset === null ? null : progressPercent(stored.offset, stored.size);
  return (
    <div className="inset-text doc-resume">
      <p className="body break-word">
        {percent === null
          ? t('uploads.resume.stoppedUnknown', { name: stored.fileName })
          : t('uploads.resume.stopped', { name: stored.fileName, percent: formatPercent(percent, language) })}
      </p>
      {percent === null ? null : (
        <progress className="doc-progress__bar" max={100} value={percent} aria-label={t('uploads.resume.progressLabel', { name: stored.fileName })} />
      )}
      <p className="body">{t('uploads.resume.howTo')}</p>
      <button
        type="button"
        className="doc-link-button"
        aria-label={t('uploads.resume.discardLabel', { name: stored.fileName })}
        onClick={onDiscard}
      >
        {t('uploads.resume.discard')}
      </button>
    </div>
  );
}
