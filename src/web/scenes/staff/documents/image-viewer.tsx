/**
 * A photographed or scanned image, shown with `<img>` (its alternative text is
 * the file name: the agent is checking the image itself) and zoom. The bytes
 * come straight from the server, which answers `Cache-Control: no-store`.
 */
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { onViewerKey, useZoom, ZoomControls } from './viewer-controls.tsx';

/** Props of {@link ImageViewer}. */
export interface ImageViewerProps {
  url: string;
  fileName: string;
}

/** The viewer: zoom controls, then the image in a focusable, scrollable area. */
export function ImageViewer({ url, fileName }: ImageViewerProps) {
  const { t } = useTranslation();
  const { zoom, setZoom, zoomIn, zoomOut } = useZoom();
  const [failed, setFailed] = useState(false);
  const [naturalWidth, setNaturalWidth] = useState(0);
  const area = useRef<HTMLDivElement>(null);
  const hintId = 'image-keys-hint';

  const fitWidth = (natural: number) => {
    const available = (area.current?.clientWidth ?? natural) - 32;
    if (natural > 0) setZoom(Math.min(1, available / natural));
  };
  const fit = () => fitWidth(naturalWidth);

  if (failed) {
    return (
      <p className="body review-note review-note--warning" role="alert">
        {t('review.viewer.errors.image')}
      </p>
    );
  }

  const width = zoom !== null && naturalWidth > 0 ? `${Math.round(naturalWidth * zoom)}px` : undefined;
  return (
    <div className="review-viewer">
      {zoom !== null ? (
        <div className="review-toolbar">
          <ZoomControls zoom={zoom} onZoomIn={zoomIn} onZoomOut={zoomOut} onFit={fit} />
        </div>
      ) : (
        <p className="body loading" role="status">
          {t('review.viewer.opening')}
        </p>
      )}
      <p id={hintId} className="hint review-viewer__keys">
        {t('review.viewer.keysImage')}
      </p>
      <div
        ref={area}
        className="review-viewer__area"
        role="region"
        tabIndex={0}
        aria-label={t('review.viewer.area', { file: fileName })}
        aria-describedby={hintId}
        onKeyDown={(event) => onViewerKey(event, { zoomIn, zoomOut, fit })}
      >
        <img
          src={url}
          alt={fileName}
          className="review-image"
          // React sets this through the CSSOM, which the CSP (no inline styles) allows.
          style={width ? { width, maxWidth: 'none' } : undefined}
          onLoad={(event) => {
            setNaturalWidth(event.currentTarget.naturalWidth);
            fitWidth(event.currentTarget.naturalWidth);
          }}
          onError={() => setFailed(true)}
        />
      </div>
    </div>
  );
}
