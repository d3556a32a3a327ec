/**
 * pdf.js, loaded only when an agent opens a PDF: the citizen pages never
 * download it. The worker runs from its own file (CSP `worker-src 'self'`);
 * the helper files pdf.js may ask for come with it (`pdfjs-helper-files.ts`).
 */
import type * as PdfJs from 'pdfjs-dist';

/** pdf.js, ready to open documents. */
export interface LoadedPdfJs {
  pdfjs: typeof PdfJs;
  /** The `BinaryDataFactory` option to pass to `getDocument`. */
  BinaryDataFactory: new (options: unknown) => { fetch: (file: { kind: string; filename: string }) => Promise<Uint8Array> };
}

let loading: Promise<LoadedPdfJs> | null = null;

/** pdf.js with its worker set up; the first call downloads it. */
export function loadPdfJs(): Promise<LoadedPdfJs> {
  loading ??= Promise.all([
    import('pdfjs-dist'),
    import('pdfjs-dist/build/pdf.worker.min.mjs?url'),
    import('./pdfjs-helper-files.ts'),
  ]).then(([pdfjs, worker, helpers]) => {
    pdfjs.GlobalWorkerOptions.workerSrc = worker.default;
    return { pdfjs, BinaryDataFactory: helpers.BundledBinaryDataFactory };
  });
  // A failed download (offline) may be retried.
  loading.catch(() => {
    loading = null;
  });
  return loading;
}
