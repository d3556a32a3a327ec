import { createReadStream } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestClamd, TEST_SIGNATURE_REPORTED } from '../../../../test/clamd.ts';
import { CLAMD_MAX_SCAN_BYTES, clamdScanner, parseClamdUrl, pingClamd } from './clamd-scanner.ts';
import { ScannerUnavailable } from './scanner.ts';

// One clamd as production should run it (high limits, AlertExceedsMax), and
// one with tiny limits to see how clamd answers a file it will not scan whole.
const clamd = await startTestClamd();
const tiny = clamd && (await startTestClamd({ streamMaxLength: '1M', maxFileSize: '64K' }));
afterAll(async () => {
  await clamd?.stop();
  await tiny?.stop();
});

const MiB = 1024 * 1024;

/** `size` bytes of harmless text, produced lazily in `chunk`-sized pieces, with `marker` written at `at` if given. */
function document(size: number, opts: { chunk?: number; marker?: Buffer; at?: number; onProduce?: (n: number) => void } = {}): Readable {
  const chunk = opts.chunk ?? 64 * 1024;
  const { marker, at = 0 } = opts;
  function* pieces() {
    for (let start = 0; start < size; start += chunk) {
      const piece = Buffer.alloc(Math.min(chunk, size - start), 'Solicitud de empadronamiento. ');
      if (marker) {
        // Copy the part of the marker that falls in this piece, so it can straddle pieces.
        const from = Math.max(at, start);
        const to = Math.min(at + marker.length, start + piece.length);
        if (from < to) marker.copy(piece, from - start, from - at, to - at);
      }
      opts.onProduce?.(piece.length);
      yield piece;
    }
  }
  return Readable.from(pieces(), { objectMode: false });
}

async function closedPort(): Promise<number> {
  const server = net.createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** A stand-in clamd that does what `behave` says with each connection, for answers the real one cannot be made to give. */
async function fakeClamd(behave: (socket: net.Socket) => void): Promise<{ url: string; close: () => Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    behave(socket);
  });
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    url: `tcp://127.0.0.1:${address.port}`,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

