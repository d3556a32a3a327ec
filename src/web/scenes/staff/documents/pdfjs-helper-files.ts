/**
 * pdf.js's helper files (WebAssembly decoders for JBIG2 and JPEG 2000 scans
 * and colour profiles, standard fonts, CMaps), emitted by Vite under hashed
 * names, and the `BinaryDataFactory` that hands them to pdf.js by the names
 * it asks for. Loaded only together with pdf.js (see `pdfjs.ts`).
 */

// Emitted as files and referenced by URL; none of them is fetched unless a document needs it.
const HELPER_FILES = import.meta.glob<string>(
  [
    '../../../../../node_modules/pdfjs-dist/wasm/*.wasm',
    '../../../../../node_modules/pdfjs-dist/standard_fonts/*.{pfb,ttf}',
    '../../../../../node_modules/pdfjs-dist/cmaps/*.bcmap',
  ],
  { query: '?url', import: 'default', eager: true },
);

const helperUrls = new Map(Object.entries(HELPER_FILES).map(([path, url]) => [path.slice(path.lastIndexOf('/') + 1), url]));

/**
 * pdf.js's `BinaryDataFactory` option: answers `fetch({ kind, filename })`
 * with the bytes of the named helper file. With a factory of its own pdf.js
 * fetches from the page rather than the worker (`useWorkerFetch` false).
 */
export class BundledBinaryDataFactory {
  /** pdf.js passes its URL options here; they are unused, the files are bundled. */
  constructor(_options: unknown) {}

  /** The bytes of `filename`; rejects when the file is not bundled. */
  async fetch({ filename }: { kind: string; filename: string }): Promise<Uint8Array> {
    const url = helperUrls.get(filename);
    if (!url) throw new Error(`pdf.js helper file not bundled: ${filename}`);
    const response = await fetch(url);
    if (!response.ok) throw new Error(`pdf.js helper file ${filename}: HTTP ${response.status}`);
    return new Uint8Array(await response.arrayBuffer());
  }
}
