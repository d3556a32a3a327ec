// Builds the server for `npm start`: src/server/main.ts and everything it imports from src/ into one ES module,
// dist/server/main.mjs, run by plain `node`. Running the sources through tsx instead costs every server process
// a TypeScript loader (about 36 MB) and the memory of ~150 separately loaded modules (a bundle is ~50 MB lighter
// at idle, see README "Benchmarks"). Packages stay in node_modules (`packages: 'external'`): native ones
// (better-sqlite3, argon2) cannot be bundled, and the rest load as they do in development and tests.
//
// Files the server finds next to its own source at run time are copied beside the bundle, so that the same
// relative URL resolves from dist/server/ as from the sources:
//   - src/server/adapters/storage/seal-worker.js, started with `new URL('./seal-worker.js', import.meta.url)`
//     (beside the entry and in chunks/, see below);
//   - the web app is looked up at `../../dist/web` from the module (src/server/app.ts), which holds from
//     dist/server/ too.
// Tests and the operators' CLI keep running the TypeScript sources through tsx.
import process from 'node:process';
import { copyFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outdir = path.join(root, 'dist/server');

await mkdir(outdir, { recursive: true });
const built = await build({
  entryPoints: [path.join(root, 'src/server/main.ts')],
  outdir,
  entryNames: '[name]',
  // Modules the server imports only when first needed (the signing libraries, pdf-lib) stay in chunks of
  // their own, so their packages load then too, not at start (README "Benchmarks": memory at idle).
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  // Class and function names as written, in logs (pino records an error's constructor name) and stack traces.
  keepNames: true,
  // For a debugger, or `node --enable-source-maps` (not on by default: it keeps every map in memory).
  sourcemap: 'linked',
  logLevel: 'warning',
}).catch(() => null); // esbuild has printed what failed
if (!built) process.exit(1);
// The code that starts the worker may land in the entry or in a shared chunk (chunks/), depending on what
// else imports it: the worker goes beside both, so `new URL('./seal-worker.js', import.meta.url)` resolves
// from either (src/server/bundle.test.ts checks every such URL of the bundle).
for (const dir of [outdir, path.join(outdir, 'chunks')]) {
  await mkdir(dir, { recursive: true });
  await copyFile(path.join(root, 'src/server/adapters/storage/seal-worker.js'), path.join(dir, 'seal-worker.js'));
}
