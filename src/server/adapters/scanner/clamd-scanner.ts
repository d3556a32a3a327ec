import net from 'node:net';
import type { Readable } from 'node:stream';
import { type MalwareScanner, type ScanResult, ScannerUnavailable, type ScannerUnavailableReason } from './scanner.ts';

/**
 * The largest file libclamav scans: it caps MaxFileSize at INT_MAX - 2
 * (libclamav/others.c, CL_ENGINE_MAX_FILESIZE: "We have a limit of around
 * 2GB (INT_MAX - 2)"), whatever clamd.conf says. A bigger file is skipped —
 * reported "OK" unless clamd.conf sets AlertExceedsMax — so the adapter
 * never sends one.
 */
export const CLAMD_MAX_SCAN_BYTES = 2 ** 31 - 3;

/** Default longest silence on a scan's connection, ms; above clamd's MaxScanTime (120 s by default). */
export const CLAMD_DEFAULT_TIMEOUT_MS = 180_000;

/** Where clamd listens, from a `tcp://host:port` or `unix:///path/to/socket` address. */
export type ClamdAddress = { kind: 'tcp'; host: string; port: number } | { kind: 'unix'; path: string };

// Opening a connection is quick or hopeless; the long timeout is for the scan itself.
const CONNECT_TIMEOUT_MS = 10_000;
// man clamd, INSTREAM: each chunk is "<length><data>", the length a 4-byte
// unsigned integer in network byte order; a zero-length chunk ends the stream.
const INSTREAM = Buffer.from('zINSTREAM\0', 'latin1');
const END_OF_STREAM = Buffer.alloc(4);
// Source chunks are forwarded as they come (a file stream gives 64 KiB);
// larger ones are cut so one chunk never nears the 4-byte length's range.
const MAX_CHUNK = 1024 * 1024;
// Replies are one short line; anything longer is not clamd talking.
const MAX_REPLY = 4096;
// clamd's reply when the stream passes StreamMaxLength (clamd/server-th.c, handle_stream).
const SIZE_LIMIT_REPLY = 'INSTREAM size limit exceeded. ERROR';
// With AlertExceedsMax, a file past MaxFileSize/MaxScanSize/MaxScanTime… is
// "found" under this prefix (man clamd.conf): clamd did not look at all of it.
const LIMITS_EXCEEDED_PREFIX = 'Heuristics.Limits.Exceeded.';

/** Reads a clamd address; throws a TypeError naming the expected forms when it is neither. */
export function parseClamdUrl(url: string): ClamdAddress {
  const bad = () => new TypeError(`clamd address must be tcp://host:port or unix:///path/to/socket, got ${JSON.stringify(url)}`);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw bad();
  }
  if (parsed.protocol === 'unix:') {
    const socketPath = decodeURIComponent(parsed.pathname);
    if (parsed.host !== '' || socketPath.length <= 1) throw bad();
    return { kind: 'unix', path: socketPath };
  }
  if (parsed.protocol === 'tcp:') {
    const port = Number(parsed.port);
    // URL keeps the brackets of an IPv6 literal; net.connect wants the bare address.
    const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
    if (!host || !Number.isInteger(port) || port < 1 || parsed.pathname.replace(/^\/$/, '') !== '') throw bad();
    return { kind: 'tcp', host, port };
  }
  throw bad();
}

/**
 * A malware scanner backed by clamd's INSTREAM command (man clamd): the file
 * is streamed over one connection in length-prefixed chunks, never held in
 * memory, waiting for the socket to drain whenever it is full.
 *
 * - Files over `maxBytes` (default and ceiling: `CLAMD_MAX_SCAN_BYTES`) are
 *   `too_large` without connecting; so is clamd's "INSTREAM size limit
 *   exceeded" (the file passed its StreamMaxLength) and any
 *   `Heuristics.Limits.Exceeded.*` finding.
 * - clamd must be configured so that it never skips silently: StreamMaxLength,
 *   MaxFileSize and MaxScanSize at least `maxBytes`, or `AlertExceedsMax yes`
 *   (recommended either way). Otherwise clamd answers "OK" for a file it did
 *   not fully scan, and no client can tell.
 * - `timeoutMs` (default `CLAMD_DEFAULT_TIMEOUT_MS`) is the longest silence
 *   allowed on the connection: no progress while sending, or no verdict after.
 * - When the connection drops without a verdict, a second, data-less
 *   connection asks whether the size was over StreamMaxLength (the drop then
 *   hid clamd's answer): `too_large` if so, `ScannerUnavailable` otherwise.
 *
 * Throws a TypeError at once when `url` is not a clamd address.
 */
