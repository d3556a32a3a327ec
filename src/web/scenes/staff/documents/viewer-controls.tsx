/**
 * Controls shared by the PDF and image viewers: zoom (out, in, fit to the
 * width), page navigation, and the keys the document area answers to. Native
 * buttons with `aria-disabled` (rather than `disabled`) keep focus where it is
 * when an end is reached; the current page and zoom are announced politely.
 */
import { useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';

/** Zoom factors the buttons step through (1 = actual size). */
export const ZOOM_STEPS: readonly number[] = [0.1, 0.25, 0.33, 0.5, 0.67, 0.75, 0.9, 1, 1.1, 1.25, 1.5, 1.75, 2, 2.5, 3, 4];

const ZOOM_MIN = ZOOM_STEPS[0] ?? 0.1;
const ZOOM_MAX = ZOOM_STEPS[ZOOM_STEPS.length - 1] ?? 4;

/** The next step above (`direction` 1) or below (-1) `zoom`, or `zoom` at the ends. */
export function stepZoom(zoom: number, direction: 1 | -1): number {
  if (direction > 0) return ZOOM_STEPS.find((step) => step > zoom + 0.001) ?? zoom;
  return [...ZOOM_STEPS].reverse().find((step) => step < zoom - 0.001) ?? zoom;
}

/** Clamps a computed zoom (fit to width) into the supported range. */
export function clampZoom(zoom: number): number {
  return Math.min(ZOOM_MAX, Math.max(ZOOM_MIN, zoom));
}

/** The zoom of a viewer: `null` until "fit to width" is first computed. */
export function useZoom(): { zoom: number | null; setZoom: (zoom: number) => void; zoomIn: () => void; zoomOut: () => void } {
  const [zoom, setZoomState] = useState<number | null>(null);
  return {
    zoom,
    setZoom: (next) => setZoomState(clampZoom(next)),
    zoomIn: () => setZoomState((z) => (z === null ? z : stepZoom(z, 1))),
    zoomOut: () => setZoomState((z) => (z === null ? z : stepZoom(z, -1))),
  };
}

/** A toolbar button; at an end it stays focusable but does nothing (`aria-disabled`). */
function ToolButton({ label, atEnd = false, onPress }: { label: string; atEnd?: boolean; onPress: () => void }) {
  return (
    <button type="button" className="button button--secondary button--inline" aria-disabled={atEnd} onClick={atEnd ? undefined : onPress}>
      {label}
    </button>
  );
}

/** Props of {@link ZoomControls}. */
export interface ZoomControlsProps {
  zoom: number;
  onZoomIn: () => void;
  onZoomOut: () => void;
  onFit: () => void;
}

/** Zoom out, the zoom level, zoom in, fit to width. */
export function ZoomControls({ zoom, onZoomIn, onZoomOut, onFit }: ZoomControlsProps) {
  const { t } = useTranslation();
  const atMin = stepZoom(zoom, -1) === zoom;
  const atMax = stepZoom(zoom, 1) === zoom;
  return (
    <div className="review-toolbar__group" role="group" aria-label={t('review.viewer.zoomGroup')}>
      <ToolButton label={t('review.viewer.zoomOut')} atEnd={atMin} onPress={onZoomOut} />
      <span className="review-toolbar__value" role="status">
        {t('review.viewer.zoomLevel', { zoom })}
      </span>
      <ToolButton label={t('review.viewer.zoomIn')} atEnd={atMax} onPress={onZoomIn} />
      <ToolButton label={t('review.viewer.fit')} onPress={onFit} />
    </div>
  );
}

/** Props of {@link PageControls}. */
export interface PageControlsProps {
  page: number;
  count: number;
  onPage: (page: number) => void;
}

/** Previous page, "Page x of n", next page. */
export function PageControls({ page, count, onPage }: PageControlsProps) {
  const { t } = useTranslation();
  const first = page <= 1;
  const last = page >= count;
  return (
    <div className="review-toolbar__group" role="group" aria-label={t('review.viewer.pagesGroup')}>
      <ToolButton label={t('review.viewer.previous')} atEnd={first} onPress={() => onPage(page - 1)} />
      <span className="review-toolbar__value" role="status">
        {t('review.viewer.pageOf', { page, count })}
      </span>
      <ToolButton label={t('review.viewer.next')} atEnd={last} onPress={() => onPage(page + 1)} />
    </div>
  );
}

/** What the document area does on a key press. */
export interface ViewerKeyActions {
  zoomIn: () => void;
  zoomOut: () => void;
  fit: () => void;
  previousPage?: () => void;
  nextPage?: () => void;
}

/**
 * Keys of the focused document area: + and − zoom, 0 fits to the width,
 * Page Up and Page Down change page (arrow keys keep scrolling the area).
 */
export function onViewerKey(event: KeyboardEvent<HTMLElement>, actions: ViewerKeyActions): void {
  if (event.altKey || event.ctrlKey || event.metaKey) return;
  const action =
    event.key === '+' || event.key === '='
      ? actions.zoomIn
      : event.key === '-' || event.key === '−'
        ? actions.zoomOut
        : event.key === '0'
          ? actions.fit
          : event.key === 'PageDown'
            ? actions.nextPage
            : event.key === 'PageUp'
              ? actions.previousPage
              : undefined;
  if (!action) return;
  event.preventDefault();
  action();
}
