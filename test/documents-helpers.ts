/** Factories for the document space's tests: signed-in citizens and staff, a tus client over real HTTP, sample files. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { book, credentialsFrom } from './booking-helpers.ts';
import type { TestApp } from './test-app.ts';

/** A signed-in browser: its cookie header and CSRF token. */
export interface Session {
  cookie: string;
  csrf: string;
}

/** Books a video appointment and signs its citizen in; returns the session and the appointment id. */
export async function citizenWithAppointment(
  t: TestApp,
  opts: { procedureId: string; startsAt: string; email: string; idNumber: string; host?: string },
): Promise<Session & { appointmentId: string; signInAgain(): Promise<Session> }> {
  const host = opts.host ?? 'alfa.test';
  const booked = await book(t, { procedureId: opts.procedureId, startsAt: opts.startsAt, citizen: { email: opts.email, idNumber: opts.idNumber } }, host);
  if (booked.statusCode !== 201) throw new Error(`booking failed: ${booked.statusCode} ${booked.body}`);
  const { token, password } = credentialsFrom(t.mail.lastTo(opts.email));
  const signIn = async (): Promise<Session> => {
    const res = await t.app.http.inject({ method: 'POST', url: '/api/citizen/session', headers: { host }, payload: { token, password } });
    const cookie = res.cookies.find((c) => c.name === 'fin_citizen');
    if (!cookie) throw new Error(`no citizen session: ${res.body}`);
    return { cookie: `fin_citizen=${cookie.value}`, csrf: res.json<{ data: { csrfToken: string } }>().data.csrfToken };
  };
  const row = await t.ctx.db.selectFrom('appointments').select('id').where('reference', '=', booked.json<{ data: { reference: string } }>().data.reference).executeTakeFirstOrThrow();
  return { ...(await signIn()), appointmentId: row.id, signInAgain: signIn };
}

/** Signs a member of staff in. */
export async function staffSession(t: TestApp, email: string, password: string, host = 'alfa.test'): Promise<Session> {
  const res = await t.app.http.inject({ method: 'POST', url: '/api/staff/session', headers: { host }, payload: { email, password } });
  const cookie = res.cookies.find((c) => c.name === 'fin_staff');
  if (!cookie) throw new Error(`staff sign-in failed: ${res.body}`);
  return { cookie: `fin_staff=${cookie.value}`, csrf: res.json<{ data: { csrfToken: string } }>().data.csrfToken };
}

/** An HTTP answer as a test reads it. */
export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  json<T = { data?: unknown; error?: { id: string; message: string } }>(): T;
}

/** One real HTTP request to a listening test app (tus needs real streams, not `inject`). */
export function rawRequest(
  port: number,
  opts: { method: string; path: string; headers?: Record<string, string>; body?: Buffer | AsyncIterable<Buffer> },
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: opts.method, path: opts.path, headers: { host: 'alfa.test', ...opts.headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json: <T>() => JSON.parse(body.toString('utf8')) as T });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    const body = opts.body;
    if (body === undefined) req.end();
    else if (Buffer.isBuffer(body)) req.end(body);
    else
      void (async () => {
        for await (const chunk of body) if (!req.write(chunk)) await new Promise((r) => req.once('drain', r));
        req.end();
      })().catch((error: unknown) => req.destroy(error as Error));
  });
}

/** Starts the test app on an ephemeral port. */
export async function listen(t: TestApp): Promise<number> {
  await t.app.http.listen({ port: 0, host: '127.0.0.1' });
  return (t.app.http.server.address() as AddressInfo).port;
}

/** `Upload-Metadata` (tus 1.0: comma-separated `key base64value`). */
export function uploadMetadata(values: Record<string, string>): string {
  return Object.entries(values)
    .map(([k, v]) => `${k} ${Buffer.from(v, 'utf8').toString('base64')}`)
    .join(',');
}

/** A minimal tus 1.0 client over `rawRequest`, as a citizen's browser speaks it. */
export function tusClient(port: number, session: Session, extraHeaders: Record<string, string> = {}) {
  const headers = (more: Record<string, string> = {}) => ({
    'tus-resumable': '1.0.0',
    cookie: session.cookie,
    'x-csrf-token': session.csrf,
    ...extraHeaders,
    ...more,
  });
  const pathOf = (location: string) => new URL(location, 'http://alfa.test').pathname;
  return {
    create: (meta: { slot: string; filename: string; filetype?: string }, length: number) =>
      rawRequest(port, {
        method: 'POST',
        path: '/api/uploads',
        headers: headers({ 'upload-length': String(length), 'upload-metadata': uploadMetadata({ filetype: 'application/octet-stream', ...meta }) }),
      }),
    patch: (location: string, offset: number, body: Buffer | AsyncIterable<Buffer>, length?: number) =>
      rawRequest(port, {
        method: 'PATCH',
        path: pathOf(location),
        headers: headers({
          'upload-offset': String(offset),
          'content-type': 'application/offset+octet-stream',
          ...(length !== undefined ? { 'content-length': String(length) } : Buffer.isBuffer(body) ? { 'content-length': String(body.length) } : {}),
        }),
        body,
      }),
    head: (location: string) => rawRequest(port, { method: 'HEAD', path: pathOf(location), headers: headers() }),
    remove: (location: string) => rawRequest(port, { method: 'DELETE', path: pathOf(location), headers: headers() }),
    /** Creates and sends a whole file in `pieces` PATCH requests; returns the last answer. */
    async upload(meta: { slot: string; filename: string; filetype?: string }, bytes: Buffer, pieces = 2): Promise<{ created: RawResponse; last: RawResponse; location: string }> {
      const created = await this.create(meta, bytes.length);
      const location = created.headers.location ?? '';
      if (created.status !== 201) return { created, last: created, location };
      const step = Math.max(1, Math.ceil(bytes.length / pieces));
      let last = created;
      for (let offset = 0; offset < bytes.length; offset += step) {
        last = await this.patch(location, offset, bytes.subarray(offset, offset + step));
        if (last.status !== 204) break;
      }
      return { created, last, location };
    },
  };
}

/** A small real PDF with `text` on its page(s). */
export async function samplePdf(text: string, pages = 1): Promise<Buffer> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  for (let i = 0; i < pages; i++) pdf.addPage([595, 842]).drawText(`${text} (${i + 1})`, { x: 50, y: 780, size: 14, font });
  // Uncompressed streams keep the text greppable, which the raw-storage test relies on.
  return Buffer.from(await pdf.save({ useObjectStreams: false }));
}

/** The 8-byte PNG signature plus an IHDR chunk: enough for type detection. */
export function tinyPng(): Buffer {
  return Buffer.from(
    '89504e470d0a1a0a0000000d4948445200000001000000010806000000' + '1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082',
    'hex',
  );
}

/** A file that passes the PDF checks (header, `startxref`, `%%EOF`) around `body`: for size and scan tests. */
export function pdfAround(body: Buffer): Buffer {
  return Buffer.concat([Buffer.from('%PDF-1.7\n%'), body, Buffer.from('\ntrailer\n<< /Size 1 >>\nstartxref\n0\n%%EOF\n')]);
}
