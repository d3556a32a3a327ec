/**
 * An upload's progress: a `<progress>` bar with the percent in words, the
 * amount sent, the speed and the time left, what is happening when it is not
 * simply uploading (reconnecting, offline, paused), and pause, resume and
 * cancel. Screen readers hear a polite summary at each quarter, not every tick.
 */
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { useLanguage } from '../../../hooks/use-language.ts';
import { formatBytes, formatPercent, formatSpeed, progressMilestone, progressPercent, timeLeft } from './transfer-stats.ts';
import type { SlotUpload } from './use-tus-upload.ts';

/** The actions the progress box offers. */
export interface ProgressActions {
  onPause: () => void;
  onResume: () => void;
  onCancel: () => void;
}

function title(upload: SlotUpload, t: TFunction): string {
  switch (upload.phase) {
    case 'preparing':
      return t('uploads.progress.preparing');
    case 'done':
      return t('uploads.progress.done', { name: upload.fileName });
    case 'paused':
      return t('uploads.progress.paused', { name: upload.fileName });
    default:
      return t('uploads.progress.uploading', { name: upload.fileName });
  }
}

function stateLine(upload: SlotUpload, t: TFunction): string | null {
  switch (upload.phase) {
    case 'reconnecting':
      return t('uploads.progress.reconnecting');
    case 'offline':
      return t('uploads.progress.offline');
    case 'stalled':
      return t('uploads.progress.stalled');
    case 'done':
      return t('uploads.progress.doneHint');
    case 'uploading':
      return upload.resumed ? t('uploads.progress.resumed') : null;
    default:
      return null;
  }
}

function TimeLeftText({ upload }: { upload: SlotUpload }) {
  const { t } = useTranslation();
  const language = useLanguage();
  if (upload.speed === null) return <>{t('uploads.progress.measuring')}</>;
  const left = timeLeft(upload.bytesTotal - upload.bytesSent, upload.speed);
  const speed = formatSpeed(upload.speed, language);
  if (!left) return <>{t('uploads.progress.speed', { speed })}</>;
  return <>{t('uploads.progress.speedAndTime', { speed, unit: left.unit, value: left.value })}</>;
}

/** The progress box of one slot's upload. */
export function UploadProgress({ upload, actions }: { upload: SlotUpload; actions: ProgressActions }) {
  const { t } = useTranslation();
  const language = useLanguage();
  const percent = progressPercent(upload.bytesSent, upload.bytesTotal);
  const percentText = formatPercent(percent, language);
  const line = stateLine(upload, t);
  const active = upload.phase === 'uploading' || upload.phase === 'reconnecting';
  const stopped = upload.phase === 'paused' || upload.phase === 'offline' || upload.phase === 'stalled';
  return (
    <div className={upload.phase === 'done' ? 'doc-progress doc-progress--done' : 'doc-progress'}>
      {upload.phase === 'preparing' ? (
        <p className="label">{title(upload, t)}</p>
      ) : (
        <label className="label break-word" htmlFor="upload-progress">
          {title(upload, t)}
        </label>
      )}
      {upload.phase === 'preparing' ? (
        <p className="status-line">
          <span className="spinner" aria-hidden="true" />
          {t('uploads.progress.preparingHint')}
        </p>
      ) : (
        <>
          <progress id="upload-progress" className="doc-progress__bar" max={100} value={percent} />
          <p className="doc-progress__figures">
            <strong className="doc-progress__percent">{percentText}</strong>
            <span>{t('uploads.progress.amount', { sent: formatBytes(upload.bytesSent, language), total: formatBytes(upload.bytesTotal, language) })}</span>
          </p>
          {upload.phase === 'uploading' ? (
            <p className="hint doc-progress__speed">
              <TimeLeftText upload={upload} />
            </p>
          ) : null}
          {line ? (
            <p className={upload.phase === 'reconnecting' ? 'status-line' : 'body'}>
              {upload.phase === 'reconnecting' ? <span className="spinner" aria-hidden="true" /> : null}
              {line}
            </p>
          ) : null}
          {upload.phase === 'done' ? null : (
            <div className="doc-progress__actions">
              {active ? (
                <button type="button" className="button button--secondary" onClick={actions.onPause}>
                  {t('uploads.progress.pause')}
                </button>
              ) : null}
              {stopped ? (
                <button type="button" className="button button--secondary" onClick={actions.onResume}>
                  {t('uploads.progress.resume')}
                </button>
              ) : null}
              <button type="button" className="doc-link-button" onClick={actions.onCancel}>
                {t('uploads.progress.cancel')}
              </button>
            </div>
          )}
        </>
      )}
    </div>
  );
}

/** What the polite live region says about an upload: it changes only at milestones, so it is read only then. */
export function announcement(upload: SlotUpload | undefined, t: TFunction, language: string): string {
  if (!upload) return '';
  const percent = formatPercent(progressMilestone(progressPercent(upload.bytesSent, upload.bytesTotal)), language);
  switch (upload.phase) {
    case 'preparing':
      return t('uploads.progress.preparing');
    case 'uploading':
      return t('uploads.announce.progress', { name: upload.fileName, percent });
    case 'reconnecting':
      return t('uploads.progress.reconnecting');
    case 'paused':
      return t('uploads.announce.paused', { percent });
    case 'offline':
      return t('uploads.progress.offline');
    case 'stalled':
      return t('uploads.progress.stalled');
    case 'done':
      return t('uploads.announce.done', { name: upload.fileName });
  }
}

/** A visually hidden polite live region; keep it rendered so changes are announced. */
export function UploadAnnouncer({ upload }: { upload: SlotUpload | undefined }) {
  const { t } = useTranslation();
  const language = useLanguage();
  return (
    <div className="visually-hidden" aria-live="polite" aria-atomic="true">
      {announcement(upload, t, language)}
    </div>
  );
}