describe.skipIf(clamd === null)('clamd scanner against a real clamd', () => {
  const url = clamd?.url ?? '';
  const marker = clamd?.signatureMarker ?? Buffer.alloc(0);

  it('reports clean bytes as clean', async () => {
    const scanner = clamdScanner(url);
    const bytes = Buffer.from('%PDF-1.7 nothing to see here');
    expect(await scanner.scan(Readable.from([bytes]), bytes.length)).toEqual({ verdict: 'clean' });
  });

  it('reports a multi-megabyte clean stream as clean over the Unix socket too', async () => {
    const scanner = clamdScanner(clamd?.unixUrl ?? '');
    expect(await scanner.scan(document(6 * MiB), 6 * MiB)).toEqual({ verdict: 'clean' });
  });

  it.each([
    ['64 KiB source chunks, marker across two of them', 64 * 1024, 4 * MiB - 10],
    ['3 MiB source chunks, cut into 1 MiB INSTREAM chunks, marker across a cut', 3 * MiB + 17, 5 * MiB - 10],
  ])('finds the signature in the middle of an 8 MiB stream (%s)', async (_name, chunk, at) => {
    const scanner = clamdScanner(url);
    const result = await scanner.scan(document(8 * MiB, { chunk, marker, at }), 8 * MiB);
    expect(result).toEqual({ verdict: 'infected', signature: TEST_SIGNATURE_REPORTED });
  });

  it('rejects with the source error, not a verdict, when the stream fails mid-way; clamd keeps serving', async () => {
    const scanner = clamdScanner(url);
    const failure = new Error('storage read failed');
    async function* failing() {
      yield Buffer.alloc(256 * 1024, 'a');
      yield Buffer.alloc(256 * 1024, 'b');
      throw failure;
    }
    await expect(scanner.scan(Readable.from(failing(), { objectMode: false }), 2 * MiB)).rejects.toBe(failure);
    expect(await scanner.scan(document(1000), 1000)).toEqual({ verdict: 'clean' });
  });

  it('rejects when the source cannot even be opened', async () => {
    const scanner = clamdScanner(url);
    const missing = createReadStream(path.join(os.tmpdir(), 'finestreta-no-such-file'));
    await expect(scanner.scan(missing, 10)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('rejects, without a verdict, a stream shorter or longer than declared', async () => {
    const scanner = clamdScanner(url);
    await expect(scanner.scan(document(100), 200)).rejects.toThrow(RangeError);
    await expect(scanner.scan(document(300), 200)).rejects.toThrow(RangeError);
  });

  it('answers PING', async () => {
    await expect(pingClamd(url)).resolves.toBeUndefined();
  });
});

describe.skipIf(tiny === null)('clamd scanner when clamd will not scan the whole file', () => {
  it("reports too_large when the stream passes clamd's StreamMaxLength", async () => {
    const scanner = clamdScanner(tiny?.url ?? '');
    expect(await scanner.scan(document(4 * MiB), 4 * MiB)).toEqual({ verdict: 'too_large' });
  });

  it("reports too_large, not clean, when the file passes clamd's MaxFileSize (AlertExceedsMax)", async () => {
    const scanner = clamdScanner(tiny?.url ?? '');
    expect(await scanner.scan(document(200 * 1024), 200 * 1024)).toEqual({ verdict: 'too_large' });
  });
});

describe('clamd scanner without a verdict from clamd', () => {
  it('reports too_large for a file over maxBytes without connecting, and releases the stream', async () => {
    const scanner = clamdScanner(`tcp://127.0.0.1:${await closedPort()}`, { maxBytes: 1000 });
    const source = document(1001);
    expect(await scanner.scan(source, 1001)).toEqual({ verdict: 'too_large' });
    expect(source.destroyed).toBe(true);
  });

  it("never sends more than libclamav's ceiling, whatever maxBytes says", async () => {
    const scanner = clamdScanner(`tcp://127.0.0.1:${await closedPort()}`, { maxBytes: 4 * 1024 ** 3 });
    const source = document(0);
    expect(await scanner.scan(source, CLAMD_MAX_SCAN_BYTES + 1)).toEqual({ verdict: 'too_large' });
  });

  it('throws ScannerUnavailable when nothing listens (TCP port or Unix socket)', async () => {
    for (const url of [`tcp://127.0.0.1:${await closedPort()}`, `unix://${path.join(os.tmpdir(), 'finestreta-no-clamd.sock')}`]) {
      const err: unknown = await clamdScanner(url).scan(document(10), 10).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ScannerUnavailable);
      expect(err).toMatchObject({ reason: 'unreachable' });
    }
    await expect(pingClamd(`tcp://127.0.0.1:${await closedPort()}`)).rejects.toBeInstanceOf(ScannerUnavailable);
  });

  it('stops reading the source while clamd does not read, then times out as unavailable', async () => {
    const stalled = await fakeClamd((socket) => socket.pause());
    let produced = 0;
    const declared = 1024 * MiB;
    const source = document(declared, { onProduce: (n) => (produced += n) });
    const err: unknown = await clamdScanner(stalled.url, { timeoutMs: 300 })
      .scan(source, declared)
      .catch((e: unknown) => e);
    await stalled.close();
    expect(err).toMatchObject({ name: 'ScannerUnavailable', reason: 'timeout' });
    // Only what the socket buffers hold was read: the file is never loaded whole.
    expect(produced).toBeLessThan(64 * MiB);
    expect(source.destroyed).toBe(true);
  });

  it('never takes an early "OK" (before the end of the stream) as clean', async () => {
    const early = await fakeClamd((socket) => socket.write('stream: OK\0'));
    const err: unknown = await clamdScanner(early.url).scan(document(4 * MiB), 4 * MiB).catch((e: unknown) => e);
    await early.close();
    expect(err).toMatchObject({ name: 'ScannerUnavailable', reason: 'bad_reply' });
  });

  it.each([
    ['closes without answering', (s: net.Socket) => s.on('data', (d: Buffer) => d.includes(Buffer.alloc(4)) && s.end()), 'connection_lost'],
    ['answers an error', (s: net.Socket) => s.on('data', (d: Buffer) => d.includes(Buffer.alloc(4)) && s.end('stream: Can\'t create temporary file ERROR\0')), 'scanner_error'],
    ['answers something else', (s: net.Socket) => s.on('data', (d: Buffer) => d.includes(Buffer.alloc(4)) && s.end('UNKNOWN COMMAND\0')), 'bad_reply'],
  ])('throws ScannerUnavailable when clamd %s', async (_name, behave, reason) => {
    const fake = await fakeClamd(behave);
    const err: unknown = await clamdScanner(fake.url).scan(document(10), 10).catch((e: unknown) => e);
    await fake.close();
    expect(err).toBeInstanceOf(ScannerUnavailable);
    expect(err).toMatchObject({ reason });
  });
});

describe('clamd address', () => {
  it('reads tcp:// and unix:// addresses', () => {
    expect(parseClamdUrl('tcp://127.0.0.1:3310')).toEqual({ kind: 'tcp', host: '127.0.0.1', port: 3310 });
    expect(parseClamdUrl('tcp://[::1]:3310')).toEqual({ kind: 'tcp', host: '::1', port: 3310 });
    expect(parseClamdUrl('tcp://clamav:3310')).toEqual({ kind: 'tcp', host: 'clamav', port: 3310 });
    expect(parseClamdUrl('unix:///run/clamav/clamd.ctl')).toEqual({ kind: 'unix', path: '/run/clamav/clamd.ctl' });
  });

  it.each(['tcp://127.0.0.1', 'http://127.0.0.1:3310', 'unix://run/clamd.ctl', 'unix:///', '127.0.0.1:3310', 'tcp://host:3310/path'])(
    'refuses %s',
    (url) => {
      expect(() => clamdScanner(url)).toThrow(TypeError);
    },
  );
});
