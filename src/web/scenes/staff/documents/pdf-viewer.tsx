/**
 * A PDF shown page by page with pdf.js, fetched from the server in 64 KiB
 * HTTP Range chunks as pages need them: the decrypted bytes stay in memory
 * and nothing is saved to the agent's disk (the server answers
 * `Cache-Control: no-store`). Each page is drawn on a canvas with pdf.js's
 * text layer over it, so its words can be selected, searched and read out.
 */
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PDFDocumentProxy, RenderTask } from 'pdfjs-dist';
import { loadPdfJs } from './pdfjs.ts';
import { onViewerKey, PageControls, useZoom, ZoomControls } from './viewer-controls.tsx';

type Problem = 'load' | 'password' | 'invalid';

/** pdf.js errors carry their class name in `name`. */
function problemOf(error: unknown): Problem {
  const name = error instanceof Error ? error.name : '';
  if (name === 'PasswordException') return 'password';
  if (name === 'InvalidPDFException') return 'invalid';
  return 'load';
}

/** Props of {@link PdfViewer}. */
export interface PdfViewerProps {
  /** Same-origin address of the PDF's bytes (Range requests honoured). */
  url: string;
  fileName: string;
}

/** The viewer: toolbar, then the page in a focusable, scrollable area. */
export function PdfViewer({ url, fileName }: PdfViewerProps) {
  const { t } = useTranslation();
  const [pdf, setPdf] = useState<PDFDocumentProxy | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [page, setPage] = useState(1);
  const [renderedPage, setRenderedPage] = useState(0);
  const { zoom, setZoom, zoomIn, zoomOut } = useZoom();
  const area = useRef<HTMLDivElement>(null);
  const pageBox = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const textLayer = useRef<HTMLDivElement>(null);
  const hintId = 'pdf-keys-hint';

  // Open the document; destroying the task on unmount aborts its requests and ends the worker.
  useEffect(() => {
    let cancelled = false;
    let destroy: (() => Promise<void>) | null = null;
    setPdf(null);
    setProblem(null);
    setPage(1);
    loadPdfJs()
      .then(({ pdfjs, BinaryDataFactory }) => {
        if (cancelled) return;
        const task = pdfjs.getDocument({
          url,
          withCredentials: true,
          rangeChunkSize: 65536,
          disableAutoFetch: true,
          // With streaming off, pdf.js fetches only the byte ranges of the pages shown (pdf.js docs: disableAutoFetch needs it).
          disableStream: true,
          // The CSP forbids eval: pdf.js must not try it.
          isEvalSupported: false,
          BinaryDataFactory,
          useWorkerFetch: false,
        });
        destroy = () => task.destroy();
        return task.promise.then((loaded) => {
          if (!cancelled) setPdf(loaded);
        });
      })
      .catch((error: unknown) => {
        if (!cancelled) setProblem(problemOf(error));
      });
    return () => {
      cancelled = true;
      void destroy?.();
    };
  }, [url]);

  // "Fit to width" once the first page's size is known.
  const fit = () => {
    if (!pdf) return;
    void Promise.all([loadPdfJs(), pdf.getPage(page)]).then(([{ pdfjs }, pdfPage]) => {
      const width = pdfPage.getViewport({ scale: pdfjs.PixelsPerInch.PDF_TO_CSS_UNITS }).width;
      const available = (area.current?.clientWidth ?? width) - 32;
      setZoom(Math.min(1, available / width));
    });
  };
  useEffect(() => {
    if (pdf && zoom === null) fit();
    // Only when a document arrives: afterwards the agent's zoom stands.
  }, [pdf]);

  // Draw the page (and its text layer); a newer page or zoom cancels a drawing in progress.
  useEffect(() => {
    if (!pdf || zoom === null) return;
    let cancelled = false;
    let renderTask: RenderTask | null = null;
    let cancelText: (() => void) | null = null;
    void (async () => {
      const [{ pdfjs }, pdfPage] = await Promise.all([loadPdfJs(), pdf.getPage(page)]);
      const box = pageBox.current;
      const target = canvas.current;
      const text = textLayer.current;
      if (cancelled || !box || !target || !text) return;
      const viewport = pdfPage.getViewport({ scale: zoom * pdfjs.PixelsPerInch.PDF_TO_CSS_UNITS });
      const ratio = window.devicePixelRatio || 1;
      target.width = Math.floor(viewport.width * ratio);
      target.height = Math.floor(viewport.height * ratio);
      // Styles set through the CSSOM, which the CSP (no inline styles) allows.
      box.style.setProperty('--total-scale-factor', String(viewport.scale));
      box.style.width = `${Math.floor(viewport.width)}px`;
      box.style.height = `${Math.floor(viewport.height)}px`;
      renderTask = pdfPage.render({ canvas: target, viewport, transform: ratio === 1 ? undefined : [ratio, 0, 0, ratio, 0, 0] });
      text.replaceChildren();
      const layer = new pdfjs.TextLayer({ textContentSource: pdfPage.streamTextContent(), container: text, viewport });
      cancelText = () => layer.cancel();
      await Promise.all([renderTask.promise, layer.render()]);
      if (!cancelled) setRenderedPage(page);
    })().catch((error: unknown) => {
      const name = error instanceof Error ? error.name : '';
      if (!cancelled && name !== 'RenderingCancelledException' && name !== 'AbortException') setProblem('load');
    });
    return () => {
      cancelled = true;
      renderTask?.cancel();
      cancelText?.();
    };
  }, [pdf, page, zoom]);

  if (problem) {
    return (
      <p className="body review-note review-note--warning" role="alert">
        {t(`review.viewer.errors.${problem}`)}
      </p>
    );
  }

  const count = pdf?.numPages ?? 0;
  const goTo = (next: number) => setPage(Math.min(Math.max(1, next), count));
  return (
    <div className="review-viewer">
      {pdf && zoom !== null ? (
        <div className="review-toolbar">
          <PageControls page={page} count={count} onPage={goTo} />
          <ZoomControls zoom={zoom} onZoomIn={zoomIn} onZoomOut={zoomOut} onFit={fit} />
        </div>
      ) : (
        <p className="body loading" role="status">
          {t('review.viewer.opening')}
        </p>
      )}
      <p id={hintId} className="hint review-viewer__keys">
        {t('review.viewer.keysPdf')}
      </p>
      <div
        ref={area}
        className="review-viewer__area"
        role="region"
        tabIndex={0}
        aria-label={t('review.viewer.area', { file: fileName })}
        aria-describedby={hintId}
        aria-busy={renderedPage !== page}
        onKeyDown={(event) =>
          onViewerKey(event, { zoomIn, zoomOut, fit, previousPage: () => goTo(page - 1), nextPage: () => goTo(page + 1) })
        }
      >
        <div ref={pageBox} className="review-page">
          <canvas ref={canvas} className="review-page__canvas" role="img" aria-label={t('review.viewer.pageImage', { page, count })} />
          <div ref={textLayer} className="textLayer" />
        </div>
      </div>
    </div>
  );
}