export function clamdScanner(url: string, opts: { maxBytes?: number; timeoutMs?: number } = {}): MalwareScanner {
  const address = parseClamdUrl(url);
  const maxBytes = Math.min(opts.maxBytes ?? CLAMD_MAX_SCAN_BYTES, CLAMD_MAX_SCAN_BYTES);
  const timeoutMs = opts.timeoutMs ?? CLAMD_DEFAULT_TIMEOUT_MS;
  return {
    async scan(source: Readable, size: number): Promise<ScanResult> {
      if (!Number.isSafeInteger(size) || size < 0) {
        source.destroy();
        throw new RangeError(`scan size must be a byte count, got ${size}`);
      }
      if (size > maxBytes) {
        // Nothing will read it: release the file handle now, and keep a late
        // open/read error of a stream we discard from crashing the process.
        source.on('error', () => undefined);
        source.destroy();
        return { verdict: 'too_large' };
      }
      return instream(address, source, size, timeoutMs);
    },
  };
}

/** Asks clamd for PONG; resolves when it answers, rejects with `ScannerUnavailable` otherwise (for readiness checks). */
export function pingClamd(url: string, timeoutMs = 2000): Promise<void> {
  const address = parseClamdUrl(url);
  return new Promise((resolve, reject) => {
    const socket = connect(address);
    let reply = '';
    let done = false;
    const finish = (error?: Error) => {
      if (done) return;
      done = true;
      socket.destroy();
      if (error) reject(error);
      else resolve();
    };
    socket.setTimeout(timeoutMs, () => finish(new ScannerUnavailable('timeout', `clamd did not answer PING within ${timeoutMs} ms`)));
    let connected = false;
    socket.once('connect', () => {
      connected = true;
      socket.write('zPING\0');
    });
    socket.on('data', (data: Buffer) => {
      reply += data.toString('latin1');
      const end = reply.indexOf('\0');
      if (end === -1 && reply.length < MAX_REPLY) return;
      const line = end === -1 ? reply : reply.slice(0, end);
      finish(line === 'PONG' ? undefined : new ScannerUnavailable('bad_reply', `clamd answered PING with ${JSON.stringify(line.slice(0, 200))}`));
    });
    socket.on('error', (err) => finish(new ScannerUnavailable(connected ? 'connection_lost' : 'unreachable', `clamd: ${err.message}`, { cause: err })));
    socket.on('close', () => finish(new ScannerUnavailable('connection_lost', 'clamd closed the connection without answering PING')));
  });
}

function connect(address: ClamdAddress): net.Socket {
  return address.kind === 'unix' ? net.createConnection({ path: address.path }) : net.createConnection({ host: address.host, port: address.port });
}

