/**
 * Builds the web app (src/web) into dist/web, which the server serves with an
 * SPA fallback to index.html. Assets live under /assets/ whatever the
 * organisation prefix, so `base` is '/'. The CSP allows only same-origin
 * scripts and styles: nothing is inlined (no inline scripts, CSS in a file).
 */
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** Where `npm run dev` (the API server) listens by default. */
const serverUrl = 'http://127.0.0.1:3000';

export default defineConfig({
  root: fileURLToPath(new URL('./src/web', import.meta.url)),
  base: '/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('./dist/web', import.meta.url)),
    emptyOutDir: true,
    // Never inline assets as data: URIs; the CSP serves everything from 'self'.
    assetsInlineLimit: 0,
    sourcemap: true,
    rolldownOptions: {
      output: {
        // Libraries change less often than the app: separate files stay cached across releases.
        codeSplitting: {
          groups: [
            { name: 'react', test: /node_modules[\\/](react|react-dom|scheduler)[\\/]/ },
            // The PDF libraries are loaded only by the pages that need them (photo → PDF, the staff viewer).
            { name: 'vendor', test: /node_modules[\\/](?!pdf-lib|pdfjs-dist|@pdf-lib)/ },
          ],
        },
      },
    },
  },
  server: {
    // `npm run dev` runs the API; `npx vite` proxies to it for hot reloading of the UI.
    proxy: {
      '^/(o/[a-z0-9-]+/)?api/': { target: serverUrl, changeOrigin: false },
      '/dev/': { target: serverUrl },
    },
  },
});
