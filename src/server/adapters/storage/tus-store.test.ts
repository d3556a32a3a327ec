import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Server } from '@tus/server';
import { Upload } from '@tus/utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BlobStore } from './blob-store.ts';
import { localBlobStore } from './local-blob-store.ts';
import { DEFAULT_RECORD_SIZE } from './record-format.ts';
import { EncryptedTusStore } from './tus-store.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const TUS = { 'Tus-Resumable': '1.0.0' };
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const metadataHeader = (fields: Record<string, string>) =>
  Object.entries(fields)
    .map(([k, v]) => `${k} ${Buffer.from(v).toString('base64')}`)
    .join(',');

async function readAll(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

/** Polls `check` until it holds (a condition, not a timed wait); fails after `ms`. */
async function until(check: () => Promise<boolean>, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not reached');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A tus server on an ephemeral port over the encrypted store in `dir`, as the app mounts it. */
async function startTus(dir: string, key: Buffer, recordSize = 1024) {
  const blobs = localBlobStore(dir, key, { recordSize });
  const store = new EncryptedTusStore(blobs, { expirationPeriodInMilliseconds: 3_600_000 });
  const tus = new Server({ path: '/files', datastore: store });
  const server = http.createServer((req, res) => void tus.handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}/files`,
    blobs,
    store,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function create(base: string, headers: Record<string, string>, body?: Buffer): Promise<{ url: string; response: Response }> {
  const withBody: Record<string, string> = body ? { 'Content-Type': 'application/offset+octet-stream' } : {};
  const response = await fetch(base, { method: 'POST', headers: { ...TUS, ...withBody, ...headers }, body: body && new Uint8Array(body) });
  expect(response.status).toBe(201);
  return { url: response.headers.get('location') ?? '', response };
}

async function patch(url: string, offset: number, body: Buffer, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, {
    method: 'PATCH',
    headers: { ...TUS, 'Upload-Offset': String(offset), 'Content-Type': 'application/offset+octet-stream', ...headers },
    body: new Uint8Array(body),
  });
}

async function head(url: string): Promise<Response> {
  return fetch(url, { method: 'HEAD', headers: TUS });
}

const offsetOf = async (url: string) => Number((await head(url)).headers.get('upload-offset'));
const idOf = (url: string) => url.slice(url.lastIndexOf('/') + 1);

describe('tus store behind @tus/server', () => {
  let dir: string;
  let key: Buffer;
  const running: { close: () => Promise<void> }[] = [];
  const start = async (recordSize?: number) => {
    const tus = await startTus(dir, key, recordSize);
    running.push(tus);
    return tus;
  };
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'finestreta-tus-'));
    key = randomBytes(32);
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((tus) => tus.close()));
    await rm(dir, { recursive: true, force: true });
  });

  it('uploads in pieces, resumes on a new server and store, and keeps every byte', async () => {
    const data = randomBytes(10_000);
    const first = await start();
    const { url } = await create(first.base, { 'Upload-Length': String(data.length), 'Upload-Metadata': metadataHeader({ filename: 'passport.pdf' }) });
    let offset = 0;
    for (const piece of [1, 1023, 1, 2500, 77]) {
      const response = await patch(url, offset, data.subarray(offset, offset + piece));
      expect(response.status).toBe(204);
      offset += piece;
      expect(Number(response.headers.get('upload-offset'))).toBe(offset);
      expect(await offsetOf(url)).toBe(offset);
    }
    await first.close();

    const second = await start();
    const resumedUrl = url.replace(new URL(first.base).host, new URL(second.base).host);
    const answer = await head(resumedUrl);
    expect(answer.headers.get('upload-offset')).toBe(String(offset));
    expect(answer.headers.get('upload-length')).toBe(String(data.length));
    expect(answer.headers.get('upload-metadata')).toBe(metadataHeader({ filename: 'passport.pdf' }));
    expect((await patch(resumedUrl, offset - 1, Buffer.from('x'))).status).toBe(409);
    expect((await patch(resumedUrl, offset, data.subarray(offset))).status).toBe(204);
    expect(await offsetOf(resumedUrl)).toBe(data.length);

    expect(await second.store.finish(idOf(url))).toEqual({ size: data.length, sha256: sha256(data) });
    expect((await readAll(second.blobs.read(idOf(url)))).equals(data)).toBe(true);
  });

  it('never serves an upload back over GET', async () => {
    const data = Buffer.from('%PDF-1.7 secret content of a citizen');
    const tus = await start();
    const { url } = await create(tus.base, { 'Upload-Length': String(data.length) });
    expect((await patch(url, 0, data)).status).toBe(204);
    const response = await fetch(url);
    expect(response.status).toBe(404);
    expect(await response.text()).not.toContain('secret');
  });

  it('supports creation with upload and a deferred length', async () => {
    const tus = await start();
    const data = randomBytes(3000);
    const { url, response } = await create(tus.base, { 'Upload-Length': String(data.length) }, data.subarray(0, 1500));
    expect(response.headers.get('upload-offset')).toBe('1500');
    expect((await patch(url, 1500, data.subarray(1500))).status).toBe(204);
    expect(await tus.store.finish(idOf(url))).toEqual({ size: 3000, sha256: sha256(data) });

    const deferred = await create(tus.base, { 'Upload-Defer-Length': '1' });
    expect((await head(deferred.url)).headers.get('upload-defer-length')).toBe('1');
    expect((await patch(deferred.url, 0, data.subarray(0, 100))).status).toBe(204);
    await expect(tus.store.finish(idOf(deferred.url))).rejects.toThrow('not complete');
    expect((await patch(deferred.url, 100, data.subarray(100), { 'Upload-Length': '3000' })).status).toBe(204);
    expect((await head(deferred.url)).headers.get('upload-length')).toBe('3000');
    expect(await tus.store.finish(idOf(deferred.url))).toEqual({ size: 3000, sha256: sha256(data) });
  });

  it('keeps what arrived before the client broke off a PATCH', async () => {
    const tus = await start();
    const data = randomBytes(8000);
    const { url } = await create(tus.base, { 'Upload-Length': String(data.length) });
    const request = http.request(url, {
      method: 'PATCH',
      headers: { ...TUS, 'Upload-Offset': '0', 'Content-Type': 'application/offset+octet-stream', 'Content-Length': String(data.length) },
    });
    request.on('error', () => undefined);
    await new Promise<void>((resolve) => request.write(data.subarray(0, 3333), () => resolve()));
    // The server has the bytes once the blob file has grown by the 3 full records they make.
    await until(async () => (await stat(path.join(dir, idOf(url).slice(0, 2), `${idOf(url)}.blob`))).size >= 128 + 3 * 1052);
    request.destroy();
    await until(async () => (await offsetOf(url)) === 3333);
    expect((await patch(url, 3333, data.subarray(3333))).status).toBe(204);
    expect(await tus.store.finish(idOf(url))).toEqual({ size: 8000, sha256: sha256(data) });
  });

  it('terminates an upload by shredding its blob', async () => {
    const tus = await start();
    const { url } = await create(tus.base, { 'Upload-Length': '10', 'Upload-Metadata': metadataHeader({ filename: 'x.pdf' }) });
    expect((await patch(url, 0, Buffer.from('12345'))).status).toBe(204);
    expect((await fetch(url, { method: 'DELETE', headers: TUS })).status).toBe(204);
    expect((await head(url)).status).toBe(404);
    expect((await fetch(url, { method: 'DELETE', headers: TUS })).status).toBe(404);
    expect(await readdir(path.join(dir, idOf(url).slice(0, 2)))).toEqual([]);
  });

  it('expires unfinished uploads past the expiration period and keeps the rest', async () => {
    const blobs: BlobStore = localBlobStore(dir, key);
    const store = new EncryptedTusStore(blobs, { expirationPeriodInMilliseconds: 3_600_000 });
    const old = new Date(Date.now() - 2 * 3_600_000).toISOString();
    await store.create(new Upload({ id: 'a'.repeat(32), size: 10, offset: 0, creation_date: old }));
    await store.create(new Upload({ id: 'b'.repeat(32), size: 10, offset: 0 }));
    await store.create(new Upload({ id: 'c'.repeat(32), size: 3, offset: 0, creation_date: old }));
    await store.write(Readable.from([Buffer.from('abc')]), 'c'.repeat(32), 0);
    await store.finish('c'.repeat(32));
    expect(await store.deleteExpired()).toBe(1);
    expect((await blobs.list()).sort()).toEqual(['b'.repeat(32), 'c'.repeat(32)]);
    expect((await store.getUpload('b'.repeat(32))).creation_date).toBeDefined();
  });
});

/** A tus server in a child process over the store in `dir`: something a test can kill -9. */
async function spawnTusServer(dir: string, key: Buffer): Promise<{ child: ChildProcess; base: string }> {
  const script = `
    import http from 'node:http';
    import { Server } from '@tus/server';
    import { localBlobStore } from ${JSON.stringify(pathToFileURL(path.join(here, 'local-blob-store.ts')).href)};
    import { EncryptedTusStore } from ${JSON.stringify(pathToFileURL(path.join(here, 'tus-store.ts')).href)};
    const blobs = localBlobStore(process.env.BLOB_DIR, Buffer.from(process.env.BLOB_KEY, 'hex'));
    const tus = new Server({ path: '/files', datastore: new EncryptedTusStore(blobs) });
    const server = http.createServer((req, res) => void tus.handle(req, res));
    server.listen(0, '127.0.0.1', () => process.stdout.write(server.address().port + '\\n'));
  `;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: path.resolve(here, '../../../..'),
    env: { ...process.env, BLOB_DIR: dir, BLOB_KEY: key.toString('hex') },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`tus child exited with ${code}`)));
    child.stdout?.once('data', (chunk: Buffer) => resolve(chunk.toString().trim()));
  });
  return { child, base: `http://127.0.0.1:${port}/files` };
}

describe('tus store across a kill -9', () => {
  let dir: string;
  const children: ChildProcess[] = [];
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'finestreta-tus-kill-'));
  });
  afterEach(async () => {
    for (const child of children.splice(0)) child.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  });

  it('loses and corrupts nothing when the server is killed mid-PATCH', async () => {
    const key = randomBytes(32);
    const record = DEFAULT_RECORD_SIZE;
    const data = randomBytes(3 * record + 123);
    const first = await spawnTusServer(dir, key);
    children.push(first.child);
    const { url } = await create(first.base, { 'Upload-Length': String(data.length) });
    const id = idOf(url);
    const blobFile = path.join(dir, id.slice(0, 2), `${id}.blob`);

    const request = http.request(url, {
      method: 'PATCH',
      headers: { ...TUS, 'Upload-Offset': '0', 'Content-Type': 'application/offset+octet-stream', 'Content-Length': String(data.length) },
    });
    request.on('error', () => undefined);
    request.write(data.subarray(0, 2 * record + 777));
    // Killed once records are being written, with the PATCH still open.
    await until(async () => (await stat(blobFile)).size >= 128 + 2 * (record + 28));
    first.child.kill('SIGKILL');
    await new Promise((resolve) => first.child.once('exit', resolve));
    request.destroy();

    const second = await spawnTusServer(dir, key);
    children.push(second.child);
    const resumedUrl = `${second.base}/${id}`;
    const offset = await offsetOf(resumedUrl);
    expect(offset).toBeGreaterThanOrEqual(2 * record);
    expect(offset).toBeLessThanOrEqual(2 * record + 777);
    expect((await patch(resumedUrl, offset, data.subarray(offset))).status).toBe(204);
    second.child.kill('SIGKILL');

    const blobs = localBlobStore(dir, key);
    expect(await blobs.finish(id)).toEqual({ size: data.length, sha256: sha256(data) });
    expect((await readAll(blobs.read(id))).equals(data)).toBe(true);
  });
});