/** One INSTREAM exchange. Settles exactly once; every path out destroys both the socket and (unless read to the end) the source. */
function instream(address: ClamdAddress, source: Readable, size: number, timeoutMs: number): Promise<ScanResult> {
  return new Promise<ScanResult>((resolve, reject) => {
    const socket = connect(address);
    let done = false;
    let connected = false;
    let streamEnded = false; // the zero-length chunk has been queued
    let reply = Buffer.alloc(0);

    const finish = (outcome: Promise<ScanResult> | ScanResult | Error) => {
      if (done) return;
      done = true;
      socket.destroy();
      if (!source.destroyed) source.destroy();
      if (outcome instanceof Error) reject(outcome);
      else Promise.resolve(outcome).then(resolve, reject);
    };
    const unavailable = (reason: ScannerUnavailableReason, message: string, cause?: unknown) =>
      finish(new ScannerUnavailable(reason, message, cause === undefined ? undefined : { cause }));
    const lost = (message: string, cause?: unknown) => {
      if (done) return;
      if (!connected) return unavailable('unreachable', `could not connect to clamd: ${message}`, cause);
      // clamd closes the connection as soon as the stream passes its
      // StreamMaxLength, right after answering "size limit exceeded"; when one
      // of our writes still queued then fails (EPIPE, ECONNRESET) Node drops
      // the socket and the unread answer with it. Ask again, deterministically,
      // without the data; any other loss is worth a retry later.
      finish(
        exceedsStreamLimit(address, size, timeoutMs).then(
          (exceeded): ScanResult => {
            if (exceeded) return { verdict: 'too_large' };
            throw new ScannerUnavailable('connection_lost', `clamd connection lost without a verdict: ${message}`, { cause });
          },
          () => {
            throw new ScannerUnavailable('connection_lost', `clamd connection lost without a verdict: ${message}`, { cause });
          },
        ),
      );
    };

    const onReply = (line: string) => {
      // clamd may answer this one while we are still sending (it stops reading).
      if (line === SIZE_LIMIT_REPLY) return finish({ verdict: 'too_large' });
      // A verdict before the end of the stream would be about bytes clamd has not all seen.
      if (!streamEnded) return unavailable('bad_reply', `clamd answered before the end of the stream: ${JSON.stringify(line.slice(0, 200))}`);
      if (line === 'stream: OK') return finish({ verdict: 'clean' });
      const found = /^stream: (.+) FOUND$/.exec(line);
      if (found?.[1]) {
        const signature = found[1];
        if (signature.startsWith(LIMITS_EXCEEDED_PREFIX)) return finish({ verdict: 'too_large' });
        return finish({ verdict: 'infected', signature: signature.slice(0, 200) });
      }
      if (line.endsWith(' ERROR')) return unavailable('scanner_error', `clamd: ${line.slice(0, 200)}`);
      return unavailable('bad_reply', `clamd answered ${JSON.stringify(line.slice(0, 200))}`);
    };

    // A source that fails before or between reads (e.g. its file cannot be
    // opened) must reject the scan, not crash the process as an unhandled 'error'.
    source.on('error', (err) => finish(err));

    const connectTimeoutMs = Math.min(CONNECT_TIMEOUT_MS, timeoutMs);
    socket.setTimeout(connectTimeoutMs);
    socket.on('timeout', () =>
      connected ? unavailable('timeout', `clamd connection idle for ${timeoutMs} ms`) : unavailable('unreachable', `could not connect to clamd within ${connectTimeoutMs} ms`),
    );
    socket.once('connect', () => {
      connected = true;
      socket.setTimeout(timeoutMs);
      send().catch((err: unknown) => finish(err instanceof Error ? err : new Error(String(err))));
    });
    socket.on('data', (data: Buffer) => {
      reply = Buffer.concat([reply, data]);
      // z-prefixed commands get NUL-terminated replies (man clamd, COMMANDS).
      const end = reply.indexOf(0);
      if (end !== -1) onReply(reply.subarray(0, end).toString('latin1'));
      else if (reply.length > MAX_REPLY) unavailable('bad_reply', 'clamd reply too long');
    });
    socket.on('end', () => (reply.length > 0 ? onReply(reply.toString('latin1')) : lost('closed without an answer')));
    socket.on('error', (err) => lost(err.message, err));
    socket.on('close', () => lost('closed without an answer'));

    async function send(): Promise<void> {
      socket.write(INSTREAM);
      let sent = 0;
      for await (const chunk of source as AsyncIterable<unknown>) {
        if (done) return; // clamd already answered (size limit) or the connection failed
        if (!(chunk instanceof Uint8Array)) throw new TypeError('scan source must yield bytes, not strings');
        sent += chunk.byteLength;
        if (sent > size) throw new RangeError(`scan source is longer than the declared ${size} bytes`);
        for (let at = 0; at < chunk.byteLength; at += MAX_CHUNK) {
          const piece = chunk.subarray(at, at + MAX_CHUNK);
          socket.write(chunkLength(piece.byteLength));
          // Backpressure: stop pulling from the source until the kernel took what we gave.
          if (!socket.write(piece)) await drained(socket);
          if (done) return;
        }
      }
      if (done) return;
      if (sent !== size) throw new RangeError(`scan source ended after ${sent} of the declared ${size} bytes`);
      streamEnded = true;
      socket.write(END_OF_STREAM);
    }
  });
}

/**
 * Whether `size` bytes are over clamd's StreamMaxLength, asked without
 * sending them: clamd checks each chunk's announced length against what is
 * left of the limit as soon as it reads the 4-byte length (clamd/server-th.c,
 * handle_stream), so one chunk announcing `size` bytes followed by our end of
 * the connection gets "size limit exceeded" when over, and a plain close otherwise.
 */
function exceedsStreamLimit(address: ClamdAddress, size: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const socket = connect(address);
    let reply = '';
    let done = false;
    const finish = (outcome: boolean | Error) => {
      if (done) return;
      done = true;
      socket.destroy();
      if (outcome instanceof Error) reject(outcome);
      else resolve(outcome);
    };
    socket.setTimeout(Math.min(CONNECT_TIMEOUT_MS, timeoutMs), () => finish(new ScannerUnavailable('timeout', 'clamd did not answer the size probe')));
    socket.once('connect', () => socket.end(Buffer.concat([INSTREAM, chunkLength(size)])));
    socket.on('data', (data: Buffer) => {
      reply += data.toString('latin1');
      if (reply.includes('\0') || reply.length > MAX_REPLY) finish(reply.split('\0')[0] === SIZE_LIMIT_REPLY);
    });
    socket.on('error', (err) => finish(new ScannerUnavailable('connection_lost', `clamd size probe failed: ${err.message}`, { cause: err })));
    socket.on('close', () => finish(reply.split('\0')[0] === SIZE_LIMIT_REPLY));
  });
}

/** man clamd, INSTREAM: a chunk's length is a 4-byte unsigned integer in network byte order. */
function chunkLength(n: number): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(n);
  return length;
}

/** Resolves when the socket can take more, or when it is gone (the caller then sees `done`). */
function drained(socket: net.Socket): Promise<void> {
  return new Promise((resolve) => {
    const go = () => {
      socket.off('drain', go);
      socket.off('close', go);
      resolve();
    };
    socket.on('drain', go);
    socket.on('close', go);
  });
}
