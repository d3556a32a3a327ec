/**
 * The bare servers bench/upload compares the app with, each run in its own
 * child process (`upload.ts serve <kind> <dir>`), which prints the port it
 * listens on and stops on SIGTERM.
 */
import { createWriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';

async function serveTus(workDir: string): Promise<http.Server> {
  const { Server } = await import('@tus/server');
  const { localBlobStore } = await import('../../src/server/adapters/storage/local-blob-store.ts');
  const { EncryptedTusStore } = await import('../../src/server/adapters/storage/tus-store.ts');
  const store = new EncryptedTusStore(localBlobStore(path.join(workDir, 'blobs'), Buffer.from(process.env.BENCH_MASTER_KEY ?? '', 'hex')));
  const tus = new Server({
    path: '/files',
    datastore: store,
    // What the app does when the last byte is in: seal the blob and take its hash.
    onUploadFinish: async (_req, upload) => {
      const { sha256 } = await store.finish(upload.id);
      return { status_code: 200, headers: { 'Upload-Sha256': sha256 } };
    },
  });
  return http.createServer((req, res) => void tus.handle(req, res));
}

async function serveTusDiscard(): Promise<http.Server> {
  const { Server } = await import('@tus/server');
  const { DataStore, Upload } = await import('@tus/utils');
  const uploads = new Map<string, { size?: number; offset: number }>();
  class DiscardStore extends DataStore {
    override async create(upload: InstanceType<typeof Upload>) {
      uploads.set(upload.id, { size: upload.size, offset: 0 });
      return upload;
    }
    override async write(readable: NodeJS.ReadableStream, id: string, offset: number) {
      let received = 0;
      for await (const chunk of readable) received += (chunk as Buffer).length;
      uploads.set(id, { size: uploads.get(id)?.size, offset: offset + received });
      return offset + received;
    }
    override async getUpload(id: string) {
      const known = uploads.get(id);
      return new Upload({ id, size: known?.size, offset: known?.offset ?? 0 });
    }
  }
  const tus = new Server({ path: '/files', datastore: new DiscardStore(), onUploadFinish: async () => ({ status_code: 200 }) });
  return http.createServer((req, res) => void tus.handle(req, res));
}

function servePlain(workDir: string): http.Server {
  const file = path.join(workDir, 'file');
  return http.createServer((req, res) => {
    const offset = Number(req.headers['upload-offset'] ?? 0);
    void (async () => {
      await pipeline(req, createWriteStream(file, { flags: offset === 0 ? 'w' : 'r+', start: offset }));
      // fsync flushes the file, whichever descriptor asks.
      const handle = await open(file, 'r+');
      try {
        await handle.datasync();
      } finally {
        await handle.close();
      }
      res.writeHead(204).end();
    })().catch((error: unknown) => {
      res.writeHead(500).end(String(error));
    });
  });
}

/** Runs one bare server of `kind` (tus, tus-discard or plain) on `workDir` until SIGTERM, after printing its port. */
export async function serve(kind: string, workDir: string): Promise<void> {
  if (!workDir) throw new Error('usage: upload.ts serve <tus|tus-discard|plain> <dir>');
  const server = kind === 'tus' ? await serveTus(workDir) : kind === 'tus-discard' ? await serveTusDiscard() : servePlain(workDir);
  server.listen(0, '127.0.0.1', () => process.stdout.write(`${(server.address() as AddressInfo).port}\n`));
  process.once('SIGTERM', () => server.close(() => process.exit(0)));
}
