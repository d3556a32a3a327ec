/**
 * The call's recording on the appointment page: where it stands, and once
 * saved, a player (the server answers Range requests, so seeking fetches
 * only what is shown), its duration and SHA-256, and a download link.
 */
import { useTranslation } from 'react-i18next';
import { detectBasePath } from '../../api/client.ts';
import { useLoad } from '../../hooks/use-load.ts';
import { loadRecording } from '../../recording/recording-api.ts';

/** The recording section, or nothing when the call was not recorded. */
export function RecordingSection({ appointmentId, version }: { appointmentId: string; version: number }) {
  const { t } = useTranslation();
  const [state] = useLoad(() => loadRecording(appointmentId), [appointmentId, version]);
  if (state.status !== 'ready' || !state.data) return null;
  const view = state.data;
  const content = `${detectBasePath(window.location.pathname)}/api/staff/appointments/${encodeURIComponent(appointmentId)}/recording/content`;
  const status = view.status === 'ready' ? 'stopped' : view.status;
  return (
    <section className="recording-panel" aria-labelledby="recording-section-heading">
      <h2 id="recording-section-heading" className="heading-m">
        {t('live.staffCall.recordingHeading')}
      </h2>
      <p className="body">{t('live.staffCall.recordingState', { status, segment: view.segments.length })}</p>
      {view.file ? (
        <>
          <video className="recording-panel__player" controls preload="metadata" src={content} aria-label={t('live.staffCall.recordingPlayer')} />
          <p className="body">{t('live.staffCall.recordingSaved', { seconds: Math.round(view.file.durationMs / 1000) })}</p>
          <p className="body staff-muted recording-panel__digest">{t('live.staffCall.recordingDigest', { sha256: view.file.sha256 })}</p>
          <p className="body">
            <a href={`${content}?download=1`} download>
              {t('live.staffCall.recordingDownload')}
            </a>
          </p>
        </>
      ) : null}
    </section>
  );
}
