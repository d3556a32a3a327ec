/**
 * The measured client: sends the benchmark file's bytes as request bodies,
 * either as tus 1.0 PATCHes or as plain PUTs at an offset.
 */
import http from 'node:http';
import { CHUNK, REQUEST_BYTES } from './config.ts';
import { fileBytes } from './file-bytes.ts';

/** The keep-alive agent every request goes through; destroyed once the run is over. */
export const agent = new http.Agent({ keepAlive: true });

/** A server's answer to one request. */
export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

// Chunks the client has on their way to the kernel at most: it reuses them, so that it allocates nothing per
// request and its garbage collector stays out of the measurement (it shares the machine with the server).
const CLIENT_CHUNKS = 16;

/** Sends bytes [from, to) of a file of `size` bytes as the body of one request, at most CLIENT_CHUNKS chunks ahead of the socket. */
export function send(url: string, method: string, headers: Record<string, string>, size: number, from: number, to: number): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method, agent, headers: { ...headers, 'Content-Length': String(to - from) } }, (response) => {
      const body: Buffer[] = [];
      response.on('data', (data: Buffer) => body.push(data));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(body).toString() }));
    });
    request.on('error', reject);
    const spare = Array.from({ length: CLIENT_CHUNKS }, () => Buffer.allocUnsafeSlow(CHUNK));
    let at = from;
    let ended = false;
    const pump = (): void => {
      for (let buffer = spare.pop(); buffer && at < to; buffer = spare.pop()) {
        const chunk = fileBytes(size, at, buffer.subarray(0, Math.min(CHUNK, to - at)));
        at += chunk.length;
        // Called once the chunk is in the kernel: the buffer is free again.
        const recycled = buffer;
        request.write(chunk, () => {
          spare.push(recycled);
          pump();
        });
      }
      if (at >= to && !ended) {
        ended = true;
        request.end();
      }
    };
    pump();
  });
}

/** The [from, to) byte ranges of a file of `size` bytes, one per request of BENCH_PATCH_BYTES. */
export function pieces(size: number): [number, number][] {
  const out: [number, number][] = [];
  for (let at = 0; at < size; at += REQUEST_BYTES) out.push([at, Math.min(size, at + REQUEST_BYTES)]);
  return out;
}

/** Throws, with the start of the body, unless the answer has the expected status. */
export function expectStatus(answer: Answer, status: number, what: string): void {
  if (answer.status !== status) throw new Error(`${what}: HTTP ${answer.status}, expected ${status} ${answer.body.slice(0, 300)}`);
}

/**
 * A tus 1.0 client: POST to `createUrl`, then one PATCH per piece to the
 * Location. Returns the headers of the last answer (a bare server may carry
 * its SHA-256 there).
 */
export async function tusUpload(createUrl: string, extra: Record<string, string>, finalStatus: number, size: number): Promise<http.IncomingHttpHeaders> {
  const tus = { ...extra, 'Tus-Resumable': '1.0.0' };
  const created = await send(createUrl, 'POST', { ...tus, 'Upload-Length': String(size) }, size, 0, 0);
  expectStatus(created, 201, 'tus POST');
  const url = String(created.headers.location);
  let last: http.IncomingHttpHeaders = {};
  for (const [from, to] of pieces(size)) {
    const headers = { ...tus, 'Upload-Offset': String(from), 'Content-Type': 'application/offset+octet-stream' };
    const answer = await send(url, 'PATCH', headers, size, from, to);
    expectStatus(answer, to === size ? finalStatus : 204, 'tus PATCH');
    if (answer.headers['upload-offset'] !== String(to)) throw new Error(`tus PATCH: offset ${String(answer.headers['upload-offset'])}, expected ${to}`);
    last = answer.headers;
  }
  return last;
}
