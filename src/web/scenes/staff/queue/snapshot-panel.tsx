/**
 * Identification snapshots in the agent's call: one button per picture the
 * protocol asks for (the ID document's front and back, the citizen's face).
 * Each takes the citizen's video frame at its full resolution — not the
 * size it is shown at — as a JPEG and sends it; the page says what was
 * stored (size, pixels and the start of its SHA-256) in a polite live
 * region, or why it was not.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../../api/client.ts';
import { sendSnapshot } from '../../../api/snapshots-api.ts';
import { SNAPSHOT_KINDS, type SnapshotKind } from '../../../../shared/snapshots.ts';

/** The citizen's picture in the call, if it is showing one. */
function citizenVideo(): HTMLVideoElement | null {
  const video = document.querySelector<HTMLVideoElement>('.call-tile[data-role="citizen"] video');
  return video && video.videoWidth > 0 ? video : null;
}

/** The current frame of `video` at its own resolution, as a JPEG. */
export function captureFrame(video: HTMLVideoElement): Promise<{ image: Blob; width: number; height: number }> {
  const canvas = document.createElement('canvas');
  canvas.width = video.videoWidth;
  canvas.height = video.videoHeight;
  const context = canvas.getContext('2d');
  if (!context) return Promise.reject(new Error('no 2D canvas'));
  context.drawImage(video, 0, 0, canvas.width, canvas.height);
  return new Promise((resolve, reject) => {
    canvas.toBlob((blob) => (blob ? resolve({ image: blob, width: canvas.width, height: canvas.height }) : reject(new Error('the frame could not be encoded'))), 'image/jpeg', 0.92);
  });
}

type Outcome = { kind: 'ok'; text: string } | { kind: 'error'; text: string };

export function SnapshotPanel({ appointmentId, csrfToken }: { appointmentId: string; csrfToken: string }) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState<SnapshotKind | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [taken, setTaken] = useState<Partial<Record<SnapshotKind, number>>>({});

  const take = async (kind: SnapshotKind) => {
    const video = citizenVideo();
    if (!video) {
      setOutcome({ kind: 'error', text: t('live.snapshots.noVideo') });
      return;
    }
    setBusy(kind);
    try {
      const { image, width, height } = await captureFrame(video);
      const stored = await sendSnapshot(appointmentId, kind, image, csrfToken);
      setTaken((previous) => ({ ...previous, [kind]: (previous[kind] ?? 0) + 1 }));
      setOutcome({
        kind: 'ok',
        text: t('live.snapshots.stored', { what: t(`live.snapshots.kinds.${kind}`), width, height, kb: Math.round(stored.size / 1024), hash: stored.sha256.slice(0, 12) }),
      });
    } catch (error) {
      setOutcome({ kind: 'error', text: error instanceof ApiError && error.message ? error.message : t('live.snapshots.failed') });
    } finally {
      setBusy(null);
    }
  };

  return (
    <section className="snapshot-panel" aria-labelledby="snapshot-panel-heading">
      <h2 className="heading-s" id="snapshot-panel-heading">
        {t('live.snapshots.heading')}
      </h2>
      <p className="body">{t('live.snapshots.hint')}</p>
      <div className="button-group">
        {SNAPSHOT_KINDS.map((kind) => (
          <button key={kind} type="button" className="button button--secondary" disabled={busy !== null} onClick={() => void take(kind)}>
            {t('live.snapshots.take', { what: t(`live.snapshots.kinds.${kind}`), count: taken[kind] ?? 0 })}
          </button>
        ))}
      </div>
      <p className={outcome?.kind === 'error' ? 'body snapshot-panel__error' : 'body'} role="status">
        {outcome?.text ?? ''}
      </p>
    </section>
  );
}
